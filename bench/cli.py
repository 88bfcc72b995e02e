"""Running ``cnamctl`` as a child process, the way people and CI run it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# ``cnamctl`` with this interpreter (no reliance on PATH or on the entry-point script).
CNAMCTL = (sys.executable, "-c", "from cnamctl.cli import main; main()")


@dataclass(frozen=True)
class CliRun:
    exit_code: int
    seconds: float  # wall time of the whole process, interpreter start-up included
    stdout: str
    stderr: str

    def document(self) -> dict[str, Any]:
        """stdout parsed as JSON (``--format json``); empty when it is not JSON."""
        try:
            doc = json.loads(self.stdout)
        except ValueError:
            return {}
        return doc if isinstance(doc, dict) else {}


def apply_command(manifests: Path, *extra: str) -> list[str]:
    return [*CNAMCTL, "apply", "--auto-approve", "--format", "json", *extra, str(manifests)]


def run(command: list[str], env: dict[str, str], *, timeout: float = 900.0) -> CliRun:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    return CliRun(done.returncode, time.perf_counter() - started, done.stdout, done.stderr)


def spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
