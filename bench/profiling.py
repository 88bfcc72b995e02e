"""Profile ``cnamctl plan`` and ``cnamctl apply`` at the 10,000-number size.

    /work/venv/bin/pip install py-spy        # profiling only; the benchmark does not need it
    python -m bench.profiling [--numbers 10000] [--workdir DIR]

The real CLI runs as a child process under ``py-spy record`` (every thread,
CPU samples), while a second py-spy samples the emulator process, so the two
sides can be told apart. Prints, per command, the functions with the largest
inclusive and self share of samples; raw samples and speedscope files are left
in the work directory for a closer look.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.cli import CNAMCTL
from bench.fleet import Fleet
from bench.served import ServedEmulator, serve_fleet
from bench.settings import LATENCY_MS

RATE = 200  # samples per second
TOP = 25


@dataclass(frozen=True)
class Profile:
    title: str
    samples: int
    inclusive: list[tuple[str, int]]
    self_time: list[tuple[str, int]]

    def render(self) -> str:
        lines = [f"== {self.title}: {self.samples} samples (threads summed)"]
        lines.append("-- inclusive")
        lines += [f"{100 * n / self.samples:5.1f}%  {name}" for name, n in self.inclusive]
        lines.append("-- self")
        lines += [f"{100 * n / self.samples:5.1f}%  {name}" for name, n in self.self_time]
        return "\n".join(lines)


def summarise(title: str, raw: Path, top: int = TOP) -> Profile:
    """Aggregate py-spy's raw (collapsed stack) output per function."""
    inclusive: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_name(f) for f in stack.split(";")[1:]]  # drop the process frame
        for name in set(frames):
            inclusive[name] += n
        if frames:
            self_time[frames[-1]] += n
    return Profile(title, total, _top(inclusive, top), _top(self_time, top))


def _name(frame: str) -> str:
    """``func (path/to/file.py:123)`` -> ``func (file.py)`` with the package kept."""
    func, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    parts = Path(path).parts
    for anchor in ("cnamctl", "twilio", "requests", "urllib3", "werkzeug", "yaml", "bench"):
        if anchor in parts:
            path = "/".join(parts[parts.index(anchor) :])
            break
    else:
        path = Path(path).name
    return f"{func.strip()} ({path})"


def _top(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    return counter.most_common(n)


def _py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: pip install py-spy")
    return found


def profile_command(
    title: str, command: list[str], emulator: ServedEmulator, workdir: Path
) -> tuple[Profile, Profile]:
    """Run ``command`` under py-spy while another py-spy samples the emulator."""
    spy = _py_spy()
    stem = title.replace(" ", "-")
    client_raw, server_raw = workdir / f"{stem}.txt", workdir / f"{stem}-emulator.txt"
    server = subprocess.Popen(
        [
            *(spy, "record", "-r", str(RATE), "-f", "raw", "-o", str(server_raw)),
            *("--pid", str(emulator.process.pid)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    subprocess.run(
        [spy, "record", "-r", str(RATE), "-f", "raw", "-o", str(client_raw), "--", *command],
        env=emulator.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    server.send_signal(signal.SIGINT)  # py-spy writes its samples when interrupted
    server.wait(timeout=30)
    return summarise(title, client_raw), summarise(f"{title} (emulator)", server_raw)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profiling", description=__doc__)
    parser.add_argument("--numbers", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(list(argv) if argv is not None else None)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cnamctl-profile-"))
    fleet = Fleet(args.numbers, branded=0.9)
    manifests = fleet.write_manifests(workdir / "manifests")
    with serve_fleet(fleet, workdir, latency_ms=LATENCY_MS) as emulator:
        plan = [*CNAMCTL, "plan", "--format", "json", str(manifests)]
        for profile in profile_command("plan", plan, emulator, workdir):
            print(profile.render(), end="\n\n")
        apply = [*CNAMCTL, "apply", "--auto-approve", "--format", "json", "--max-rps", "0"]
        for profile in profile_command("apply", [*apply, str(manifests)], emulator, workdir):
            print(profile.render(), end="\n\n")
    print(f"raw samples in {workdir}")


if __name__ == "__main__":
    main()
