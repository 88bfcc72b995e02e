"""Running an apply: every prepared account in turn, and stopping it when asked.

Accounts run one after the other, each with its own executor (and so its own
rate limiter: Twilio's limits are per account). An account that was not
prepared keeps its error; one with nothing to change sends nothing.

The executor runs in a thread of its own while the calling (main) thread waits,
so a signal is handled at once, whatever the workers are doing. Ctrl-C and
SIGTERM (a cancelled CI job) both mean ``interrupt()``:

1. **First**: acknowledged at once, through the display ("stopping: N changes
   in flight will finish, nothing new starts"). The executor starts nothing new
   and ends waits between retries early; the changes in flight finish; no
   further account starts. Not-run changes are counted once in the summary.
2. **Second**: the run stops waiting. The changes still in flight are reported
   ``unknown`` (each is one write that took effect or did not; the next apply
   reads it back before writing), and ``abandoned`` is set: their requests are
   still running in worker threads, so the caller prints what it has and ends
   the process without waiting for them (the CLI does, with ``os._exit``).

Either way the result says exactly what was applied, and ``--format json``
still gets one complete document.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from cnamctl.apply.events import ApplyEvent, ChangeFinished, ChangeStarted
from cnamctl.apply.executor import ApplySettings, Executor
from cnamctl.apply.operations import OPERATIONS, Operation
from cnamctl.apply.prepare import PreparedAccount
from cnamctl.apply.progress import Display
from cnamctl.apply.result import AccountOutcome, ApplyResult, ChangeResult, Outcome
from cnamctl.errors import CnamctlError
from cnamctl.plan.model import Action, Change, Plan

POLL_SECONDS = 0.05  # how often the waiting thread looks up from a join


class RunObserver(Protocol):
    """What the caller shows of a run (the CLI: headers, summaries, progress)."""

    def account_started(self, account: PreparedAccount, plan: Plan) -> None: ...

    def account_finished(self, account: PreparedAccount, result: ApplyResult) -> None: ...

    def display(self, plan: Plan) -> Display: ...

    def notify(self, message: str) -> None: ...


class _Tracker:
    """Passes events on to the display, keeping what started and what finished."""

    def __init__(self, plan: Plan, display: Display, clock: Callable[[], float]):
        self.plan = plan
        self.display = display
        self._clock = clock
        self._began = clock()
        self._lock = threading.Lock()
        self._started: dict[str, Change] = {}
        self._finished: dict[str, ChangeResult] = {}

    def __call__(self, event: ApplyEvent) -> None:
        with self._lock:
            if isinstance(event, ChangeStarted):
                self._started[event.change.address] = event.change
            elif isinstance(event, ChangeFinished):
                self._finished[event.result.address] = event.result
        self.display(event)

    @property
    def in_flight(self) -> int:
        with self._lock:
            return sum(1 for a in self._started if a not in self._finished)

    def partial(self) -> ApplyResult:
        """The result so far, for a run that stopped waiting: what finished as it
        finished, what is in flight ``unknown``, the rest ``not-run``."""
        with self._lock:
            finished = dict(self._finished)
            started = set(self._started)
        changes = []
        for change in self.plan.changes:
            if change.address in finished:
                changes.append(finished[change.address])
            elif change.address in started:
                changes.append(
                    ChangeResult.unattempted(
                        change,
                        Outcome.UNKNOWN,
                        "in flight when the run stopped waiting; the next apply reads it back",
                    )
                )
            else:
                changes.append(ChangeResult.unattempted(change, Outcome.NOT_RUN, "run interrupted"))
        return ApplyResult(changes=changes, seconds=self._clock() - self._began, interrupted=True)


@dataclass
class _Active:
    executor: Executor
    tracker: _Tracker


class ApplyRun:
    """One apply of ``accounts``; ``run()`` once, ``interrupt()`` from anywhere."""

    def __init__(
        self,
        accounts: Sequence[PreparedAccount],
        settings: ApplySettings,
        observer: RunObserver,
        *,
        operations: Mapping[Action, Operation] = OPERATIONS,
        handle_signals: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.accounts = list(accounts)
        self.settings = settings
        self.observer = observer
        self.operations = operations
        self.handle_signals = handle_signals
        self.clock = clock
        self.abandoned = False
        self._lock = threading.Lock()
        self._interrupts = 0
        self._stop = threading.Event()
        self._abandon = threading.Event()
        self._active: _Active | None = None

    @property
    def interrupted(self) -> bool:
        return self._stop.is_set()

    def run(self) -> list[AccountOutcome]:
        outcomes = []
        with self._signals():
            for account in self.accounts:
                outcomes.append(self._account(account))
        return outcomes

    def _account(self, account: PreparedAccount) -> AccountOutcome:
        def outcome(result: ApplyResult | None = None, error: str | None = None) -> AccountOutcome:
            return AccountOutcome(account.name, account.account_sid, result, error)

        if account.prepared is None:
            return outcome(error=str(account.error) if account.error else "not prepared")
        plan = account.prepared.plan
        if not plan.has_changes:
            return outcome()
        if self._stop.is_set():
            return outcome(error="not started: the run was interrupted")
        self.observer.account_started(account, plan)
        try:
            result = self._execute(account)
        except CnamctlError as err:  # refused before any write (an invalid plan)
            return outcome(error=str(err))
        self.observer.account_finished(account, result)
        return outcome(result)

    def _execute(self, account: PreparedAccount) -> ApplyResult:
        prepared = account.prepared
        assert prepared is not None
        display = self.observer.display(prepared.plan)
        tracker = _Tracker(prepared.plan, display, self.clock)
        executor = Executor(
            prepared.client,
            prepared.plan,
            live=prepared.live,
            manifests=prepared.manifests,
            settings=self.settings,
            on_event=tracker,
            operations=self.operations,
        )
        done: list[ApplyResult] = []
        failed: list[BaseException] = []

        def work() -> None:
            try:
                done.append(executor.run())
            except BaseException as err:  # handed to the waiting thread
                failed.append(err)

        thread = threading.Thread(target=work, name="cnamctl-apply-run", daemon=True)
        with display:
            with self._lock:
                self._active = _Active(executor, tracker)
                if self._stop.is_set():  # interrupted while this account was starting
                    executor.stop()
            thread.start()
            try:
                while thread.is_alive() and not self._abandon.is_set():
                    thread.join(POLL_SECONDS)
            finally:
                with self._lock:
                    self._active = None
        if failed:
            raise failed[0]
        if done:
            return done[0]
        self.abandoned = True
        return tracker.partial()

    def interrupt(self) -> None:
        """Ctrl-C, SIGTERM or a caller: the first stops the run, the second stops
        waiting for it (see the module docstring). Safe from any thread."""
        with self._lock:
            self._interrupts += 1
            first = self._interrupts == 1
            active = self._active
            if first:
                self._stop.set()
                if active is not None:
                    active.executor.stop()
            else:
                self._abandon.set()
        flying = active.tracker.in_flight if active else 0
        changes = "change" if flying == 1 else "changes"
        if first:
            message = (
                f"stopping: {flying} {changes} in flight will finish, nothing new starts "
                "(Ctrl-C again to stop waiting for them)"
            )
        else:
            message = (
                f"not waiting for {flying} {changes} in flight: they are reported as "
                "unknown, and the next apply reads them back"
            )
        (active.tracker.display.notify if active else self.observer.notify)(message)

    @contextmanager
    def _signals(self) -> Iterator[None]:
        """Ctrl-C and SIGTERM call ``interrupt`` while the run lasts (main thread only:
        Python delivers signals there)."""
        if not self.handle_signals or threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(_signum: int, _frame: object) -> None:
            self.interrupt()

        previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for signum, old in previous.items():
                signal.signal(signum, old)
