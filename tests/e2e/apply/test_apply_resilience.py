"""Apply against a hostile network: 429 storms, injected faults, and kills mid-run.

Each test ends with the same two checks: the next plan is empty (and makes no
write), and the emulator holds no duplicate end user, trust product or assignment.
"""

from __future__ import annotations

import random
import signal
import time

import pytest
from apply_world import World, number, profile, result_document

NUMBERS = [number(i) for i in range(24)]


def declare_fleet(world: World) -> None:
    world.declare(
        profile("fleet-east", "FLEET EAST", NUMBERS[:12], callerNameLookup=True),
        profile("fleet-west", "FLEET WEST", NUMBERS[12:]),
    )


def test_429_storm_is_ridden_out(make_world):
    world = make_world(rate_limit=4.0)
    declare_fleet(world)
    result = world.apply("--format", "json")
    assert result.exit_code == 0, result.output
    doc = result_document(result)
    assert doc["ok"]
    assert doc["throttled"] > 0
    assert world.emulator.stats()["rate_limited"] > 0
    world.assert_converged()


@pytest.mark.parametrize("kind", ["error-500", "reset", "commit-then-drop"])
def test_each_fault_mode_converges_in_one_run(make_world, kind: str):
    world = make_world(fault_rate=0.3, fault_seed=11, fault_kinds=(kind,))
    declare_fleet(world)
    result = world.apply("--format", "json")
    assert result.exit_code == 0, result.output
    doc = result_document(result)
    assert doc["ok"] and doc["retries"] > 0
    assert world.emulator.stats()["faults"][kind] > 0
    world.assert_converged()


def test_all_faults_at_once_with_throttling(make_world):
    world = make_world(fault_rate=0.2, fault_seed=3, rate_limit=20.0)
    declare_fleet(world)
    result = world.apply()
    assert result.exit_code == 0, result.output
    world.assert_converged()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_kill_then_rerun_converges_without_duplicates(make_world, seed: int):
    world = make_world(latency_ms=15)
    declare_fleet(world)
    rng = random.Random(seed)
    for _ in range(2):
        child = world.spawn_apply("--concurrency", "4")
        time.sleep(rng.uniform(0.6, 2.0))  # interpreter start-up is ~0.5 s
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        world.assert_no_duplicates()
    rerun = world.spawn_apply()
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, (out + err).decode()
    world.assert_no_secret_in((out + err).decode())
    world.assert_converged()
