"""Sizes and knobs of a benchmark run: the full run, or ``--quick``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bench.fleet import Fleet

LATENCY_MS = 50.0  # injected per request, every scenario that talks to the emulator
APPLY_RATE_LIMIT = 50.0  # emulator requests per second in the throughput scenario
FAULT_SEED = 7
REVIEW_DELAY = 0.5  # seconds the emulator's automatic review takes
JITTER_MS = 50.0  # the fault and kill runs with jitter on (issue 9): [0, 50] ms more a request
JITTER_SEED = 9


@dataclass(frozen=True)
class Settings:
    quick: bool
    workdir: Path
    plan_fleets: tuple[Fleet, ...]
    naive_fleet: Fleet
    repeats: int
    cpu_numbers: int
    apply_fleet: Fleet  # every product exists; no number branded yet
    fault_fleet: Fleet
    fault_rates: tuple[float, ...]
    kill_fleet: Fleet
    kill_cycles: int
    jitter_fault_rate: float  # the fault run with jitter on
    jitter_kill_cycles: int  # kill cycles with jitter on, after the others
    startup_runs: int
    manifest_numbers: int  # loading and validating (bench/manifest_load.py)
    emulator_cpu_numbers: int  # the emulator's CPU per page (bench/emulator_cpu.py)
    emulator_cpu_rounds: int
    settle_fleet: Fleet  # products to create: what apply's --settle waits cost


def settings(*, quick: bool, workdir: Path) -> Settings:
    if quick:
        small = Fleet(200, cnam_profiles=20, business_profiles=2, caller_ids=50)
        return Settings(
            quick=True,
            workdir=workdir,
            plan_fleets=(Fleet(1_000, branded=0.9),),
            naive_fleet=Fleet(
                100, cnam_profiles=10, business_profiles=1, caller_ids=20, branded=0.9
            ),
            repeats=1,
            cpu_numbers=10_000,
            apply_fleet=replace(small, branded=0.0),
            fault_fleet=replace(small, created=16, branded=0.0),
            fault_rates=(0.05, 0.2),
            kill_fleet=replace(small, created=16, branded=0.0),
            kill_cycles=3,
            jitter_fault_rate=0.1,
            jitter_kill_cycles=2,
            startup_runs=5,
            manifest_numbers=10_000,
            emulator_cpu_numbers=5_000,
            emulator_cpu_rounds=3,
            settle_fleet=replace(small, created=16, branded=0.0),
        )
    return Settings(
        quick=False,
        workdir=workdir,
        plan_fleets=(
            Fleet(1_000, branded=0.9),
            Fleet(10_000, branded=0.9),
            Fleet(100_000, branded=0.9),
        ),
        naive_fleet=Fleet(1_000, branded=0.9),
        repeats=3,
        cpu_numbers=100_000,
        apply_fleet=Fleet(1_000, branded=0.0),
        fault_fleet=Fleet(1_000, created=90, branded=0.0),
        fault_rates=(0.05, 0.1, 0.2),
        kill_fleet=Fleet(
            500, cnam_profiles=50, business_profiles=5, caller_ids=100, created=40, branded=0.0
        ),
        kill_cycles=10,
        jitter_fault_rate=0.1,
        jitter_kill_cycles=4,
        startup_runs=15,
        manifest_numbers=100_000,
        emulator_cpu_numbers=10_000,
        emulator_cpu_rounds=6,
        settle_fleet=Fleet(1_000, created=90, branded=0.0),
    )
