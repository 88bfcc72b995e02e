"""`apply/run.py`, several accounts at once: the bound holds and is reached, each
account has its own rate limiter, output and outcomes stay in account order
whatever order the accounts finish in, and Ctrl-C (once, twice) works across
every running account. Scripted operations with seeded jitter, no network."""

from __future__ import annotations

import threading
import time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from support.runs import FAST, Gate, Recorder, account, plan_of, sid_of, wait_all_in_flight

from cnamctl.apply.events import ChangeFinished
from cnamctl.apply.executor import ApplySettings
from cnamctl.apply.prepare import PreparedAccount
from cnamctl.apply.result import Outcome
from cnamctl.apply.run import ApplyRun
from cnamctl.errors import UnsafePlanError


def accounts_of(sizes: list[int | None]) -> list[PreparedAccount]:
    """Account ``a<i>`` with ``sizes[i]`` changes (None: not prepared, refused)."""
    out = []
    for i, size in enumerate(sizes):
        if size is None:
            out.append(account(f"a{i}", None, UnsafePlanError(f"a{i} refused")))
        else:
            out.append(account(f"a{i}", plan_of(size, sid_of(i)), client_sid=sid_of(i)))
    return out


def make_run(
    accounts: list[PreparedAccount],
    gate: Gate,
    recorder: Recorder,
    *,
    at_once: int,
    concurrency: int = 3,
    max_rps: float | None = None,
) -> ApplyRun:
    return ApplyRun(
        accounts,
        ApplySettings(concurrency=concurrency, max_rps=max_rps, retry=FAST),
        recorder,
        accounts_at_once=at_once,
        operations=gate.ops(),
        handle_signals=False,
    )


def blocks(log: list[tuple[Any, ...]]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """The log cut at each ``start``: (account name, what was shown until the next)."""
    out: list[tuple[str, list[tuple[Any, ...]]]] = []
    for entry in log:
        if entry[0] == "start":
            out.append((entry[1], []))
        elif entry[0] != "message":
            assert out, f"{entry} shown before any account started"
            out[-1][1].append(entry)
    return out


sizes = st.lists(st.one_of(st.none(), st.integers(0, 6)), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(sizes=sizes, at_once=st.integers(1, 8), concurrency=st.integers(1, 4), seed=st.integers())
def test_output_and_outcomes_follow_the_order_of_the_accounts(
    sizes: list[int | None], at_once: int, concurrency: int, seed: int
):
    """Whatever order the accounts finish in (seeded jitter), each account's output is
    one block, the blocks come in account order, and so do the outcomes."""
    gate = Gate(jitter=0.003, seed=seed)
    recorder = Recorder()
    accounts = accounts_of(sizes)
    outcomes = make_run(accounts, gate, recorder, at_once=at_once, concurrency=concurrency).run()
    assert [o.name for o in outcomes] == [a.name for a in accounts]
    busy = [f"a{i}" for i, n in enumerate(sizes) if n]
    shown = blocks(recorder.log)
    assert [name for name, _ in shown] == busy
    for name, entries in shown:
        i = int(name[1:])
        sid = sid_of(i)
        assert entries[0] == ("open", sid) and entries[-2:] == [("close", sid), ("finish", name)]
        assert {e[1] for e in entries if e[0] == "event"} == {sid}  # nobody else's events
        finished = [e[2].result.address for e in entries if isinstance(e[-1], ChangeFinished)]
        assert sorted(finished) == [c.address for c in plan_of(sizes[i] or 0).changes]
    assert [name for name, _ in recorder.finished] == busy
    for i, (size, outcome) in enumerate(zip(sizes, outcomes, strict=True)):
        if size is None:
            assert outcome.error == f"a{i} refused"
        elif size == 0:
            assert outcome.ok and outcome.result is None
        else:
            assert outcome.result is not None and outcome.result.counts()["applied"] == size
    assert gate.most_accounts_at_once <= at_once
    assert dict(gate.by_account) == {sid_of(i): n for i, n in enumerate(sizes) if n}


def test_the_bound_is_reached():
    """Four accounts whose changes each wait for the others' to be in flight: they
    complete only if the four really run at once (a sequential run would time out)."""
    barrier = threading.Barrier(4, timeout=5)
    gate = Gate(hook=lambda _calls: barrier.wait())
    outcomes = make_run(accounts_of([1, 1, 1, 1]), gate, Recorder(), at_once=4).run()
    assert all(o.ok for o in outcomes) and gate.most_accounts_at_once == 4


def test_each_account_goes_through_a_rate_limiter_of_its_own():
    gate = Gate(jitter=0.002)
    outcomes = make_run(accounts_of([4, 4, 4]), gate, Recorder(), at_once=3, max_rps=1000).run()
    assert all(o.ok for o in outcomes)
    per_account = [gate.limiters[sid_of(i)] for i in range(3)]
    assert all(len(ids) == 1 for ids in per_account)  # one limiter for all of an account
    assert len(set().union(*per_account)) == 3  # and none shared with another account


def test_first_interrupt_lets_every_running_account_finish_its_flight_and_starts_no_other():
    recorder = Recorder()
    holder: dict[str, ApplyRun] = {}

    def hook(calls: int) -> None:
        wait_all_in_flight(gate, 4)
        if calls == 4:
            holder["run"].interrupt()
            gate.release.set()
        gate.release.wait(5)

    gate = Gate(hook)
    accounts = accounts_of([5, 5, 5])
    run = holder["run"] = make_run(accounts, gate, recorder, at_once=2, concurrency=2)
    first, second, third = run.run()
    assert recorder.messages == [
        "stopping: 4 changes in flight in 2 accounts will finish, nothing new starts "
        "(Ctrl-C again to stop waiting for them)"
    ]
    for outcome in (first, second):
        assert outcome.result is not None and outcome.result.interrupted
        counts = outcome.result.counts()
        assert (counts["applied"], counts["not-run"], counts["unknown"]) == (2, 3, 0)
    assert third.result is None and third.error == "not started: the run was interrupted"
    assert recorder.started == ["a0", "a1"] and not run.abandoned


def test_second_interrupt_stops_waiting_for_every_running_account():
    recorder = Recorder()
    holder: dict[str, ApplyRun] = {}

    def hook(calls: int) -> None:
        wait_all_in_flight(gate, 4)
        if calls == 4:
            holder["run"].interrupt()
            holder["run"].interrupt()
        gate.release.wait(5)  # these requests "hang": the run must not wait for them

    gate = Gate(hook)
    run = holder["run"] = make_run(accounts_of([3, 3]), gate, recorder, at_once=2, concurrency=2)
    began = time.monotonic()
    outcomes = run.run()
    waited = time.monotonic() - began
    gate.release.set()
    assert waited < 4  # well before the 5 s the "requests" hang for
    assert run.abandoned
    assert recorder.messages[1] == (
        "not waiting for 4 changes in flight in 2 accounts: they are reported as unknown, "
        "and the next apply reads them back"
    )
    for outcome in outcomes:
        result = outcome.result
        assert result is not None and result.interrupted and not result.ok
        assert sorted(r.outcome for r in result.changes) == sorted(
            [Outcome.UNKNOWN] * 2 + [Outcome.NOT_RUN]
        )
    assert recorder.started == ["a0", "a1"]  # both shown, in order, with their summaries
    assert [name for name, _ in recorder.finished] == ["a0", "a1"]


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=6),
    at_once=st.integers(1, 4),
    concurrency=st.integers(1, 3),
    stop_after=st.integers(1, 30),
    seed=st.integers(),
)
def test_after_a_stop_no_account_starts_and_every_change_has_one_outcome(
    sizes: list[int], at_once: int, concurrency: int, stop_after: int, seed: int
):
    recorder = Recorder()
    holder: dict[str, ApplyRun] = {}
    at_stop: list[tuple[int, set[str]]] = []

    def hook(calls: int) -> None:
        if calls == stop_after:
            holder["run"].interrupt()
            with gate.lock:
                at_stop.append((gate.calls, set(gate.by_account)))

    gate = Gate(hook, jitter=0.002, seed=seed)
    accounts = accounts_of(list(sizes))
    run = holder["run"] = make_run(
        accounts, gate, recorder, at_once=at_once, concurrency=concurrency
    )
    outcomes = run.run()
    assert [o.name for o in outcomes] == [a.name for a in accounts]
    started_accounts = set(gate.by_account)
    for i, (size, outcome) in enumerate(zip(sizes, outcomes, strict=True)):
        if outcome.result is None:  # never started: nothing of it was called
            assert outcome.error == "not started: the run was interrupted"
            assert sid_of(i) not in started_accounts
            continue
        result = outcome.result
        assert sorted(r.address for r in result.changes) == [
            c.address for c in plan_of(size).changes
        ]
        counts = result.counts()
        assert counts["applied"] == gate.by_account[sid_of(i)]
        assert counts["applied"] + counts["not-run"] == size
    began = [o.result is not None for o in outcomes]
    assert began == sorted(began, reverse=True)  # accounts start in order, none after a stop
    if at_stop:
        calls, accounts_then = at_stop[0]
        assert sum(began) <= len(accounts_then) + at_once
        # after the stop only workers already past their last check may still call,
        # and only in accounts already running (at most at_once of them)
        assert gate.calls <= calls + at_once * concurrency
        assert len(started_accounts - accounts_then) <= at_once
        assert recorder.messages[0].startswith("stopping: ")
    else:
        assert all(o.ok for o in outcomes)


def test_ctrl_c_twice_reaches_every_running_account_through_the_signal_handler():
    import os
    import signal

    recorder = Recorder()

    def hook(calls: int) -> None:
        wait_all_in_flight(gate, 2)
        if calls == 2:
            os.kill(os.getpid(), signal.SIGINT)  # handled by the main loop, at once
            time.sleep(0.3)
            os.kill(os.getpid(), signal.SIGINT)
        gate.release.wait(5)

    gate = Gate(hook)
    before = signal.getsignal(signal.SIGINT)
    run = ApplyRun(
        accounts_of([2, 2, 2]),
        ApplySettings(concurrency=1, max_rps=None, retry=FAST),
        recorder,
        accounts_at_once=2,
        operations=gate.ops(),
    )
    outcomes = run.run()
    gate.release.set()
    assert signal.getsignal(signal.SIGINT) == before
    assert recorder.messages[0].startswith("stopping: 2 changes in flight in 2 accounts")
    assert recorder.messages[1].startswith("not waiting for 2 changes in flight in 2 accounts")
    assert run.abandoned
    assert [o.result is not None for o in outcomes] == [True, True, False]
