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
another process. The first round is reported apart ("cold": each row rendered for
the first time); the bound applies to the later ones ("warm": what every read
after the first costs, since the emulator keeps rendered rows until they change).
Prints, per list, each figure, the bound and their ratio, and exits 1 when a warm
figure is above its bound.
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

BOUND_MS = 10.0
PAGE_SIZE = 1000


@dataclass(frozen=True)
class PageCpu:
    name: str
    phase: str  # cold | warm
    pages: int
    items: int
    cpu_ms_per_page: float

    @property
    def ratio(self) -> float:
        return self.cpu_ms_per_page / BOUND_MS

    def line(self) -> str:
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
    for phase, count in (("cold", 1), ("warm", max(rounds - 1, 1))):
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
    return results


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
    warm = [r for r in results if r.phase == "warm"]
    return 0 if all(r.cpu_ms_per_page <= BOUND_MS for r in warm) else 1


if __name__ == "__main__":
    sys.exit(main())
