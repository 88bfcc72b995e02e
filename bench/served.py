"""The emulator in its own process (``cnamctl emulator serve``), seeded with a fleet.

The benchmarks measure cnamctl, so the emulator runs in a separate process: it
must not share cnamctl's interpreter lock. Its state is a SQLite file, its knobs
are changed through ``PATCH /_emulator/config`` and its request counts read from
``GET /_emulator/stats``.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from twilio.rest import Client

from bench.cli import CNAMCTL
from bench.fleet import ACCOUNT, TOKEN, Fleet
from bench.settings import JITTER_SEED, REVIEW_DELAY
from cnamctl.twilio import Credentials, make_client


@dataclass
class ServedEmulator:
    base_url: str
    process: subprocess.Popen[str]
    session: requests.Session

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        response = self.session.request(method, f"{self.base_url}/_emulator/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict[str, Any]:
        return dict(self.admin("GET", "stats"))

    def reset_stats(self) -> None:
        self.admin("POST", "stats/reset")

    def configure(self, **changes: Any) -> dict[str, Any]:
        return dict(self.admin("PATCH", "config", changes))

    def cpu_seconds(self) -> float:
        """CPU time the emulator process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def quiet(self) -> None:
        """No faults, throttling, latency or jitter from now on, and pending reviews done."""
        self.configure(fault_rate=0.0, rate_limit=None, latency_ms=0, jitter_ms=0)
        time.sleep(2 * REVIEW_DELAY)

    def client(self, *, timeout: float = 30.0) -> Client:
        """A fresh SDK client on the fleet account (its own connection pool and counters)."""
        return make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), self.base_url, timeout=timeout)

    @property
    def env(self) -> dict[str, str]:
        """Environment for a ``cnamctl`` child process aimed at this emulator."""
        return {
            **os.environ,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_KEY": "",
            "TWILIO_API_SECRET": "",
            "CNAMCTL_API_URL": self.base_url,
            "CNAMCTL_READ_CONCURRENCY": "",  # the default, whatever the caller's environment
            "NO_COLOR": "1",
        }


@contextmanager
def serve_fleet(
    fleet: Fleet,
    workdir: Path,
    *,
    latency_ms: float = 0,
    rate_limit: float | None = None,
    fault_rate: float = 0.0,
    fault_seed: int | None = None,
    review_delay: float = REVIEW_DELAY,
    jitter_ms: float = 0.0,
) -> Iterator[ServedEmulator]:
    """``cnamctl emulator serve`` on a free port, seeded with ``fleet``."""
    workdir.mkdir(parents=True, exist_ok=True)
    seed = fleet.write_seed(workdir / "seed.yaml")
    db = workdir / "emulator.sqlite"
    for stale in workdir.glob("emulator.sqlite*"):
        stale.unlink()
    command = [
        *CNAMCTL,
        "emulator",
        "serve",
        "--port",
        "0",
        "--db",
        str(db),
        "--seed",
        str(seed),
        "--latency-ms",
        str(latency_ms),
        "--fault-rate",
        str(fault_rate),
        "--review-delay",
        str(review_delay),
    ]
    if rate_limit is not None:
        command += ["--rate-limit", str(rate_limit)]
    if fault_seed is not None:
        command += ["--fault-seed", str(fault_seed)]
    if jitter_ms:
        command += ["--jitter-ms", str(jitter_ms), "--random-seed", str(JITTER_SEED)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    session = requests.Session()
    try:
        base_url = _read_base_url(process)
        yield ServedEmulator(base_url, process, session)
    finally:
        session.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _read_base_url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the seed is written and the port bound
    marker = "listening on "
    if marker not in line:
        raise RuntimeError(f"emulator did not start: {line!r} (exit {process.poll()})")
    return line.split(marker, 1)[1].strip()
