"""`apply/run.py`, one account at a time: Ctrl-C acknowledged at once, a second one stops
waiting; with scripted operations (no network), jitter and random interrupt points."""

from __future__ import annotations

import os
import signal
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.runs import FAST, Gate, Recorder, account, change, plan_of, wait_all_in_flight

from cnamctl.apply.executor import ApplySettings
from cnamctl.apply.prepare import PreparedAccount
from cnamctl.apply.result import Outcome
from cnamctl.apply.run import ApplyRun
from cnamctl.errors import UnsafePlanError
from cnamctl.plan.model import Plan


def make_run(
    accounts: list[PreparedAccount],
    gate: Gate,
    recorder: Recorder,
    concurrency: int = 4,
    accounts_at_once: int = 1,
) -> ApplyRun:
    return ApplyRun(
        accounts,
        ApplySettings(concurrency=concurrency, max_rps=None, retry=FAST),
        recorder,
        accounts_at_once=accounts_at_once,
        operations=gate.ops(),
        handle_signals=False,
    )


def test_first_interrupt_is_acknowledged_with_the_changes_in_flight():
    recorder = Recorder()
    holder: dict[str, ApplyRun] = {}

    def hook(calls: int) -> None:
        wait_all_in_flight(gate, 3)
        if calls == 3:
            holder["run"].interrupt()
            gate.release.set()
        gate.release.wait(5)

    gate = Gate(hook)
    run = holder["run"] = make_run([account("a", plan_of(10))], gate, recorder, concurrency=3)
    (outcome,) = run.run()
    assert recorder.messages == [
        "stopping: 3 changes in flight will finish, nothing new starts "
        "(Ctrl-C again to stop waiting for them)"
    ]
    assert outcome.result is not None and outcome.result.interrupted
    counts = outcome.result.counts()
    assert (counts["applied"], counts["not-run"], counts["unknown"]) == (3, 7, 0)
    assert gate.calls == 3 and run.interrupted and not run.abandoned


def test_second_interrupt_stops_waiting_and_reports_in_flight_changes_unknown():
    recorder = Recorder()
    holder: dict[str, ApplyRun] = {}

    def hook(calls: int) -> None:
        wait_all_in_flight(gate, 2)
        if calls == 2:
            holder["run"].interrupt()
            holder["run"].interrupt()
        gate.release.wait(5)  # these requests "hang": the run must not wait for them

    gate = Gate(hook)
    run = holder["run"] = make_run([account("a", plan_of(6))], gate, recorder, concurrency=2)
    started = time.monotonic()
    (outcome,) = run.run()
    assert time.monotonic() - started < 2.5  # did not wait for the 5 s "requests"
    gate.release.set()
    assert run.abandoned
    assert recorder.messages[1] == (
        "not waiting for 2 changes in flight: they are reported as unknown, "
        "and the next apply reads them back"
    )
    result = outcome.result
    assert result is not None and result.interrupted and not result.ok
    assert [r.outcome for r in result.changes] == [Outcome.UNKNOWN] * 2 + [Outcome.NOT_RUN] * 4
    assert [r.address for r in result.changes] == [c.address for c in plan_of(6).changes]


def test_no_further_account_starts_after_an_interrupt():
    recorder = Recorder()
    holder: dict[str, ApplyRun] = {}

    def hook(calls: int) -> None:
        if calls == 1:
            holder["run"].interrupt()

    gate = Gate(hook)
    accounts = [account("first", plan_of(5)), account("second", plan_of(5, "AC2"))]
    run = holder["run"] = make_run(accounts, gate, recorder, concurrency=1)
    first, second = run.run()
    assert recorder.started == ["first"]
    assert first.result is not None and first.result.counts()["applied"] == 1
    assert second.result is None and second.error == "not started: the run was interrupted"


def test_accounts_with_errors_or_nothing_to_do_are_reported_and_others_run():
    recorder = Recorder()
    gate = Gate()
    refused = UnsafePlanError("refusing to apply without --force")
    accounts = [
        account("broken", None, refused),
        account("empty", plan_of(0)),
        account("busy", plan_of(3)),
    ]
    broken, empty, busy = make_run(accounts, gate, recorder).run()
    assert (broken.ok, broken.error) == (False, "refusing to apply without --force")
    assert empty.ok and empty.result is None
    assert busy.ok and busy.result is not None and busy.result.counts()["applied"] == 3
    assert recorder.started == ["busy"] and gate.calls == 3


def test_an_invalid_plan_is_that_accounts_error_before_any_write():
    recorder = Recorder()
    gate = Gate()
    cycle = Plan("AC1", [change(0, depends_on=("c001",)), change(1, depends_on=("c000",))])
    (outcome,) = make_run([account("a", cycle)], gate, recorder).run()
    assert outcome.error is not None and "cycle" in outcome.error and gate.calls == 0


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(1, 30),
    concurrency=st.integers(1, 8),
    stop_after=st.integers(0, 30),
    seed=st.integers(0, 10_000),
)
def test_every_change_has_one_outcome_and_nothing_starts_after_a_stop(
    count: int, concurrency: int, stop_after: int, seed: int
):
    recorder = Recorder()
    holder: dict[str, ApplyRun] = {}
    calls_at_stop: list[int] = []

    def hook(calls: int) -> None:
        if calls == stop_after:
            holder["run"].interrupt()
            with gate.lock:
                calls_at_stop.append(gate.calls)  # calls made up to the stop

    gate = Gate(hook, jitter=0.002, seed=seed)
    run = holder["run"] = make_run([account("a", plan_of(count))], gate, recorder, concurrency)
    (outcome,) = run.run()
    result = outcome.result
    assert result is not None
    assert sorted(r.address for r in result.changes) == [c.address for c in plan_of(count).changes]
    counts = result.counts()
    assert counts["applied"] == gate.calls  # every operation called succeeded, once
    assert counts["applied"] + counts["not-run"] == count
    if calls_at_stop:
        # after the stop, only workers already past their last check may still call
        assert gate.calls <= calls_at_stop[0] + concurrency - 1
        assert result.interrupted and recorder.messages[0].startswith("stopping: ")
    else:
        assert counts["applied"] == count and not result.interrupted


def test_sigterm_and_ctrl_c_reach_the_run_and_the_handlers_are_restored():
    recorder = Recorder()

    def hook(calls: int) -> None:
        if calls == 1:
            os.kill(os.getpid(), signal.SIGTERM)  # handled in the main thread, at once
            time.sleep(0.2)

    gate = Gate(hook)
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    run = ApplyRun(
        [account("a", plan_of(5))],
        ApplySettings(concurrency=1, max_rps=None, retry=FAST),
        recorder,
        operations=gate.ops(),
    )
    (outcome,) = run.run()
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
    assert recorder.messages and recorder.messages[0].startswith("stopping: 1 change in flight")
    assert outcome.result is not None and outcome.result.counts()["applied"] == 1


@pytest.mark.parametrize("count", [0, 1])
def test_interrupt_outside_a_run_goes_to_the_observer(count: int):
    recorder = Recorder()
    run = make_run([account("a", plan_of(count))], Gate(), recorder)
    run.interrupt()
    assert recorder.messages == [
        "stopping: 0 changes in flight will finish, nothing new starts "
        "(Ctrl-C again to stop waiting for them)"
    ]
    (outcome,) = run.run()
    assert outcome.result is None and (count == 0) == outcome.ok
