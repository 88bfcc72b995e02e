"""Apply against a hostile network: 429 storms, injected faults, and kills mid-run.

Each test ends with the same two checks: the next plan is empty (and makes no
write), and the emulator holds no duplicate end user, trust product or assignment.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time

import pytest
from apply_world import World, number, profile, result_document

from cnamctl import CNAM_POLICY_SID

NUMBERS = [number(i) for i in range(24)]
# 24 + 24 number assignments, 12 lookups, 2 x (end user, product, 2 entities, submit)
FLEET_CHANGES = 70


def declare_fleet(world: World, numbers: list[str] = NUMBERS) -> None:
    half = len(numbers) // 2
    world.declare(
        profile("fleet-east", "FLEET EAST", numbers[:half], callerNameLookup=True),
        profile("fleet-west", "FLEET WEST", numbers[half:]),
    )


def test_429_storm_is_ridden_out(make_world):
    """The emulator allows 10 requests/s, apply asks for 50: Twilio's 429s slow every
    worker down (Retry-After, then a lower rate) and nothing fails."""
    world = make_world(rate_limit=10.0)
    declare_fleet(world, NUMBERS[:6])
    result = world.apply("--format", "json")
    assert result.exit_code == 0, result.output
    doc = result_document(result)
    assert doc["ok"] and doc["summary"]["applied"] == len(doc["changes"])
    assert doc["throttled"] > 0 and doc["retries"] > 0
    stats = world.emulator.stats()
    assert stats["rate_limited"] > 0
    # the client adapts: far fewer 429s than requests that went through
    assert stats["rate_limited"] < stats["total_requests"] - stats["rate_limited"]
    world.assert_converged()


@pytest.mark.parametrize("kind", ["error-500", "reset", "commit-then-drop"])
def test_each_fault_mode_converges_in_one_run(make_world, kind: str):
    world = make_world(fault_rate=0.3, fault_seed=11, fault_kinds=(kind,))
    declare_fleet(world)
    result = world.apply("--format", "json")
    assert result.exit_code == 0, result.output
    doc = result_document(result)
    assert doc["ok"] and doc["summary"]["applied"] == FLEET_CHANGES
    assert doc["retries"] > 0
    assert world.emulator.stats()["faults"][kind] > 0
    if kind == "commit-then-drop":
        # writes that happened although their answer was lost are found by reading back
        assert any(c["read_back"] for c in doc["changes"])
    world.assert_converged()


def test_all_faults_at_once_with_throttling(make_world):
    world = make_world(fault_rate=0.2, fault_seed=3, rate_limit=30.0)
    declare_fleet(world)
    result = world.apply()
    assert result.exit_code == 0, result.output
    assert "Apply complete" in result.output
    world.assert_converged()


def wait_for_changes(child: subprocess.Popen[str], count: int) -> None:
    """Read the child's log (after the plan it prints) until ``count`` changes finished."""
    assert child.stdout is not None
    seen = 0
    while seen < count:
        line = child.stdout.readline()
        if not line:
            return  # the run ended first
        seen += line.startswith(("applied ", "failed "))


def kill_after(world: World, changes: int, rng: random.Random) -> bool:
    """Start ``cnamctl apply``, let it log ``changes`` finished changes, wait a moment
    (so requests are in flight), then SIGKILL it. True when it was killed mid-run
    (False: it had finished first)."""
    child = world.spawn_apply("--concurrency", "4")
    wait_for_changes(child, changes)
    time.sleep(rng.uniform(0.0, 0.03))
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=10)
    return child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_kill_then_rerun_converges_without_duplicates(make_world, seed: int):
    world = make_world(latency_ms=10)
    declare_fleet(world)
    rng = random.Random(seed)
    killed = 0
    for _ in range(3):
        killed += kill_after(world, rng.randrange(1, FLEET_CHANGES // 3), rng)
        world.assert_no_duplicates()
    assert killed >= 2  # the kills land mid-run, not after it
    rerun = world.spawn_apply()
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, out + err
    world.assert_no_secret_in(out + err)
    world.assert_converged()
    assert set(world.products()) == {"fleet-east", "fleet-west"}
    half = len(NUMBERS) // 2
    assert world.numbers_of("fleet-east") == set(NUMBERS[:half])
    assert world.numbers_of("fleet-west") == set(NUMBERS[half:])


def test_objects_a_killed_run_left_unfinished_are_reused(world: World):
    """The two windows a kill can leave open: an end user created but never assigned
    (fleet-east) and a product created without its end user (fleet-west). The next
    apply adopts the one and completes the other: no second end user or product."""
    declare_fleet(world)
    trusthub = world.client.trusthub.v1
    orphan = trusthub.end_users.create(
        friendly_name="fleet-east",
        type="cnam_information",
        attributes={"cnam_display_name": "FLEET EAST"},
    )
    bare = trusthub.trust_products.create(
        friendly_name="fleet-west", email="trust@acme.example", policy_sid=CNAM_POLICY_SID
    )
    result = world.apply("--format", "json")
    assert result.exit_code == 0, result.output
    changes = {c["address"]: c for c in result_document(result)["changes"]}
    assert changes["cnam.fleet-east.end-user"]["details"] == {"adopted": orphan.sid}
    assert "cnam.fleet-west" not in changes  # the bare product is completed, not re-created
    products = world.products()
    assert products["fleet-west"].sid == bare.sid
    assert world.snapshot().end_user_of(products["fleet-east"]).sid == orphan.sid  # type: ignore[union-attr]
    world.assert_converged()


def test_sigterm_stops_cleanly_and_says_what_was_not_done(make_world):
    world = make_world(latency_ms=20)
    declare_fleet(world)
    child = world.spawn_apply("--concurrency", "2")
    wait_for_changes(child, 5)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 1, out + err
    assert "Apply interrupted" in out
    assert "stopping: " in out and "in flight will finish, nothing new starts" in out
    assert "Not run: " in out and "not-run  " not in out  # one line, not one per change
    assert f"Re-running `cnamctl apply --api-url {world.base_url} --auto-approve" in out
    world.assert_no_duplicates()
    rerun = world.apply()
    assert rerun.exit_code == 0, rerun.output
    world.assert_converged()
