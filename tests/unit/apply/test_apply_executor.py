"""The retry policy of one change, and the run as a whole, with scripted operations."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest
from requests.exceptions import ConnectionError, ConnectTimeout
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from urllib3.exceptions import ProtocolError

from cnamctl.apply.evaluation import Finding
from cnamctl.apply.events import ApplyEvent, ChangeFinished, ChangeRetrying, ChangeStarted
from cnamctl.apply.executor import ApplySettings, Executor, WritePolicy, resolve_refs
from cnamctl.apply.operations import Context, Done, Noncompliant, Operation
from cnamctl.apply.result import Outcome
from cnamctl.plan.model import Action, Change, Plan, ref
from cnamctl.twilio.retry import RetryPolicy

TP = "BU" + "a" * 32
FAST = WritePolicy(
    throttle=RetryPolicy(max_attempts=6, base_delay=0.001, max_delay=0.01, total_timeout=5),
    faults=RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01, total_timeout=5),
)


def rest(status: int, code: int | None = None) -> TwilioRestException:
    return TwilioRestException(status, "https://trusthub.twilio.com/v1/X", "boom", code, "POST")


def reset() -> ConnectionError:
    return ConnectionError(ProtocolError("aborted", ConnectionResetError(104, "reset")))


class Script:
    """An operation whose run/read-back answers are scripted; records every call."""

    def __init__(self, runs: list[Any], reads: list[Any] | None = None):
        self.runs = list(runs)
        self.reads = list(reads or [])
        self.calls: list[str] = []
        self.params: list[Mapping[str, Any]] = []
        self.lock = threading.Lock()

    def _next(self, answers: list[Any], kind: str, params: Mapping[str, Any]) -> Any:
        with self.lock:
            self.calls.append(kind)
            self.params.append(params)
            answer = answers.pop(0) if answers else Done(sid="XX" + kind)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def run(self, ctx: Context, params: Mapping[str, Any]) -> Done:
        return self._next(self.runs, "run", params)

    def read_back(self, ctx: Context, params: Mapping[str, Any]) -> Done | None:
        return self._next(self.reads, "read", params)

    @property
    def op(self) -> Operation:
        return Operation(self.run, self.read_back)


def executor(
    plan: Plan, ops: dict[Action, Script], events: list[ApplyEvent] | None = None, **settings: Any
) -> Executor:
    sink = events.append if events is not None else (lambda e: None)
    return Executor(
        Client("AC" + "0" * 32, "not-a-real-token"),
        plan,
        settings=ApplySettings(max_rps=None, retry=FAST, **{"settle_seconds": 0, **settings}),
        on_event=sink,
        operations={action: s.op for action, s in ops.items()},
    )


def one(action: Action = Action.ASSIGN_CNAM_NUMBER, **params: Any) -> Plan:
    return Plan("AC1", [Change("c", action, params={"trust_product": TP, **params})])


def run_one(script: Script, action: Action = Action.ASSIGN_CNAM_NUMBER, events=None):
    result = executor(one(action), {action: script}, events).run()
    return result.changes[0]


# --- one change's retry policy ----------------------------------------------------------


def test_success_first_time():
    script = Script([Done(sid="RA1", created=True)])
    r = run_one(script)
    assert (r.outcome, r.sids, r.attempts, r.read_back) == (Outcome.APPLIED, ("RA1",), 1, False)
    assert script.calls == ["run"]


def test_429_is_retried_without_read_back():
    script = Script([rest(429, 20429), rest(429, 20429), Done(sid="RA1", created=True)])
    events: list[ApplyEvent] = []
    r = run_one(script, events=events)
    assert r.outcome is Outcome.APPLIED and r.attempts == 3
    assert script.calls == ["run", "run", "run"]
    assert [type(e) for e in events] == [
        ChangeStarted,
        ChangeRetrying,
        ChangeRetrying,
        ChangeFinished,
    ]


def test_429_waits_at_least_retry_after():
    script = Script([rest(429, 20429), Done()])
    patient = WritePolicy(throttle=RetryPolicy(base_delay=0.001, max_delay=1.0), faults=FAST.faults)
    ex = Executor(
        Client("AC" + "0" * 32, "x"),
        one(),
        settings=ApplySettings(max_rps=None, retry=patient),
        operations={Action.ASSIGN_CNAM_NUMBER: script.op},
    )
    ex._http.last_retry_after = lambda: 0.2  # type: ignore[method-assign]
    started = time.monotonic()
    assert ex.run().ok
    assert time.monotonic() - started >= 0.2


def test_connection_refused_is_retried_without_read_back():
    script = Script([ConnectTimeout("connect timeout"), Done()])
    assert run_one(script).ok
    assert script.calls == ["run", "run"]


@pytest.mark.parametrize("failure", [rest(500, 20500), rest(503), reset()])
def test_ambiguous_failure_reads_back_before_sending_again(failure):
    script = Script([failure, Done(sid="RA2", created=True)], reads=[None])
    r = run_one(script)
    assert script.calls == ["run", "read", "run"]
    assert r.outcome is Outcome.APPLIED and r.attempts == 2 and not r.read_back


class Lagging(Script):
    """A server that shows a committed write only on the ``visible_after``-th read."""

    def __init__(self, runs: list[Any], visible_after: int, repeatable: bool = False):
        super().__init__(runs, reads=[None] * (visible_after - 1) + [Done(sid="RA1")])
        self.repeatable = repeatable

    @property
    def op(self) -> Operation:
        return Operation(self.run, self.read_back, repeatable=self.repeatable)


def test_an_unseen_create_is_read_back_again_until_it_may_be_trusted_absent():
    """Read-after-write lag: the assignment committed but its answer was lost, and
    the first two read-backs do not show it yet. Sending it again would be refused
    as a duplicate (or make one), so apply asks again within settle_seconds."""
    script = Lagging([reset()], visible_after=3)
    r = executor(one(), {Action.ASSIGN_CNAM_NUMBER: script}, settle_seconds=5).run().changes[0]
    assert script.calls == ["run", "read", "read", "read"]
    assert r.outcome is Outcome.APPLIED and r.read_back and r.attempts == 1


def test_a_refusal_as_duplicate_is_read_back_within_the_window():
    script = Lagging([reset(), rest(409, 20409)], visible_after=4)
    r = executor(one(), {Action.ASSIGN_CNAM_NUMBER: script}, settle_seconds=0.4).run().changes[0]
    assert r.outcome is Outcome.APPLIED and r.read_back
    assert script.calls[:2] == ["run", "read"] and script.calls.count("run") <= 2


class SlowToWrite(Lagging):
    """A write that takes longer than the settle window before it is refused, as a
    submission does (it waits ``settle_seconds`` itself before it writes)."""

    def run(self, ctx: Context, params: Mapping[str, Any]) -> Done:
        time.sleep(0.3)
        return super().run(ctx, params)


def test_the_window_for_a_refusal_starts_when_the_refusal_arrives():
    """Another apply submitted the product a moment before ours was refused (60711),
    and reads do not show it yet: the refusal is read back for a whole window after
    it arrived, however long the write itself took."""
    script = SlowToWrite([rest(400, 60711)], visible_after=2)
    action = Action.SUBMIT_FOR_REVIEW
    r = executor(one(action), {action: script}, settle_seconds=0.25).run().changes[0]
    assert r.outcome is Outcome.APPLIED and r.read_back
    assert script.calls == ["run", "read", "read"]


def test_a_repeatable_write_is_simply_sent_again():
    script = Lagging([reset(), Done()], visible_after=3, repeatable=True)
    action = Action.UNASSIGN_CNAM_NUMBER
    r = executor(one(action), {action: script}, settle_seconds=5).run().changes[0]
    assert script.calls == ["run", "read", "run"] and r.ok


def test_ambiguous_failure_that_did_commit_is_not_sent_again():
    script = Script([reset()], reads=[Done(sid="RA1", created=True)])
    r = run_one(script)
    assert script.calls == ["run", "read"]
    assert (r.outcome, r.sids, r.read_back, r.attempts) == (Outcome.APPLIED, ("RA1",), True, 1)


def test_a_failing_read_back_is_retried_and_never_followed_by_a_blind_write():
    script = Script([rest(500)], reads=[reset(), rest(503), Done(sid="RA1", created=True)])
    r = run_one(script)
    assert script.calls == ["run", "read", "read", "read"]
    assert r.ok and r.read_back


def test_rejection_is_resolved_by_read_back_when_already_done():
    script = Script([rest(400, 22205)], reads=[Done(sid="RA9", created=True)])
    r = run_one(script)
    assert script.calls == ["run", "read"]
    assert r.ok and r.read_back


def test_rejection_fails_when_read_back_finds_nothing():
    script = Script([rest(400, 20001)], reads=[None])
    r = run_one(script)
    assert script.calls == ["run", "read"]
    assert r.outcome is Outcome.FAILED
    assert r.message == "HTTP 400 (code 20001): boom"


def test_fault_budget_exhausted_fails_after_a_last_read_back():
    script = Script([rest(500)] * 10, reads=[None] * 10)
    r = run_one(script)
    assert r.outcome is Outcome.FAILED
    assert r.attempts == FAST.faults.max_attempts
    assert "gave up after 4 attempts" in r.message
    # every write after the first was preceded by a read-back, and one more closes
    assert script.calls == ["run"] + ["read", "run"] * 3 + ["read"]


def test_throttle_budget_is_separate_from_the_fault_budget():
    runs = [rest(500), rest(429), rest(429), rest(429), rest(500), rest(429), Done()]
    script = Script(runs, reads=[None, None])
    assert run_one(script).ok


def test_noncompliant_evaluation_fails_with_findings():
    finding = Finding("cnam_information", "cnam_display_name", "bad name", 22215)
    script = Script([Noncompliant("BU1", [finding])])
    r = run_one(script, Action.SUBMIT_FOR_REVIEW)
    assert r.outcome is Outcome.FAILED and r.attempts == 1
    assert [p.message for p in r.problems] == ["cnam_display_name: bad name [22215]"]
    assert script.calls == ["run"]


# --- the run ----------------------------------------------------------------------------


def test_refs_resolve_to_sids_created_earlier_in_the_run():
    plan = Plan(
        "AC1",
        [
            Change("tp", Action.CREATE_TRUST_PRODUCT, params={"friendly_name": "x"}),
            Change(
                "num",
                Action.ASSIGN_CNAM_NUMBER,
                params={"trust_product": ref("tp"), "number": "PN1"},
            ),
        ],
    )
    create = Script([Done(sid="BUnew", created=True)])
    assign = Script([Done(sid="RA1", created=True)])
    result = executor(
        plan, {Action.CREATE_TRUST_PRODUCT: create, Action.ASSIGN_CNAM_NUMBER: assign}
    ).run()
    assert result.ok
    assert assign.params == [{"trust_product": "BUnew", "number": "PN1"}]
    assert [r.sids for r in result.changes] == [("BUnew",), ("RA1",)]


def test_resolve_refs_leaves_plain_values_alone():
    assert resolve_refs({"a": "@x", "b": "BU1", "c": ["@x", "y"], "d": 3}, {"x": "S"}) == {
        "a": "S",
        "b": "BU1",
        "c": ["S", "y"],
        "d": 3,
    }


def test_failed_change_skips_dependents_and_the_rest_goes_on():
    plan = Plan(
        "AC1",
        [
            Change("tp", Action.CREATE_TRUST_PRODUCT, params={"friendly_name": "x"}),
            Change("num", Action.ASSIGN_CNAM_NUMBER, params={"trust_product": ref("tp")}),
            Change("lookup", Action.SET_CALLER_NAME_LOOKUP, params={"number": "PN1"}),
        ],
    )
    ops = {
        Action.CREATE_TRUST_PRODUCT: Script([rest(400)], reads=[None]),
        Action.ASSIGN_CNAM_NUMBER: Script([]),
        Action.SET_CALLER_NAME_LOOKUP: Script([Done()]),
    }
    result = executor(plan, ops).run()
    outcomes = {r.address: r.outcome for r in result.changes}
    assert outcomes == {"tp": Outcome.FAILED, "num": Outcome.SKIPPED, "lookup": Outcome.APPLIED}
    assert ops[Action.ASSIGN_CNAM_NUMBER].calls == []
    assert not result.ok
    assert result.counts() == {
        "applied": 1,
        "failed": 1,
        "skipped": 1,
        "not-run": 0,
        "unknown": 0,
    }


def test_concurrency_is_bounded_and_used():
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def slow(ctx: Context, params: Mapping[str, Any]) -> Done:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.02)
        with lock:
            in_flight -= 1
        return Done()

    plan = Plan(
        "AC1",
        [
            Change(f"n{i}", Action.ASSIGN_CNAM_NUMBER, params={"number": i, "trust_product": TP})
            for i in range(40)
        ],
    )
    ex = Executor(
        Client("AC" + "0" * 32, "x"),
        plan,
        settings=ApplySettings(concurrency=5, max_rps=None, retry=FAST),
        operations={Action.ASSIGN_CNAM_NUMBER: Operation(slow, lambda c, p: None)},
    )
    started = time.monotonic()
    assert ex.run().ok
    assert peak == 5
    assert time.monotonic() - started < 40 * 0.02 / 2


def test_results_are_in_plan_order_with_one_event_each():
    plan = Plan(
        "AC1",
        [
            Change(f"n{i:02}", Action.ASSIGN_CNAM_NUMBER, params={"trust_product": TP})
            for i in range(20)
        ],
    )
    events: list[ApplyEvent] = []
    result = executor(plan, {Action.ASSIGN_CNAM_NUMBER: Script([])}, events).run()
    assert [r.address for r in result.changes] == [c.address for c in plan.changes]
    assert sorted(e.result.address for e in events if isinstance(e, ChangeFinished)) == [
        c.address for c in plan.changes
    ]


def test_stop_leaves_unstarted_changes_not_run():
    plan = Plan(
        "AC1",
        [
            Change(f"n{i:02}", Action.ASSIGN_CNAM_NUMBER, params={"trust_product": TP})
            for i in range(10)
        ],
    )
    ex = executor(plan, {Action.ASSIGN_CNAM_NUMBER: Script([])}, concurrency=1)
    ex.stop()
    result = ex.run()
    assert result.interrupted and not result.ok
    assert {r.outcome for r in result.changes} == {Outcome.NOT_RUN}
