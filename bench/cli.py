"""Running ``cnamctl`` as a child process, the way people and CI run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# ``cnamctl`` with this interpreter (no reliance on PATH or on the entry-point script).
CNAMCTL = (sys.executable, "-c", "from cnamctl.cli import main; main(prog_name='cnamctl')")
# The same, writing its own peak RSS (KiB) to $BENCH_PEAK_RSS when it exits.
# (bench/rss.py: not ru_maxrss, which a child inherits from its parent across exec.)
_MEASURED = (
    "import atexit, os, sys\n"
    f"sys.path.append({str(Path(__file__).resolve().parents[1])!r})  # bench, wherever run\n"
    "from bench.rss import peak_rss_kib\n"
    "atexit.register(lambda: open(os.environ['BENCH_PEAK_RSS'], 'w').write(str(peak_rss_kib())))\n"
    "from cnamctl.cli import main; main(prog_name='cnamctl')"
)


@dataclass(frozen=True)
class CliRun:
    exit_code: int
    seconds: float  # wall time of the whole process, interpreter start-up included
    stdout: str
    stderr: str
    peak_rss_mib: float = 0.0  # of the cnamctl process itself (measured() runs only)

    def document(self) -> dict[str, Any]:
        """stdout parsed as JSON (``--format json``); empty when it is not JSON."""
        try:
            doc = json.loads(self.stdout)
        except ValueError:
            return {}
        return doc if isinstance(doc, dict) else {}

    def apply_result(self) -> dict[str, Any]:
        """The one account's result of ``apply --format json`` (a list of accounts,
        docs/apply.md); empty when there is none."""
        accounts = self.document().get("accounts") or [{}]
        result = accounts[0].get("result") if isinstance(accounts[0], dict) else None
        return result if isinstance(result, dict) else {}


def apply_command(manifests: Path, *extra: str) -> list[str]:
    return [*CNAMCTL, "apply", "--auto-approve", "--format", "json", *extra, str(manifests)]


def run(command: list[str], env: dict[str, str], *, timeout: float = 900.0) -> CliRun:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    return CliRun(done.returncode, time.perf_counter() - started, done.stdout, done.stderr)


def spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measured(args: list[str], env: dict[str, str], *, timeout: float = 900.0) -> CliRun:
    """``cnamctl ARGS`` as a child process, with its own peak RSS."""
    with tempfile.NamedTemporaryFile(prefix="bench-rss-", delete=False) as out:
        path = Path(out.name)
    try:
        done = run(
            [sys.executable, "-c", _MEASURED, *args],
            {**env, "BENCH_PEAK_RSS": str(path)},
            timeout=timeout,
        )
        text = path.read_text().strip()
        peak = int(text) / 1024 if text else 0.0
    finally:
        path.unlink(missing_ok=True)
    return CliRun(done.exit_code, done.seconds, done.stdout, done.stderr, peak)


def load_average() -> str:
    """The 1-minute load average, for the report's conditions."""
    return f"{os.getloadavg()[0]:.2f}"
