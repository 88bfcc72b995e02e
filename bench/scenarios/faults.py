"""Scenario 4: convergence under injected faults.

A fleet with products to create and every number still to brand (about a
thousand changes) is applied while the emulator fails a share of requests with
500s, connection resets and commit-then-drop (the write happens, the answer is
lost). ``cnamctl apply`` is re-run until the next plan is empty and every
number is branded; then the account is searched for duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.cli import apply_command, run
from bench.fleet import Fleet
from bench.invariants import Verdict, convergence, verdict
from bench.served import serve_fleet
from bench.settings import FAULT_SEED, LATENCY_MS, Settings
from cnamctl.manifest import load_manifests

MAX_RUNS = 5


@dataclass(frozen=True)
class FaultRun:
    exit_code: int
    seconds: float
    changes: int
    applied: int
    retries: int
    read_backs: int  # changes settled by reading back
    requests: int  # as the emulator counted them
    faults: dict[str, int]  # injected, by kind


@dataclass(frozen=True)
class FaultConvergence:
    fleet: Fleet
    fault_rate: float
    jitter_ms: float
    planned: int  # changes in the first plan
    runs: tuple[FaultRun, ...]
    runs_to_converge: int | None  # None: not converged within MAX_RUNS
    verdict: Verdict

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.runs)

    @property
    def faults(self) -> int:
        return sum(sum(r.faults.values()) for r in self.runs)


def converge_under_faults(
    rate: float, settings: Settings, *, jitter_ms: float = 0.0
) -> FaultConvergence:
    fleet = settings.fault_fleet
    workdir = settings.workdir / f"faults-{rate:g}-jitter-{jitter_ms:g}"
    manifests = fleet.write_manifests(workdir / "manifests")
    desired = load_manifests([str(manifests)])
    runs: list[FaultRun] = []
    converged_after: int | None = None
    with serve_fleet(
        fleet,
        workdir,
        latency_ms=LATENCY_MS,
        fault_seed=FAULT_SEED,
        jitter_ms=jitter_ms,
    ) as emulator:
        # Faults are for the applies: the first plan, like every check, reads without.
        planned = convergence(fleet, desired, emulator.client()).changes
        for attempt in range(1, MAX_RUNS + 1):
            # A seed of its own for each run: the emulator reseeds its fault draws when
            # they are turned back on, and every run would otherwise meet the same faults.
            emulator.configure(
                fault_rate=rate,
                fault_seed=FAULT_SEED + attempt,
                latency_ms=LATENCY_MS,
                jitter_ms=jitter_ms,
            )
            emulator.reset_stats()
            result = run(apply_command(manifests), emulator.env)
            stats = emulator.stats()
            doc = result.apply_result()
            runs.append(
                FaultRun(
                    exit_code=result.exit_code,
                    seconds=result.seconds,
                    changes=len(doc.get("changes", [])),
                    applied=int(doc.get("summary", {}).get("applied", 0)),
                    retries=int(doc.get("retries", 0)),
                    read_backs=sum(bool(c.get("read_back")) for c in doc.get("changes", [])),
                    requests=int(stats["total_requests"]),
                    faults={k: int(v) for k, v in stats["faults"].items()},
                )
            )
            emulator.quiet()
            if convergence(fleet, desired, emulator.client()).converged:
                converged_after = attempt
                break
        end = verdict(fleet, desired, emulator.client())
    return FaultConvergence(fleet, rate, jitter_ms, planned, tuple(runs), converged_after, end)
