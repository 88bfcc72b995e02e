"""Running an apply: the prepared accounts, several at once, and stopping it when asked.

Accounts are independent (Twilio keeps each one's objects and rate limits apart),
so up to ``accounts_at_once`` of them run at the same time, each with its own
executor, its own pool of ``--concurrency`` workers and its own rate limiter (the
one in its SDK client's HttpClient, ``cnamctl/twilio/client.py``: one account's
429s never slow another). An account that was not prepared keeps its error; one
with nothing to change sends nothing and takes no turn.

**Output in account order, not completion order.** An account's output (the
observer's header, its display's lines or bars, its summary) is shown whole, in
the order of the accounts: the first account's display is live; the others' events
are held (``_Output``) until every account before them has been shown, then
replayed, and from then on passed through as they come. So ``--format json`` and
the text log are the same whatever order the accounts finish in; only a held
account's progress is shown late, never out of place.

Each executor runs in a thread of its own while the calling (main) thread waits,
so a signal is handled at once, whatever the workers are doing. Ctrl-C and
SIGTERM (a cancelled CI job) both mean ``interrupt()``:

1. **First**: acknowledged at once, through the live display ("stopping: N changes
   in flight will finish, nothing new starts"). Every running executor starts
   nothing new and ends waits between retries early; the changes in flight finish;
   no further account starts (each is reported "not started"). Not-run changes are
   counted once in each summary.
2. **Second**: the run stops waiting. The changes still in flight, in every running
   account, are reported ``unknown`` (each is one write that took effect or did
   not; the next apply reads it back before writing), and ``abandoned`` is set:
   their requests are still running in worker threads, so the caller prints what
   it has and ends the process without waiting for them (the CLI does, with
   ``os._exit``).

Either way the result says exactly what was applied, and ``--format json`` still
gets one complete document. The signal handler itself only counts the signal and
wakes the main thread, which then calls ``interrupt()``: a handler that printed
could interrupt the main thread inside a display's lock and wait on it forever.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from cnamctl.apply.events import ApplyEvent, ChangeFinished, ChangeStarted
from cnamctl.apply.executor import ApplySettings, Executor
from cnamctl.apply.operations import OPERATIONS, Operation
from cnamctl.apply.prepare import PreparedAccount
from cnamctl.apply.progress import Display
from cnamctl.apply.result import AccountOutcome, ApplyResult, ChangeResult, Outcome
from cnamctl.errors import CnamctlError
from cnamctl.plan.model import Action, Change, Plan
from cnamctl.workspace import DEFAULT_ACCOUNTS_AT_ONCE

POLL_SECONDS = 0.05  # longest the main loop waits before it looks again


class RunObserver(Protocol):
    """What the caller shows of a run (the CLI: headers, summaries, progress)."""

    def account_started(self, account: PreparedAccount, plan: Plan) -> None: ...

    def account_finished(self, account: PreparedAccount, result: ApplyResult) -> None: ...

    def display(self, plan: Plan) -> Display: ...

    def notify(self, message: str) -> None: ...


class _Output:
    """One account's display, held back until it is that account's turn to be shown.

    Events that come before ``show`` are kept, replayed into the display ``show``
    gives, and passed straight on after it. ``seal`` ends it: later events are
    dropped (a run that stopped waiting; its summary says what happened)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: list[ApplyEvent] = []
        self._display: Display | None = None
        self._sealed = False

    def __call__(self, event: ApplyEvent) -> None:
        with self._lock:
            if self._sealed:
                return
            if self._display is None:
                self._held.append(event)
            else:
                self._display(event)

    def show(self, display: Display) -> None:
        with self._lock:  # events held before a seal are still shown
            for event in self._held:
                display(event)
            self._held.clear()
            self._display = display

    def seal(self) -> None:
        with self._lock:
            self._sealed = True


class _Tracker:
    """Passes events on to the display, keeping what started and what finished."""

    def __init__(self, plan: Plan, display: _Output, clock: Callable[[], float]):
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
class _Slot:
    """One account of the run, from its start to its last line of output."""

    index: int
    account: PreparedAccount
    outcome: AccountOutcome | None = None  # None while it runs (or has not begun)
    executor: Executor | None = None
    tracker: _Tracker | None = None
    output: _Output = field(default_factory=_Output)
    display: Display | None = None  # while it is the account being shown
    opened: bool = False  # its header was shown
    finished: threading.Event = field(default_factory=threading.Event)
    result: ApplyResult | None = None  # what its thread returned ...
    failure: BaseException | None = None  # ... or raised

    def end(self, result: ApplyResult | None = None, error: str | None = None) -> None:
        account = self.account
        self.outcome = AccountOutcome(account.name, account.account_sid, result, error)


class ApplyRun:
    """One apply of ``accounts``, up to ``accounts_at_once`` at a time; ``run()``
    once, ``interrupt()`` from anywhere."""

    def __init__(
        self,
        accounts: Sequence[PreparedAccount],
        settings: ApplySettings,
        observer: RunObserver,
        *,
        accounts_at_once: int = DEFAULT_ACCOUNTS_AT_ONCE,
        operations: Mapping[Action, Operation] = OPERATIONS,
        handle_signals: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.accounts = list(accounts)
        self.settings = settings
        self.observer = observer
        self.accounts_at_once = max(1, accounts_at_once)
        self.operations = operations
        self.handle_signals = handle_signals
        self.clock = clock
        self.abandoned = False
        self._lock = threading.Lock()
        self._interrupts = 0
        self._signalled = 0  # signals counted by the handler (it writes only this) ...
        self._handled = 0  # ... and those the main loop has turned into interrupt()
        self._stop = threading.Event()
        self._abandon = threading.Event()
        self._wake = threading.Event()  # an account finished, or a signal came
        self._running: list[_Slot] = []
        self._live: Display | None = None  # the display being shown: where messages go

    @property
    def interrupted(self) -> bool:
        return self._stop.is_set()

    def run(self) -> list[AccountOutcome]:
        """Every account's outcome, in the order of the accounts."""
        slots = [_Slot(i, a) for i, a in enumerate(self.accounts)]
        with self._signals():
            try:
                self._drive(slots)
            finally:
                for slot in slots:  # after an unexpected error: leave no display running
                    self._close(slot)
        outcomes = [s.outcome for s in slots]
        assert all(o is not None for o in outcomes)
        return [o for o in outcomes if o is not None]

    def _drive(self, slots: list[_Slot]) -> None:
        """Start accounts while there is room, collect the finished ones and show
        them in order, until every account has an outcome and has been shown."""
        waiting = deque(slots)
        running: list[_Slot] = []
        shown = 0
        failure: BaseException | None = None
        while True:
            self._wake.clear()
            self._take_signals()
            while waiting and len(running) < self.accounts_at_once:
                slot = waiting.popleft()
                if self._begin(slot):
                    running.append(slot)
            for slot in [s for s in running if s.finished.is_set()]:
                running.remove(slot)
                failure = failure or self._collect(slot)
            if self._abandon.is_set():
                for slot in running:
                    self._give_up(slot)
                running.clear()
            shown = self._show(slots, shown)
            if not waiting and not running:
                break
            self._wake.wait(POLL_SECONDS)
        if failure is not None:
            raise failure

    # --- one account -----------------------------------------------------------------

    def _begin(self, slot: _Slot) -> bool:
        """Start the account's executor in a thread of its own; False when there is
        nothing to run (its outcome is then set)."""
        account = slot.account
        if account.prepared is None:
            slot.end(error=str(account.error) if account.error else "not prepared")
            return False
        prepared = account.prepared
        if not prepared.plan.has_changes:
            slot.end()
            return False
        if self._stop.is_set():
            slot.end(error="not started: the run was interrupted")
            return False
        slot.tracker = _Tracker(prepared.plan, slot.output, self.clock)
        slot.executor = Executor(
            prepared.client,
            prepared.plan,
            live=prepared.live,
            manifests=prepared.manifests,
            settings=self.settings,
            on_event=slot.tracker,
            operations=self.operations,
        )
        executor = slot.executor

        def work() -> None:
            try:
                slot.result = executor.run()
            except BaseException as err:  # handed to the main thread
                slot.failure = err
            finally:
                slot.finished.set()
                self._wake.set()

        with self._lock:
            self._running.append(slot)
            if self._stop.is_set():  # interrupted while this account was starting
                executor.stop()
        name = f"cnamctl-apply-account-{slot.index}"
        threading.Thread(target=work, name=name, daemon=True).start()
        return True

    def _collect(self, slot: _Slot) -> BaseException | None:
        """The finished account's outcome; an unexpected error is returned (to be
        raised once the others have finished) after stopping the run."""
        with self._lock:
            self._running.remove(slot)
        if isinstance(slot.failure, CnamctlError):  # refused before any write
            slot.end(error=str(slot.failure))
            return None
        if slot.failure is not None:
            slot.end(error=f"{type(slot.failure).__name__}: {slot.failure}")
            self._halt()
            return slot.failure
        slot.end(slot.result)
        return None

    def _give_up(self, slot: _Slot) -> None:
        """The run stopped waiting: the account's result so far (in flight: unknown)."""
        with self._lock:
            if slot in self._running:
                self._running.remove(slot)
        if slot.finished.is_set():  # finished after all, just now
            self._collect_late(slot)
            return
        slot.output.seal()
        assert slot.tracker is not None
        slot.end(slot.tracker.partial())
        self.abandoned = True

    def _collect_late(self, slot: _Slot) -> None:
        if slot.failure is None:
            slot.end(slot.result)
        else:
            slot.end(error=str(slot.failure))

    # --- output, in the order of the accounts ------------------------------------------

    def _show(self, slots: list[_Slot], shown: int) -> int:
        """Show accounts from ``shown`` on, in order, as far as they have finished:
        each started one is opened (header, display, held events), and closed
        (summary) once it has its outcome. Returns the first account not done."""
        while shown < len(slots):
            slot = slots[shown]
            if slot.tracker is not None and not slot.opened:
                self._open(slot)
            if slot.outcome is None:
                break
            self._close(slot)
            if slot.opened and slot.outcome.result is not None:
                self.observer.account_finished(slot.account, slot.outcome.result)
            shown += 1
        return shown

    def _open(self, slot: _Slot) -> None:
        plan = slot.account.plan
        assert plan is not None
        slot.opened = True
        self.observer.account_started(slot.account, plan)
        display = self.observer.display(plan)
        display.__enter__()
        slot.display = display
        slot.output.show(display)
        with self._lock:
            self._live = display

    def _close(self, slot: _Slot) -> None:
        display, slot.display = slot.display, None
        if display is None:
            return
        slot.output.seal()
        with self._lock:
            if self._live is display:
                self._live = None
        display.__exit__(None, None, None)

    # --- stopping ----------------------------------------------------------------------

    def interrupt(self) -> None:
        """Ctrl-C, SIGTERM or a caller: the first stops the run, the second stops
        waiting for it (see the module docstring). Safe from any thread."""
        with self._lock:
            self._interrupts += 1
            first = self._interrupts == 1
            running = list(self._running)
            live = self._live
            if first:
                self._stop.set()
                for slot in running:
                    assert slot.executor is not None
                    slot.executor.stop()
            else:
                self._abandon.set()
        self._wake.set()
        flying = sum(s.tracker.in_flight for s in running if s.tracker is not None)
        changes = "change" if flying == 1 else "changes"
        where = f" in {len(running)} accounts" if len(running) > 1 else ""
        if first:
            message = (
                f"stopping: {flying} {changes} in flight{where} will finish, nothing new "
                "starts (Ctrl-C again to stop waiting for them)"
            )
        else:
            message = (
                f"not waiting for {flying} {changes} in flight{where}: they are reported as "
                "unknown, and the next apply reads them back"
            )
        (live.notify if live is not None else self.observer.notify)(message)

    def _halt(self) -> None:
        """Stop starting accounts and changes, without a message (an unexpected error)."""
        with self._lock:
            self._stop.set()
            for slot in self._running:
                assert slot.executor is not None
                slot.executor.stop()

    def _take_signals(self) -> None:
        while self._handled < self._signalled:
            self._handled += 1
            self.interrupt()

    @contextmanager
    def _signals(self) -> Iterator[None]:
        """Ctrl-C and SIGTERM call ``interrupt`` while the run lasts (main thread only:
        Python delivers signals there)."""
        if not self.handle_signals or threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(_signum: int, _frame: object) -> None:
            self._signalled += 1  # handled by the main loop (see the module docstring)
            self._wake.set()

        previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for signum, old in previous.items():
                signal.signal(signum, old)
