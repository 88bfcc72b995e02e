"""Where the executor's changes run, and in which order they finish.

The executor hands each ready change to a ``Runner`` and asks it for those that
have finished. ``ThreadRunner``, the one apply uses, runs them on a bounded
thread pool, so they finish in whatever order the network answers. Tests inject
a runner that finishes them in a chosen order (seeded, reproducible) instead, to
show that the ordering rules, not the timing, keep every run correct.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Runner(Protocol):
    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Start ``fn``; its Future settles when it has run."""
        ...

    def next_done(self, futures: Collection[Future[Any]]) -> set[Future[Any]]:
        """Block until at least one of ``futures`` is done; return the done ones."""
        ...

    def close(self, *, wait: bool = True) -> None:
        """Release the workers (``wait``: after everything submitted has run)."""
        ...


class ThreadRunner:
    """At most ``workers`` changes at once, each on its own thread."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, workers), thread_name_prefix="cnamctl-apply"
        )

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        return self._pool.submit(fn)

    def next_done(self, futures: Collection[Future[Any]]) -> set[Future[Any]]:
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        return set(done)

    def close(self, *, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
