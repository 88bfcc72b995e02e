"""Scenario 2: plan CPU and memory without a network, at 100,000 numbers.

Each measurement runs in a fresh child process (``python -m
bench.scenarios.plan_cpu MODE NUMBERS [DIR]``) so its peak RSS is its own:

* ``plan``: the Snapshot and an unvalidated ManifestSet (``model_construct``)
  built in memory, then ``compute_plan`` alone: CPU seconds, wall seconds,
  RSS before planning and the process's peak RSS;
* ``trace``: the same under tracemalloc: the peak of memory ``compute_plan``
  itself allocates (tracemalloc slows the run; its times are not reported);
* ``models``: the ManifestSet built from validated models, without YAML;
* ``yaml``: ``load_manifests`` of the fleet's YAML files (parsing, validation,
  cross-document checks), and the process's peak RSS.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.fleet import Fleet
from bench.rss import peak_rss_kib
from bench.settings import Settings

MODES = ("plan", "trace", "models", "yaml")
MIB = 1024 * 1024
REPO = Path(__file__).resolve().parents[2]  # children import bench from here


@dataclass(frozen=True)
class PlanCpu:
    fleet: Fleet
    changes: int
    plan_cpu: float  # compute_plan, CPU seconds
    plan_wall: float
    rss_inputs_mib: float  # RSS once the snapshot and manifests are built
    peak_rss_mib: float  # the plan child's peak RSS
    plan_traced_mib: float  # peak memory compute_plan allocated (tracemalloc)
    models_cpu: float  # validated ManifestSet, no YAML
    yaml_cpu: float  # load_manifests of the YAML files
    yaml_peak_rss_mib: float


def plan_cpu(settings: Settings) -> PlanCpu:
    fleet = Fleet(settings.cpu_numbers, branded=0.9)
    manifests = fleet.write_manifests(settings.workdir / f"cpu-{fleet.numbers}" / "manifests")
    plan = _child("plan", fleet.numbers)
    trace = _child("trace", fleet.numbers)
    models = _child("models", fleet.numbers)
    loaded = _child("yaml", fleet.numbers, manifests)
    return PlanCpu(
        fleet=fleet,
        changes=int(plan["changes"]),
        plan_cpu=plan["cpu"],
        plan_wall=plan["wall"],
        rss_inputs_mib=plan["rss_inputs"] / MIB,
        peak_rss_mib=plan["peak_rss"] / MIB,
        plan_traced_mib=trace["traced_peak"] / MIB,
        models_cpu=models["cpu"],
        yaml_cpu=loaded["cpu"],
        yaml_peak_rss_mib=loaded["peak_rss"] / MIB,
    )


def _child(mode: str, numbers: int, manifests: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.scenarios.plan_cpu", mode, str(numbers)]
    if manifests is not None:
        command.append(str(manifests))
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=1800, cwd=REPO
    )
    return dict(json.loads(done.stdout))


# --- the child side ------------------------------------------------------------------


def _rss() -> int:
    """Current resident set size in bytes (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize()


def _peak_rss() -> int:
    return peak_rss_kib() * 1024  # this process's own (bench/rss.py)


def _measure(mode: str, numbers: int, manifests: str | None) -> dict[str, Any]:
    from cnamctl.manifest import load_manifests
    from cnamctl.plan import compute_plan

    fleet = Fleet(numbers, branded=0.9)
    if mode == "yaml":
        assert manifests is not None
        started = time.process_time()
        load_manifests([manifests])
        return {"cpu": time.process_time() - started, "peak_rss": _peak_rss()}
    if mode == "models":
        fleet.phone_numbers  # noqa: B018 (generate the numbers outside the timing)
        started = time.process_time()
        fleet.manifest_set(validate=True)
        return {"cpu": time.process_time() - started}
    desired = fleet.manifest_set(validate=False)
    live = fleet.snapshot()
    rss_inputs = _rss()
    if mode == "trace":
        tracemalloc.start()
        compute_plan(desired, live)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"traced_peak": peak}
    wall, cpu = time.perf_counter(), time.process_time()
    plan = compute_plan(desired, live)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "changes": len(plan.changes),
        "cpu": cpu,
        "wall": wall,
        "rss_inputs": rss_inputs,
        "peak_rss": _peak_rss(),
    }


if __name__ == "__main__":
    mode, count, *rest = sys.argv[1:]
    if mode not in MODES:
        raise SystemExit(f"mode must be one of {MODES}")
    print(json.dumps(_measure(mode, int(count), rest[0] if rest else None)))
