"""Scenario 3: apply throughput against latency and an emulator rate limit.

Every CNAM product exists and no number is branded yet, so the plan is one
ASSIGN_CNAM_NUMBER per number. ``cnamctl apply`` runs as a child process with
its defaults; the emulator injects latency and answers 429 above its rate
limit. The floor is ``changes / rate``: no client can write faster.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.cli import apply_command, run
from bench.fleet import Fleet
from bench.invariants import Verdict, verdict
from bench.served import serve_fleet
from bench.settings import APPLY_RATE_LIMIT, LATENCY_MS, Settings
from cnamctl.manifest import load_manifests


@dataclass(frozen=True)
class ApplyThroughput:
    fleet: Fleet
    rate_limit: float
    exit_code: int
    changes: int
    applied: int
    wall_seconds: float  # the whole `cnamctl apply` process
    executor_seconds: float  # writing alone (the result's "seconds")
    throttled: int  # 429s the client saw
    rate_limited: int  # 429s the emulator sent
    retries: int
    requests: dict[str, int]  # by method, as the emulator counted them
    verdict: Verdict

    @property
    def bound(self) -> float:
        """Seconds the writes take at exactly the rate limit."""
        return self.changes / self.rate_limit


def apply_throughput(settings: Settings) -> ApplyThroughput:
    return measure_apply(settings.apply_fleet, settings.workdir / "apply")


def settle_cost(settings: Settings) -> tuple[ApplyThroughput, ApplyThroughput]:
    """The same apply with products to create, at the default --settle and at 0."""
    fleet = settings.settle_fleet
    return (
        measure_apply(fleet, settings.workdir / "settle-default"),
        measure_apply(fleet, settings.workdir / "settle-0", "--settle", "0"),
    )


def measure_apply(fleet: Fleet, workdir: Path, *extra: str) -> ApplyThroughput:
    manifests = fleet.write_manifests(workdir / "manifests")
    desired = load_manifests([str(manifests)])
    with serve_fleet(
        fleet, workdir, latency_ms=LATENCY_MS, rate_limit=APPLY_RATE_LIMIT
    ) as emulator:
        emulator.reset_stats()
        result = run(apply_command(manifests, *extra), emulator.env)
        stats = emulator.stats()
        emulator.quiet()
        end = verdict(fleet, desired, emulator.client())
    doc = result.apply_result()
    by_method: Counter[str] = Counter()
    for key, n in stats["requests"].items():
        by_method[key.split(" ", 1)[0]] += n
    return ApplyThroughput(
        fleet=fleet,
        rate_limit=APPLY_RATE_LIMIT,
        exit_code=result.exit_code,
        changes=len(doc.get("changes", [])),
        applied=int(doc.get("summary", {}).get("applied", 0)),
        wall_seconds=result.seconds,
        executor_seconds=float(doc.get("seconds", 0.0)),
        throttled=int(doc.get("throttled", 0)),
        rate_limited=int(stats["rate_limited"]),
        retries=int(doc.get("retries", 0)),
        requests=dict(by_method),
        verdict=end,
    )
