"""``python -m bench [--quick]``: run every scenario and write docs/benchmarks.md.

Exits 1 when a correctness check fails (the report is written either way).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench.report import Run, render
from bench.scenarios.apply_throughput import apply_throughput
from bench.scenarios.faults import converge_under_faults
from bench.scenarios.kill import kill_cycles
from bench.scenarios.plan_cpu import plan_cpu
from bench.scenarios.plan_scale import naive_baseline, plan_at_scale
from bench.settings import settings

REPO = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def machine() -> dict[str, str]:
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "commit": _commit(),
    }


def _commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "cnamctl")
    return f"{commit} (cnamctl/ modified)" if dirty else commit


def _step(title: str, work: Callable[[], T]) -> T:
    print(f"bench: {title} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    result = work()
    print(f"bench: {title}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller fleets, a few minutes")
    parser.add_argument(
        "--out", type=Path, default=REPO / "docs" / "benchmarks.md", help="the report to write"
    )
    parser.add_argument("--workdir", type=Path, help="keep seeds, manifests and databases here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cnamctl-bench-"))
    config = settings(quick=args.quick, workdir=workdir)
    started = time.perf_counter()
    run = Run(machine=machine(), quick=args.quick)
    try:
        for fleet in config.plan_fleets:
            run.plan.append(
                _step(f"plan at {fleet.numbers:,}", lambda f=fleet: plan_at_scale(f, config))
            )
        run.naive = _step("naive baseline", lambda: naive_baseline(config.naive_fleet, config))
        run.cpu = _step("plan CPU and memory", lambda: plan_cpu(config))
        run.apply = _step("apply throughput", lambda: apply_throughput(config))
        for rate in config.fault_rates:
            run.faults.append(
                _step(f"faults {rate:g}", lambda r=rate: converge_under_faults(r, config))
            )
        run.kills = _step("kill test", lambda: kill_cycles(config))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    run.seconds = time.perf_counter() - started
    args.out.write_text(render(run), encoding="utf-8")
    failed = [c for c in run.checks() if not c.ok]
    for check in failed:
        print(f"bench: FAILED: {check.name} {check.detail}", file=sys.stderr)
    print(f"bench: wrote {args.out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
