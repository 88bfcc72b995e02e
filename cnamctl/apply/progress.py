"""Showing an apply while it runs: event sinks for a terminal and for logs.

``RichProgress`` draws one bar per action (plus a total with the retries so far)
and prints failures above the bars; ``PlainLog`` writes one line per finished
change and per retry, for CI logs. Both are thread-safe sinks for
``cnamctl.apply.events`` and are only instantiated by the CLI.
"""

from __future__ import annotations

import threading
from collections import Counter
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from cnamctl.apply.events import ApplyEvent, ChangeFinished, ChangeRetrying
from cnamctl.apply.result import ChangeResult, Outcome
from cnamctl.plan.model import Plan


def describe(result: ChangeResult) -> str:
    """One line for a finished change."""
    extra = []
    if result.sids:
        extra.append(", ".join(result.sids))
    if result.status:
        extra.append(result.status)
    if "validation_code" in result.details:
        extra.append(f"verification code {result.details['validation_code']}")
    if result.attempts > 1:
        extra.append(f"{result.attempts} attempts")
    if result.read_back:
        extra.append("confirmed by read-back")
    if result.message:
        extra.append(result.message)
    tail = f" ({'; '.join(extra)})" if extra else ""
    return f"{result.outcome.value:<8} {result.action.value} {result.address}{tail}"


def describe_retry(event: ChangeRetrying) -> str:
    return (
        f"retry    {event.change.address}: {event.reason}; "
        f"attempt {event.attempt + 1} in {event.wait:.1f}s"
    )


class PlainLog:
    """Line per change, for logs."""

    def __init__(self, stream: TextIO, *, show_retries: bool = True):
        self._stream = stream
        self._show_retries = show_retries
        self._lock = threading.Lock()

    def __call__(self, event: ApplyEvent) -> None:
        if isinstance(event, ChangeFinished):
            line = describe(event.result)
        elif self._show_retries:
            line = describe_retry(event)
        else:
            return
        with self._lock:
            print(line, file=self._stream, flush=True)

    def __enter__(self) -> PlainLog:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class RichProgress:
    """Bars per action on a terminal; failures are printed above them."""

    def __init__(self, plan: Plan, console: Console):
        self._console = console
        self._progress = Progress(
            TextColumn("{task.description:<34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self._lock = threading.Lock()
        self._retries = 0
        self._done = 0
        totals = Counter(c.action.value for c in plan.changes)
        self._total_count = len(plan.changes)
        self._total = self._progress.add_task(self._total_label(), total=self._total_count)
        self._tasks: dict[str, TaskID] = {
            action: self._progress.add_task(f"  {action}", total=n)
            for action, n in plan.summary().items()
            if totals[action]
        }

    def _total_label(self) -> str:
        return f"all changes (retries: {self._retries})"

    def __call__(self, event: ApplyEvent) -> None:
        with self._lock:
            if isinstance(event, ChangeRetrying):
                self._retries += 1
                self._progress.update(self._total, description=self._total_label())
                return
            result = event.result
            self._progress.advance(self._tasks[result.action.value])
            self._progress.advance(self._total)
            if result.outcome is not Outcome.APPLIED:
                self._progress.console.print(describe(result), markup=False, highlight=False)

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()
