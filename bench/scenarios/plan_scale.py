"""Scenario 1: plan at scale against the emulator with injected latency.

Per fleet: ``read_snapshot`` + ``compute_plan`` wall time (a fresh SDK client
each repetition, as a CLI run would have), the HTTP requests the emulator saw
for one read, the minimum paging allows, the same read with the numbers read
page by page (``shard_numbers=False``: its time, its requests, and whether it
read exactly the same account), and the whole ``cnamctl plan`` command as a
child process, ``repeats`` times (interpreter start-up, manifest loading, read,
diff, rendering; its requests and its peak RSS), the same with ``--read-early``
and with ``CNAMCTL_READ_CONCURRENCY=64`` (twice the default requests in flight,
for an account whose Twilio limit allows it). On the naive-baseline fleet,
the naive sequential reader runs against the same emulator in the same run.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from bench.cli import CliRun, measured
from bench.fleet import Fleet
from bench.naive import NaiveRead, naive_read, snapshot_counts
from bench.paging import minimum_requests, pages
from bench.served import ServedEmulator, serve_fleet
from bench.settings import LATENCY_MS, Settings
from cnamctl.live.reader import read_snapshot
from cnamctl.manifest import load_manifests
from cnamctl.plan import compute_plan
from cnamctl.twilio.inflight import READ_CONCURRENCY_ENV

WIDE = 64  # requests in flight for the `CNAMCTL_READ_CONCURRENCY` comparison (default: 32)


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
    plain_seconds: float  # the same read, numbers page by page
    plain_requests: int
    same_as_plain: bool  # the sharded read read exactly what the plain read did
    cli_seconds: tuple[float, ...]  # `cnamctl plan --format json` as a child process
    cli_exits: tuple[int, ...]
    cli_requests: tuple[int, ...]  # the emulator's count for each process
    cli_peak_rss_mib: float  # the largest of the processes' peak RSS
    early_seconds: tuple[float, ...]  # the same with --read-early
    early_exits: tuple[int, ...]
    early_requests: tuple[int, ...]
    wide_seconds: tuple[float, ...]  # the default, with $CNAMCTL_READ_CONCURRENCY=WIDE
    wide_exits: tuple[int, ...]
    wide_requests: tuple[int, ...]

    @property
    def bound(self) -> float:
        """The latency bound: the numbers' pages one after another, plus one round
        for the per-object lists (issue 12), at the injected latency."""
        return (pages(self.fleet.numbers) + 1) * LATENCY_MS / 1000

    @property
    def cli_median(self) -> float:
        return statistics.median(self.cli_seconds)

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
        # A first read after the emulator started (it renders its rows ahead, measured by
        # bench/emulator_cpu.py); the figures below are the reads after it.
        read_snapshot(emulator.client(), shard_numbers=False)
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
        emulator.reset_stats()
        started = time.perf_counter()
        plain = read_snapshot(emulator.client(), shard_numbers=False)
        plain_seconds = time.perf_counter() - started
        plain_requests = int(emulator.stats()["total_requests"])
        same = plain.fingerprints() == live.fingerprints() and {
            sid: n.phone_number for sid, n in plain.numbers.items()
        } == {sid: n.phone_number for sid, n in live.numbers.items()}
        plan_json = ["plan", "--format", "json", str(manifests)]
        cli, cli_requests = _cli_runs(emulator, plan_json, emulator.env, settings.repeats)
        early_json = ["plan", "--read-early", "--format", "json", str(manifests)]
        early, early_requests = _cli_runs(emulator, early_json, emulator.env, settings.repeats)
        wide_env = {**emulator.env, READ_CONCURRENCY_ENV: str(WIDE)}
        wide, wide_requests = _cli_runs(emulator, plan_json, wide_env, settings.repeats)
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
        plain_seconds=plain_seconds,
        plain_requests=plain_requests,
        same_as_plain=same,
        cli_seconds=tuple(c.seconds for c in cli),
        cli_exits=tuple(c.exit_code for c in cli),
        cli_requests=tuple(cli_requests),
        cli_peak_rss_mib=max(c.peak_rss_mib for c in [*cli, *early, *wide]),
        early_seconds=tuple(c.seconds for c in early),
        early_exits=tuple(c.exit_code for c in early),
        early_requests=tuple(early_requests),
        wide_seconds=tuple(c.seconds for c in wide),
        wide_exits=tuple(c.exit_code for c in wide),
        wide_requests=tuple(wide_requests),
    )


def _cli_runs(
    emulator: ServedEmulator, args: list[str], env: dict[str, str], repeats: int
) -> tuple[list[CliRun], list[int]]:
    """``cnamctl ARGS`` ``repeats`` times, and the requests the emulator saw for each."""
    runs: list[CliRun] = []
    requests: list[int] = []
    for _ in range(repeats):
        emulator.reset_stats()
        runs.append(measured(args, env))
        requests.append(int(emulator.stats()["total_requests"]))
    return runs, requests


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
