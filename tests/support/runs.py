"""Scripted apply runs (no network) for the tests of ``apply/run.py``: plans of
independent changes, accounts ready to run, an operation that records who called
it and when, and an observer that records everything it is shown, in order."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from twilio.rest import Client

from cnamctl.apply.events import ApplyEvent, ChangeFinished
from cnamctl.apply.executor import WritePolicy
from cnamctl.apply.operations import Context, Done, Operation
from cnamctl.apply.prepare import Prepared, PreparedAccount
from cnamctl.apply.progress import Display, Silent
from cnamctl.apply.result import ApplyResult
from cnamctl.live.model import Snapshot
from cnamctl.manifest.model import SafetySettings
from cnamctl.plan.model import Action, Change, Plan
from cnamctl.twilio.retry import RetryPolicy

FAST = WritePolicy(
    throttle=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01, total_timeout=5),
    faults=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01, total_timeout=5),
)
ACTION = Action.SET_CALLER_NAME_LOOKUP  # needs nothing but its own number


def sid_of(i: int) -> str:
    return f"AC{i:032d}"


def change(i: int, **fields: Any) -> Change:
    params = {"number": f"PN{i:032d}", "phone_number": f"+1415555{i:04d}", "enabled": True}
    return Change(f"c{i:03d}", ACTION, params=params, **fields)


def plan_of(count: int, account_sid: str = "AC1") -> Plan:
    return Plan(account_sid, [change(i) for i in range(count)])


def account(
    name: str, plan: Plan | None, error: Exception | None = None, *, client_sid: str | None = None
) -> PreparedAccount:
    """An account ready to run ``plan`` (None: not prepared, with ``error``)."""
    if plan is None:
        return PreparedAccount(name, None, None, error=error)  # type: ignore[arg-type]
    client = Client(client_sid or "AC" + "0" * 32, "not-a-real-token")
    prepared = Prepared(plan, Snapshot(plan.account_sid), client, None, SafetySettings())
    return PreparedAccount(name, None, plan.account_sid, prepared)


class Gate:
    """The operation of every change: records each call, its account and the rate
    limiter it went through, keeps the most accounts ever inside it at once, sleeps
    a seeded random ``jitter`` (so changes and accounts finish in random order),
    then runs ``hook(calls)`` outside the lock."""

    def __init__(
        self, hook: Callable[[int], None] | None = None, jitter: float = 0.0, seed: int = 0
    ):
        self.calls = 0
        self.lock = threading.Lock()
        self.hook = hook
        self.jitter = jitter
        self.rng = random.Random(seed)
        self.release = threading.Event()
        self.by_account: Counter[str] = Counter()
        self.limiters: dict[str, set[int]] = {}
        self.inside: Counter[str] = Counter()
        self.most_accounts_at_once = 0

    def run(self, ctx: Context, params: Mapping[str, Any]) -> Done:
        sid = str(ctx.account_sid)
        with self.lock:
            self.calls += 1
            calls = self.calls
            self.by_account[sid] += 1
            self.limiters.setdefault(sid, set()).add(id(ctx.client.http_client.limiter))
            self.inside[sid] += 1
            self.most_accounts_at_once = max(
                self.most_accounts_at_once, sum(1 for n in self.inside.values() if n)
            )
            delay = self.rng.uniform(0, self.jitter)
        try:
            if delay:
                time.sleep(delay)
            if self.hook is not None:
                self.hook(calls)
        finally:
            with self.lock:
                self.inside[sid] -= 1
        return Done(sid="RA" + str(calls))

    def read_back(self, ctx: Context, params: Mapping[str, Any]) -> Done | None:
        return None

    def ops(self) -> dict[Action, Operation]:
        return {ACTION: Operation(self.run, self.read_back)}


def wait_all_in_flight(gate: Gate, count: int) -> None:
    """Block a worker until ``count`` calls were made (all workers busy), at most 5 s."""
    deadline = time.monotonic() + 5
    while gate.calls < count and time.monotonic() < deadline:
        time.sleep(0.001)


class Recorder:
    """A RunObserver that keeps everything it is shown, in one ordered log:
    ``("start", name)``, ``("open", sid)``, ``("event", sid, event)``,
    ``("close", sid)``, ``("finish", name)``, ``("message", text)``."""

    def __init__(self) -> None:
        self.log: list[tuple[Any, ...]] = []
        self.lock = threading.Lock()
        self.finished: list[tuple[str, ApplyResult]] = []

    def _add(self, *entry: Any) -> None:
        with self.lock:
            self.log.append(entry)

    def account_started(self, account: PreparedAccount, plan: Plan) -> None:
        self._add("start", account.name)

    def account_finished(self, account: PreparedAccount, result: ApplyResult) -> None:
        self.finished.append((account.name, result))
        self._add("finish", account.name)

    def display(self, plan: Plan) -> Display:
        recorder = self
        sid = plan.account_sid

        class Shown(Silent):
            def __call__(self, event: ApplyEvent) -> None:
                recorder._add("event", sid, event)

            def notify(self, message: str) -> None:
                recorder._add("message", message)

            def __enter__(self) -> Shown:
                recorder._add("open", sid)
                return self

            def __exit__(self, *exc: object) -> None:
                recorder._add("close", sid)

        return Shown()

    def notify(self, message: str) -> None:
        self._add("message", message)

    @property
    def started(self) -> list[str]:
        return [e[1] for e in self.log if e[0] == "start"]

    @property
    def messages(self) -> list[str]:
        return [e[1] for e in self.log if e[0] == "message"]

    @property
    def events(self) -> list[ApplyEvent]:
        return [e[2] for e in self.log if e[0] == "event"]

    def finished_changes(self, sid: str) -> list[str]:
        return [
            e[2].result.address
            for e in self.log
            if e[0] == "event" and e[1] == sid and isinstance(e[2], ChangeFinished)
        ]
