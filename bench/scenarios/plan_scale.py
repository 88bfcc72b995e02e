"""Scenario 1: plan at scale against the emulator with injected latency.

Per fleet: ``read_snapshot`` + ``compute_plan`` wall time (a fresh SDK client
each repetition, as a CLI run would have), the HTTP requests the emulator saw
for one read, the minimum paging allows, and the whole ``cnamctl plan`` command
as a child process (interpreter start-up and manifest loading included). On
the naive-baseline fleet, the naive sequential reader runs against the same
emulator in the same run.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from bench.cli import CNAMCTL, run
from bench.fleet import Fleet
from bench.naive import NaiveRead, naive_read, snapshot_counts
from bench.paging import minimum_requests
from bench.served import serve_fleet
from bench.settings import LATENCY_MS, Settings
from cnamctl.live.reader import read_snapshot
from cnamctl.manifest import load_manifests
from cnamctl.plan import compute_plan


@dataclass(frozen=True)
class PlanAtScale:
    fleet: Fleet
    load_seconds: float  # load_manifests of the fleet's YAML
    read_seconds: tuple[float, ...]
    plan_seconds: tuple[float, ...]
    read_cpu: tuple[float, ...]  # this process's CPU seconds during each read
    emulator_cpu: tuple[float, ...]  # the emulator process's CPU seconds during each read
    requests: int  # seen by the emulator during one read
    minimum: int  # the fewest requests paging allows
    changes: int  # in the plan
    cli_seconds: float  # `cnamctl plan --format json` as a child process
    cli_exit: int

    @property
    def total_seconds(self) -> tuple[float, ...]:
        return tuple(r + p for r, p in zip(self.read_seconds, self.plan_seconds, strict=True))

    @property
    def median_total(self) -> float:
        return statistics.median(self.total_seconds)

    @property
    def request_overhead(self) -> float:
        """Requests above the minimum, as a share of it."""
        return self.requests / self.minimum - 1.0


@dataclass(frozen=True)
class NaiveBaseline:
    fleet: Fleet
    naive: NaiveRead
    cnamctl_seconds: float  # read_snapshot alone, same fleet, same run
    cnamctl_requests: int
    same_objects: bool  # the naive reader saw exactly what read_snapshot saw


def plan_at_scale(fleet: Fleet, settings: Settings) -> PlanAtScale:
    workdir = settings.workdir / f"plan-{fleet.numbers}"
    manifests = fleet.write_manifests(workdir / "manifests")
    started = time.perf_counter()
    desired = load_manifests([str(manifests)])
    load_seconds = time.perf_counter() - started
    reads: list[float] = []
    plans: list[float] = []
    read_cpu: list[float] = []
    emulator_cpu: list[float] = []
    with serve_fleet(fleet, workdir, latency_ms=LATENCY_MS) as emulator:
        for _ in range(settings.repeats):
            emulator.reset_stats()
            client = emulator.client()
            started, cpu, served_cpu = (
                time.perf_counter(),
                time.process_time(),
                emulator.cpu_seconds(),
            )
            live = read_snapshot(client)
            reads.append(time.perf_counter() - started)
            read_cpu.append(time.process_time() - cpu)
            emulator_cpu.append(emulator.cpu_seconds() - served_cpu)
            started = time.perf_counter()
            plan = compute_plan(desired, live)
            plans.append(time.perf_counter() - started)
            requests = int(emulator.stats()["total_requests"])
        cli = run([*CNAMCTL, "plan", "--format", "json", str(manifests)], emulator.env)
    return PlanAtScale(
        fleet=fleet,
        load_seconds=load_seconds,
        read_seconds=tuple(reads),
        plan_seconds=tuple(plans),
        read_cpu=tuple(read_cpu),
        emulator_cpu=tuple(emulator_cpu),
        requests=requests,
        minimum=minimum_requests(live),
        changes=len(plan.changes),
        cli_seconds=cli.seconds,
        cli_exit=cli.exit_code,
    )


def naive_baseline(fleet: Fleet, settings: Settings) -> NaiveBaseline:
    workdir = settings.workdir / f"naive-{fleet.numbers}"
    with serve_fleet(fleet, workdir, latency_ms=LATENCY_MS) as emulator:
        started = time.perf_counter()
        live = read_snapshot(emulator.client())
        cnamctl_seconds = time.perf_counter() - started
        naive = naive_read(emulator.client())
    return NaiveBaseline(
        fleet=fleet,
        naive=naive,
        cnamctl_seconds=cnamctl_seconds,
        cnamctl_requests=live.request_count,
        same_objects=naive.objects == snapshot_counts(live),
    )
