"""Scenario: many accounts in one ``cnamctl apply``, one after another or at once.

An ISV's parent account holds ``accounts`` subaccounts (50 by default); each has an
approved business profile with ``numbers`` numbers and an approved CNAM product
with none of them branded yet, so each account's plan is ``numbers``
ASSIGN_CNAM_NUMBER changes. The manifests are one directory per subaccount (its
Account document and its CNAM profile); the parent's credentials act on every
subaccount. ``cnamctl apply`` runs as a child process against the emulator in a
process of its own (a fresh one per run), with ``--max-rps R`` and
``--accounts-concurrency K`` for K from 1 (sequential) to all accounts at once.

The bound is the rate limit, per account: every request of an account, the
reads of its snapshot as well as its writes, goes through that account's own
limiter at R requests per second (Twilio limits each account apart), so an account
with Q requests needs at least ``(Q - burst) / R`` seconds. One after another the
bound is the **sum** over the accounts; K at a time it is ``max(largest, sum / K)``,
and with every account at once the **largest** (the accounts are alike, so the
``max`` over accounts). The emulator's own rate limit is off: it is one bucket for
the whole server, where Twilio's limits are per account. The reported ratio is
wall time over bound, for the whole process (start-up, manifests, planning
included) and for the apply phase alone (the accounts' executor time).

Correctness, checked on every run: exit 0, every change applied, and afterwards a
plan of the whole tree is empty.

Run it alone: ``python -m bench.scenarios.many_accounts [--quick] [--accounts N]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from bench.cli import CNAMCTL, CliRun, run
from bench.fleet import APPROVED, us_numbers
from bench.served import ServedEmulator, serve_fleet
from bench.settings import LATENCY_MS
from cnamctl.twilio.ratelimit import RateLimiter

PARENT = "AC" + "e" * 32
PARENT_TOKEN = "bench-parent-token"
TOKEN_PATH = "GET /2010-04-01/Accounts/{Sid}.json"  # the parent reading a subaccount's token


@dataclass(frozen=True)
class Accounts:
    """The subaccounts of the benchmark: the emulator seed and the manifest tree."""

    count: int
    numbers: int  # per account, all to brand

    def sid(self, i: int) -> str:
        return f"AC{i + 1:032x}"

    def name(self, i: int) -> str:
        return f"customer-{i:03d}"

    @cached_property
    def _all_numbers(self) -> list[str]:
        return us_numbers("+1415", self.count * self.numbers)

    def numbers_of(self, i: int) -> list[str]:
        return self._all_numbers[i * self.numbers : (i + 1) * self.numbers]

    @property
    def changes(self) -> int:
        return self.count * self.numbers

    def seed(self) -> dict[str, Any]:
        subs = []
        for i in range(self.count):
            numbers = self.numbers_of(i)
            company = f"Customer {i:03d}"
            subs.append(
                {
                    "sid": self.sid(i),
                    "auth_token": f"bench-sub-token-{i}",
                    "owner_account_sid": PARENT,
                    "incoming_numbers": numbers,
                    "business_profiles": [
                        {"friendly_name": company, "status": APPROVED, "phone_numbers": numbers}
                    ],
                    "trust_products": [
                        {
                            "friendly_name": "brand",
                            "email": "trust@customer.example",
                            "status": APPROVED,
                            "business_profile": company,
                            "display_name": f"CUSTOMER {i:03d}",
                            "phone_numbers": [],
                        }
                    ],
                }
            )
        return {"accounts": [{"sid": PARENT, "auth_token": PARENT_TOKEN}, *subs]}

    def write_seed(self, path: Path) -> Path:
        """What ``serve_fleet`` seeds the emulator from."""
        path.write_text(yaml.safe_dump(self.seed(), sort_keys=False), encoding="utf-8")
        return path

    def write_manifests(self, root: Path) -> Path:
        for i in range(self.count):
            directory = root / "customers" / self.name(i)
            directory.mkdir(parents=True, exist_ok=True)
            (directory / "account.yaml").write_text(
                f"apiVersion: cnamctl/v1\nkind: Account\nname: {self.name(i)}\n"
                f"sid: {self.sid(i)}\n",
                encoding="utf-8",
            )
            listed = ", ".join(f'"{n}"' for n in self.numbers_of(i))
            (directory / "cnam.yaml").write_text(
                textwrap.dedent(
                    f"""\
                    apiVersion: cnamctl/v1
                    kind: BusinessProfile
                    name: main
                    friendlyName: Customer {i:03d}
                    ---
                    apiVersion: cnamctl/v1
                    kind: CnamProfile
                    name: brand
                    businessProfile: main
                    displayName: CUSTOMER {i:03d}
                    email: trust@customer.example
                    phoneNumbers: [{listed}]
                    """
                ),
                encoding="utf-8",
            )
        return root


@dataclass(frozen=True)
class AccountsRun:
    """One ``cnamctl apply`` of every account, ``at_once`` at a time."""

    at_once: int
    exit_code: int
    wall_seconds: float  # the whole process
    cpu_seconds: float  # user + system time of the cnamctl process
    emulator_cpu_seconds: float  # the emulator's, during the apply
    executor_seconds: list[float]  # each account's apply phase, as its result says
    applied: int
    accounts_ok: int
    paced_requests: int  # through the accounts' own limiters (token reads excluded)
    token_reads: int
    converged: bool

    def bound(self, accounts: int, rate: float) -> float:
        """Seconds the paced requests take at exactly ``rate`` per account."""
        per_account = self.paced_requests / accounts
        one = max(0.0, per_account - RateLimiter(rate).burst) / rate
        rounds = math.ceil(accounts / self.at_once)  # equal accounts, at_once at a time
        return one * rounds


@dataclass
class ManyAccounts:
    accounts: Accounts
    rate: float  # --max-rps: each account's own limit
    latency_ms: float
    startup_seconds: float = 0.0  # `cnamctl --version`: a process that does nothing
    runs: list[AccountsRun] = field(default_factory=list)

    def checks(self) -> list[tuple[str, bool, str]]:
        out = []
        for r in self.runs:
            out.append(
                (
                    f"{r.at_once} at a time: exit 0, every change applied, every account ok",
                    r.exit_code == 0
                    and r.applied == self.accounts.changes
                    and r.accounts_ok == self.accounts.count,
                    f"exit {r.exit_code}, {r.applied}/{self.accounts.changes} applied, "
                    f"{r.accounts_ok}/{self.accounts.count} accounts",
                )
            )
            out.append((f"{r.at_once} at a time: next plan empty", r.converged, ""))
        return out

    def render(self) -> str:
        a = self.accounts
        lines = [
            f"{a.count} subaccounts, {a.numbers} numbers each to brand ({a.changes} changes), "
            f"`--max-rps {self.rate:g}` per account, emulator latency {self.latency_ms:g} ms, "
            "no server-side rate limit. A `cnamctl` process that does nothing takes "
            f"{self.startup_seconds:.1f} s here.",
            "",
            "| accounts at once | wall time | bound | wall / bound | CPU: cnamctl | CPU: emulator "
            "| requests per account |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in self.runs:
            bound = r.bound(a.count, self.rate)
            lines.append(
                f"| {r.at_once} | {r.wall_seconds:.1f} s | {bound:.1f} s | "
                f"{r.wall_seconds / bound:.2f}x | {r.cpu_seconds:.1f} s | "
                f"{r.emulator_cpu_seconds:.1f} s | {r.paced_requests / a.count:.1f} |"
            )
        first, last = self.runs[0], self.runs[-1]
        lines += [
            "",
            f"Sequential over all at once: {first.wall_seconds / last.wall_seconds:.1f}x faster "
            f"at once (the bound: {first.bound(a.count, self.rate) / last.bound(a.count, self.rate):.0f}x).",
            "",
            "Checks:",
        ]
        lines += [
            f"- {'ok' if ok else 'FAILED'}: {name} {detail}".rstrip()
            for name, ok, detail in self.checks()
        ]
        return "\n".join(lines) + "\n"


def many_accounts(
    accounts: Accounts, *, rate: float, at_once: list[int], workdir: Path
) -> ManyAccounts:
    manifests = accounts.write_manifests(workdir / "manifests")
    result = ManyAccounts(accounts, rate, LATENCY_MS)
    result.startup_seconds = min(
        run([*CNAMCTL, "--version"], dict(os.environ)).seconds for _ in range(3)
    )
    for k in at_once:
        with _served(accounts, workdir / f"k{k}") as emulator:
            result.runs.append(_apply(accounts, manifests, emulator, rate, k))
    return result


@contextmanager
def _served(accounts: Accounts, workdir: Path) -> Iterator[ServedEmulator]:
    """``serve_fleet`` seeds from anything with ``write_seed``: these accounts."""
    with serve_fleet(accounts, workdir, latency_ms=LATENCY_MS) as emulator:  # type: ignore[arg-type]
        yield emulator


def _env(emulator: ServedEmulator) -> dict[str, str]:
    return {
        **os.environ,
        "TWILIO_ACCOUNT_SID": PARENT,
        "TWILIO_AUTH_TOKEN": PARENT_TOKEN,
        "TWILIO_API_KEY": "",
        "TWILIO_API_SECRET": "",
        "CNAMCTL_API_URL": emulator.base_url,
        "NO_COLOR": "1",
    }


def _apply(
    accounts: Accounts, manifests: Path, emulator: ServedEmulator, rate: float, at_once: int
) -> AccountsRun:
    env = _env(emulator)
    command = [
        *CNAMCTL,
        "apply",
        "--auto-approve",
        "--format",
        "json",
        "--max-rps",
        f"{rate:g}",
        "--accounts-concurrency",
        str(at_once),
        str(manifests),
    ]
    emulator.reset_stats()
    emulator_before = emulator.cpu_seconds()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done: CliRun = run(command, env, timeout=3600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    emulator_cpu = emulator.cpu_seconds() - emulator_before
    stats = emulator.stats()
    total = sum(int(n) for n in stats["requests"].values())
    tokens = int(stats["requests"].get(TOKEN_PATH, 0))
    doc = done.document()
    results = [a.get("result") or {} for a in doc.get("accounts", [])]
    plan = run([*CNAMCTL, "plan", "--detailed-exitcode", str(manifests)], env)
    seconds = [float(r.get("seconds", 0.0)) for r in results]
    return AccountsRun(
        at_once=at_once,
        exit_code=done.exit_code,
        wall_seconds=done.seconds,
        cpu_seconds=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        emulator_cpu_seconds=emulator_cpu,
        executor_seconds=seconds,
        applied=sum(int(r.get("summary", {}).get("applied", 0)) for r in results),
        accounts_ok=sum(1 for a in doc.get("accounts", []) if a.get("error") is None),
        paced_requests=total - tokens,
        token_reads=tokens,
        converged=plan.exit_code == 0,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scenarios.many_accounts")
    parser.add_argument("--quick", action="store_true", help="fewer numbers, a faster limit")
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--numbers", type=int, help="per account (default 10; --quick 3)")
    parser.add_argument("--rate", type=float, help="--max-rps per account (default 5; --quick 10)")
    parser.add_argument(
        "--at-once", type=int, nargs="+", help="accounts at once per run (default: 1 4 16 N)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    accounts = Accounts(args.accounts, args.numbers or (3 if args.quick else 10))
    rate = args.rate or (10.0 if args.quick else 5.0)
    at_once = args.at_once or sorted(
        {n for n in (1, 4, 16) if n < accounts.count} | {accounts.count}
    )
    with tempfile.TemporaryDirectory(prefix="cnamctl-bench-accounts-") as tmp:
        started = time.perf_counter()
        result = many_accounts(accounts, rate=rate, at_once=at_once, workdir=Path(tmp))
        print(result.render(), end="", flush=True)
        print(f"({time.perf_counter() - started:.0f} s in all)", file=sys.stderr)
    if args.json:
        figures = {
            "accounts": accounts.count,
            "numbers": accounts.numbers,
            "rate": rate,
            "runs": [{**r.__dict__, "bound": r.bound(accounts.count, rate)} for r in result.runs],
        }
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if all(ok for _, ok, _ in result.checks()) else 1


if __name__ == "__main__":
    sys.exit(main())
