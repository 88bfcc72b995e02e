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
from functools import partial
from pathlib import Path
from typing import TypeVar

from bench import emulator_cpu, manifest_load
from bench.cli import load_average
from bench.report import Run, render
from bench.scenarios.apply_throughput import apply_throughput, settle_cost
from bench.scenarios.faults import converge_under_faults
from bench.scenarios.kill import kill_cycles
from bench.scenarios.plan_cpu import plan_cpu
from bench.scenarios.plan_scale import naive_baseline, plan_at_scale
from bench.scenarios.startup import startup
from bench.settings import JITTER_MS, settings

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


def _compile() -> None:
    """Bytecode for the package, as an installed wheel has it: the child processes
    then measure cnamctl, not the compiler (PYTHONDONTWRITEBYTECODE would otherwise
    make every run compile every module again)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "cnamctl")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


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
    _compile()
    run = Run(machine=machine(), quick=args.quick)
    run.load_averages.append(load_average())
    try:
        run.startup = _step("start-up", lambda: startup(config.startup_runs))
        run.manifests = _step(
            f"manifest load at {config.manifest_numbers:,}",
            partial(manifest_load.measure, config.manifest_numbers, config.repeats),
        )
        run.emulator_cpu = _step(
            "emulator CPU per page",
            partial(
                emulator_cpu.run,
                config.emulator_cpu_numbers,
                config.emulator_cpu_rounds,
                workdir / "emulator-cpu",
            ),
        )
        for fleet in config.plan_fleets:
            run.plan.append(
                _step(f"plan at {fleet.numbers:,}", partial(plan_at_scale, fleet, config))
            )
        run.naive = _step("naive baseline", lambda: naive_baseline(config.naive_fleet, config))
        run.cpu = _step("plan CPU and memory", lambda: plan_cpu(config))
        run.apply = _step("apply throughput", lambda: apply_throughput(config))
        run.settle = _step("apply --settle cost", lambda: settle_cost(config))
        for rate in config.fault_rates:
            run.faults.append(
                _step(f"faults {rate:g}", partial(converge_under_faults, rate, config))
            )
        rate = config.jitter_fault_rate
        run.faults.append(
            _step(
                f"faults {rate:g}, jitter {JITTER_MS:g} ms",
                partial(converge_under_faults, rate, config, jitter_ms=JITTER_MS),
            )
        )
        run.kills = _step("kill test", lambda: kill_cycles(config))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    run.load_averages.append(load_average())
    run.seconds = time.perf_counter() - started
    args.out.write_text(render(run), encoding="utf-8")
    failed = [c for c in run.checks() if not c.ok]
    for check in failed:
        print(f"bench: FAILED: {check.name} {check.detail}", file=sys.stderr)
    print(f"bench: wrote {args.out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
