"""Events an apply reports while it runs; the CLI decides how to show them.

Sinks are called from worker threads and must be thread-safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cnamctl.apply.result import ChangeResult
from cnamctl.plan.model import Change


@dataclass(frozen=True)
class ChangeStarted:
    """A worker took ``change`` up: it is in flight until its ChangeFinished."""

    change: Change


@dataclass(frozen=True)
class ChangeRetrying:
    """A request for ``change`` failed and will be tried again after ``wait`` seconds."""

    change: Change
    attempt: int  # the attempt that failed (1-based)
    reason: str
    wait: float


@dataclass(frozen=True)
class ChangeFinished:
    result: ChangeResult


ApplyEvent = ChangeStarted | ChangeRetrying | ChangeFinished
EventSink = Callable[[ApplyEvent], None]


def ignore(_event: ApplyEvent) -> None:
    """The sink that shows nothing."""
