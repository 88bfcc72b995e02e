"""The emulator's own CPU per 1,000-item page (issue 12: at most 10 ms).

    python -m bench.emulator_cpu [--numbers 10000] [--rounds 3] [--workdir DIR]

The emulator runs as ``cnamctl emulator serve`` in its own process, seeded with a
fleet (10 business profiles holding 1,000 numbers each), exactly as in the other
benchmarks. A client in this process walks every 1,000-item page of two lists,
``rounds`` times each:

* ``IncomingPhoneNumbers`` (API 2010), the longest list cnamctl reads;
* each business profile's ``ChannelEndpointAssignments`` (Trust Hub v1).

The figure is the CPU time the emulator process used (user + system, from
/proc) divided by the pages served, minus what the idle server uses over the same
wall time (its accept loop polls). The client's own CPU is not counted: it is
another process. The first round after the server started is reported apart ("first"), the
others as "later"; the bound applies to both. The emulator encodes the rows of
the lists when it starts (``Emulator.render_lists``, domain/ahead.py), before it
serves a request: that cost is measured too, in this process, on an emulator
seeded with the same fleet ("at start": CPU per 1,000 rows encoded), because it
is moved, not removed. Prints each figure, the bound and their ratio, and exits 1
when a served page's figure is above its bound.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.fleet import ACCOUNT, TOKEN, Fleet
from bench.served import ServedEmulator, serve_fleet
from cnamctl.emulator import Emulator

BOUND_MS = 10.0
PAGE_SIZE = 1000


@dataclass(frozen=True)
class PageCpu:
    name: str
    phase: str  # first | later (pages served) | at start (rendering ahead)
    pages: int
    items: int
    cpu_ms_per_page: float

    @property
    def served(self) -> bool:
        """A figure of pages served (the bound's), not of rendering ahead at start."""
        return self.phase != "at start"

    @property
    def ratio(self) -> float:
        return self.cpu_ms_per_page / BOUND_MS

    def line(self) -> str:
        if not self.served:
            return (
                f"encoding the lists ahead when the emulator starts: {self.cpu_ms_per_page:.2f} ms "
                f"CPU per {PAGE_SIZE:,} rows ({self.items:,} rows), before any request"
            )
        return (
            f"{self.name} ({self.phase}): {self.cpu_ms_per_page:.2f} ms CPU per "
            f"{PAGE_SIZE:,}-item page "
            f"(bound {BOUND_MS:.0f} ms, ratio {self.ratio:.2f}; {self.pages} pages, "
            f"{self.items:,} items)"
        )


def _walk(emu: ServedEmulator, first_url: str, key: str, next_key: str) -> tuple[int, int]:
    """Follow a list from ``first_url`` to its end: (pages, items)."""
    pages = items = 0
    url: str | None = first_url
    while url:
        response = emu.session.get(url, auth=(ACCOUNT, TOKEN), timeout=60)
        response.raise_for_status()
        body = response.json()
        pages += 1
        items += len(body[key])
        link = body[next_key] if key != "results" else body["meta"]["next_page_url"]
        url = (
            None
            if not link
            else (emu.base_url + link if link.startswith("/") else _local(emu, link))
        )
    return pages, items


def _local(emu: ServedEmulator, url: str) -> str:
    """A trusthub.twilio.com URL from a page, aimed at the emulator."""
    return emu.base_url + url.split("twilio.com", 1)[1]


def _idle_cpu(emu: ServedEmulator, seconds: float) -> float:
    before = emu.cpu_seconds()
    time.sleep(seconds)
    return emu.cpu_seconds() - before


def _measure(
    emu: ServedEmulator, name: str, urls: list[tuple[str, str, str]], rounds: int
) -> list[PageCpu]:
    results = []
    for phase, count in (("first", 1), ("later", max(rounds - 1, 1))):
        pages = items = 0
        cpu_before, wall_before = emu.cpu_seconds(), time.perf_counter()
        for _ in range(count):
            for url, key, next_key in urls:
                p, n = _walk(emu, emu.base_url + url, key, next_key)
                pages, items = pages + p, items + n
        cpu = emu.cpu_seconds() - cpu_before
        wall = time.perf_counter() - wall_before
        idle = _idle_cpu(emu, min(wall, 3.0)) * (wall / min(wall, 3.0))
        results.append(PageCpu(name, phase, pages, items, 1000 * max(cpu - idle, 0.0) / pages))
    return results


def profile_urls(emu: ServedEmulator) -> list[str]:
    response = emu.session.get(
        f"{emu.base_url}/v1/CustomerProfiles?PageSize=50", auth=(ACCOUNT, TOKEN), timeout=60
    )
    response.raise_for_status()
    return [p["sid"] for p in response.json()["results"]]


def at_start(fleet: Fleet) -> PageCpu:
    """CPU of encoding the seeded fleet's rows ahead, per 1,000 rows (in process)."""
    with Emulator(seed=fleet.seed()) as emu:
        emu.render_lists()  # warm-up (imports, statement cache); the seed rendered them once
        started = time.process_time()
        rows = emu.render_lists()
        cpu = time.process_time() - started
    return PageCpu("all lists", "at start", -(-rows // PAGE_SIZE), rows, 1e6 * cpu / max(rows, 1))


def run(numbers: int, rounds: int, workdir: Path) -> list[PageCpu]:
    fleet = Fleet(numbers, cnam_profiles=10, business_profiles=max(1, numbers // PAGE_SIZE))
    with serve_fleet(fleet, workdir) as emu:
        numbers_url = (
            f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json?PageSize={PAGE_SIZE}"
        )
        results = _measure(
            emu,
            "IncomingPhoneNumbers",
            [(numbers_url, "incoming_phone_numbers", "next_page_uri")],
            rounds,
        )
        assignments = [
            (
                f"/v1/CustomerProfiles/{sid}/ChannelEndpointAssignments?PageSize={PAGE_SIZE}",
                "results",
                "",
            )
            for sid in profile_urls(emu)
        ]
        results += _measure(emu, "ChannelEndpointAssignments", assignments, rounds)
    return [*results, at_start(fleet)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cnamctl-bench-emulator-"))
    try:
        results = run(args.numbers, args.rounds, workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    for result in results:
        print(result.line())
    served = [r for r in results if r.served]
    return 0 if all(r.cpu_ms_per_page <= BOUND_MS for r in served) else 1


if __name__ == "__main__":
    sys.exit(main())
