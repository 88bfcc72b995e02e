"""Scenario 5: applies killed with SIGKILL at random moments, then re-run.

Each cycle seeds a fresh emulator with products to create and numbers to
brand, starts ``cnamctl apply`` as a child process and kills it (SIGKILL: no
clean-up of any kind) once the emulator has committed a random number of
writes. Even cycles are killed early, among the creations and entity
assignments, where a lost answer could become a duplicate; odd cycles anywhere
in the run. Then ``cnamctl apply`` is re-run until the account converges, and
the account is searched for duplicates.
"""

from __future__ import annotations

import random
import signal
import time
from dataclasses import dataclass

from bench.cli import apply_command, run, spawn
from bench.fleet import Fleet
from bench.invariants import Verdict, convergence, duplicates, verdict
from bench.served import serve_fleet
from bench.settings import JITTER_MS, LATENCY_MS, Settings
from cnamctl.manifest import load_manifests

MAX_RERUNS = 3
POLL = 0.005  # seconds between looks at the emulator's write count


@dataclass(frozen=True)
class KillCycle:
    fleet: Fleet
    jitter_ms: float
    target_writes: int  # kill once the emulator committed this many writes
    writes_at_kill: int
    killed: bool  # False when the apply finished before reaching the target
    duplicates_after_kill: int
    reruns: int  # runs after the kill until converged
    rerun_exit_codes: tuple[int, ...]
    converged: bool
    verdict: Verdict


def kill_cycles(settings: Settings) -> list[KillCycle]:
    """``kill_cycles`` cycles, then ``jitter_kill_cycles`` more with jitter on."""
    plain = [kill_cycle(i, settings) for i in range(settings.kill_cycles)]
    jittered = [
        kill_cycle(settings.kill_cycles + i, settings, jitter_ms=JITTER_MS)
        for i in range(settings.jitter_kill_cycles)
    ]
    return plain + jittered


def kill_cycle(index: int, settings: Settings, *, jitter_ms: float = 0.0) -> KillCycle:
    fleet = settings.kill_fleet
    workdir = settings.workdir / f"kill-{index}"
    manifests = fleet.write_manifests(workdir / "manifests")
    desired = load_manifests([str(manifests)])
    missing = sum(not fleet.exists(j) for j in range(fleet.cnam_profiles))
    rng = random.Random(index)
    early = 4 * missing  # creations and entity assignments come first
    last = fleet.expected_changes - 1
    target = rng.randint(1, early if index % 2 == 0 and early else last)
    with serve_fleet(fleet, workdir, latency_ms=LATENCY_MS, jitter_ms=jitter_ms) as emulator:
        child = spawn(apply_command(manifests), emulator.env)
        writes = 0
        while child.poll() is None:
            writes = int(emulator.stats()["writes"])
            if writes >= target:
                child.send_signal(signal.SIGKILL)
                break
            time.sleep(POLL)
        killed = child.wait() == -signal.SIGKILL
        writes = int(emulator.stats()["writes"])
        after_kill = sum(duplicates(emulator.client()).values())
        codes: list[int] = []
        converged = False
        while not converged and len(codes) < MAX_RERUNS:
            codes.append(run(apply_command(manifests), emulator.env).exit_code)
            emulator.quiet()
            converged = convergence(fleet, desired, emulator.client()).converged
        end = verdict(fleet, desired, emulator.client())
    return KillCycle(
        fleet=fleet,
        jitter_ms=jitter_ms,
        target_writes=target,
        writes_at_kill=writes,
        killed=killed,
        duplicates_after_kill=after_kill,
        reruns=len(codes),
        rerun_exit_codes=tuple(codes),
        converged=converged,
        verdict=end,
    )
