"""Showing an apply while it runs: displays for a terminal, for logs, and for nothing.

A display is a thread-safe sink for ``cnamctl.apply.events`` that also shows the
run's own messages (``notify``: "stopping: ..."), used as a context manager
around one account's run:

* ``RichProgress``: one bar per action plus a total with the retries so far, on
  a terminal; failures are printed above the bars. Bars count changes that were
  attempted (applied or failed) only, so an interrupted run leaves them where it
  stopped instead of jumping to full; what was skipped or not run is said once,
  in the summary.
* ``PlainLog``: one line per finished change and per retry, for CI logs; nothing
  per change that was not run (the summary has one line for them).
* ``Silent``: nothing per change (``--format json``, ``--quiet``); messages go
  to ``stream`` when one is given.
"""

from __future__ import annotations

import threading
from collections import Counter
from types import TracebackType
from typing import Protocol, Self, TextIO

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
from cnamctl.text import inert


class Display(Protocol):
    def __call__(self, event: ApplyEvent) -> None: ...

    def notify(self, message: str) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def describe(result: ChangeResult) -> str:
    """One line for a finished change."""
    extra = []
    if result.sids:
        extra.append(", ".join(result.sids))
    if result.status:
        extra.append(result.status)
    if result.attempts > 1:
        extra.append(f"{result.attempts} attempts")
    if result.read_back:
        extra.append("confirmed by read-back")
    if result.message:
        extra.append(result.message)
    tail = f" ({'; '.join(extra)})" if extra else ""
    return inert(f"{result.outcome.value:<8} {result.action.value} {result.address}{tail}")


def describe_retry(event: ChangeRetrying) -> str:
    return inert(
        f"retry    {event.change.address}: {event.reason}; "
        f"attempt {event.attempt + 1} in {event.wait:.1f}s"
    )


class _Context:
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class Silent(_Context):
    """Nothing per change; ``notify`` writes to ``stream`` (None: nowhere)."""

    def __init__(self, stream: TextIO | None = None):
        self._stream = stream
        self._lock = threading.Lock()

    def __call__(self, event: ApplyEvent) -> None:
        return None

    def notify(self, message: str) -> None:
        if self._stream is not None:
            with self._lock:
                print(message, file=self._stream, flush=True)


class PlainLog(_Context):
    """Line per attempted or skipped change and per retry, for logs."""

    def __init__(self, stream: TextIO, *, show_retries: bool = True):
        self._stream = stream
        self._show_retries = show_retries
        self._lock = threading.Lock()

    def __call__(self, event: ApplyEvent) -> None:
        if isinstance(event, ChangeFinished):
            if event.result.outcome is Outcome.NOT_RUN:
                return  # one line in the summary says how many
            line = describe(event.result)
        elif isinstance(event, ChangeRetrying) and self._show_retries:
            line = describe_retry(event)
        else:
            return
        self.notify(line)

    def notify(self, message: str) -> None:
        with self._lock:
            print(message, file=self._stream, flush=True)


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
        totals = Counter(c.action.value for c in plan.changes)
        self._total = self._progress.add_task(self._total_label(), total=len(plan.changes))
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
            if not isinstance(event, ChangeFinished):
                return
            result = event.result
            if result.outcome.attempted:
                self._progress.advance(self._tasks[result.action.value])
                self._progress.advance(self._total)
            if result.outcome is Outcome.FAILED:  # skipped and not-run: once, in the summary
                self._progress.console.print(describe(result), markup=False, highlight=False)

    def notify(self, message: str) -> None:
        self._progress.console.print(message, markup=False, highlight=False)

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()
