"""Render a benchmark run as docs/benchmarks.md (figures, and the checks that must hold)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.invariants import Verdict
from bench.scenarios.apply_throughput import ApplyThroughput
from bench.scenarios.faults import MAX_RUNS, FaultConvergence
from bench.scenarios.kill import KillCycle
from bench.scenarios.plan_cpu import PlanCpu
from bench.scenarios.plan_scale import NaiveBaseline, PlanAtScale
from bench.settings import FAULT_SEED, LATENCY_MS, REVIEW_DELAY

ANALYSIS = Path(__file__).with_name("analysis.md")
PLAN_TARGET_SECONDS = 3.0  # the 10,000 fleet, read + diff
REQUEST_OVERHEAD_TARGET = 0.10
CPU_TARGET_SECONDS = 1.5
RSS_TARGET_MIB = 400.0
APPLY_TARGET_RATIO = 1.2


@dataclass(frozen=True)
class Check:
    """A correctness property the benchmark asserts (timings are never checks)."""

    name: str
    ok: bool
    detail: str = ""


@dataclass
class Run:
    """Everything one benchmark run measured."""

    machine: dict[str, str]
    quick: bool
    plan: list[PlanAtScale] = field(default_factory=list)
    naive: NaiveBaseline | None = None
    cpu: PlanCpu | None = None
    apply: ApplyThroughput | None = None
    faults: list[FaultConvergence] = field(default_factory=list)
    kills: list[KillCycle] = field(default_factory=list)
    seconds: float = 0.0

    def checks(self) -> list[Check]:
        out: list[Check] = []
        for p in self.plan:
            out.append(
                Check(
                    f"plan of the {p.fleet.numbers:,} fleet holds the expected changes",
                    p.changes == p.fleet.expected_changes,
                    f"{p.changes} (expected {p.fleet.expected_changes})",
                )
            )
            out.append(
                Check(f"`cnamctl plan` exits 0 on the {p.fleet.numbers:,} fleet", p.cli_exit == 0)
            )
        if self.naive is not None:
            out.append(
                Check(
                    "the naive reader and read_snapshot read the same objects",
                    self.naive.same_objects,
                )
            )
        if self.apply is not None:
            a = self.apply
            out.append(
                Check(
                    "apply throughput: every change applied, exit 0",
                    a.exit_code == 0 and a.applied == a.changes == a.fleet.expected_changes,
                    f"{a.applied}/{a.changes}, exit {a.exit_code}",
                )
            )
            out += _verdict_checks("apply throughput", a.verdict)
        for f in self.faults:
            out.append(
                Check(
                    f"fault rate {f.fault_rate:g}: converges within {MAX_RUNS} runs",
                    f.runs_to_converge is not None,
                    f"{f.runs_to_converge} run(s)" if f.runs_to_converge else "",
                )
            )
            out += _verdict_checks(f"fault rate {f.fault_rate:g}", f.verdict)
        for i, k in enumerate(self.kills):
            out.append(Check(f"kill cycle {i}: converges after re-running", k.converged))
            out.append(
                Check(
                    f"kill cycle {i}: no duplicates right after the kill",
                    not k.duplicates_after_kill,
                )
            )
            out += _verdict_checks(f"kill cycle {i}", k.verdict)
        return out


def _verdict_checks(what: str, verdict: Verdict) -> list[Check]:
    found = {k: v for k, v in verdict.duplicates.items() if v}
    return [
        Check(
            f"{what}: next plan empty, every number branded",
            verdict.convergence.converged,
            f"{verdict.convergence.changes} changes, {verdict.convergence.unbranded} unbranded",
        ),
        Check(
            f"{what}: no duplicates", not found, ", ".join(f"{k}: {v}" for k, v in found.items())
        ),
    ]


# --- formatting helpers -----------------------------------------------------------------


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _spread(values: Sequence[float]) -> str:
    if len(values) == 1:
        return _s(values[0])
    return f"{_s(statistics.median(values))} ({min(values):.2f} to {max(values):.2f})"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


# --- sections ----------------------------------------------------------------------------


def render(run: Run) -> str:
    checks = run.checks()
    failed = [c for c in checks if not c.ok]
    parts = [
        _header(run, failed),
        _checks(checks),
        _plan_section(run),
        _cpu_section(run.cpu),
        _apply_section(run.apply),
        _faults_section(run.faults),
        _kill_section(run.kills),
        ANALYSIS.read_text(encoding="utf-8").strip() if ANALYSIS.exists() else "",
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _header(run: Run, failed: list[Check]) -> str:
    m = run.machine
    mode = "quick run: `--quick`, smaller fleets" if run.quick else "full run"
    verdict = (
        "All correctness checks passed."
        if not failed
        else f"**{len(failed)} correctness check(s) FAILED** (see below)."
    )
    return f"""# Benchmarks

Generated by `python -m bench` ({mode}) on {m["date"]}, in {run.seconds / 60:.1f} minutes.
Machine: {m["cores"]} cores, {m["platform"]}; Python {m["python"]}; cnamctl {m["commit"]}.
{verdict}

Run it from the repository root with the project's virtualenv:

```console
$ .venv/bin/python -m bench            # full run, rewrites docs/benchmarks.md (~12 minutes)
$ .venv/bin/python -m bench --quick    # smaller fleets, about two minutes
$ .venv/bin/python -m bench.profiling  # py-spy profiles of plan and apply (needs py-spy)
```

How it measures. The emulator runs in its own process (`cnamctl emulator serve`, SQLite
file, localhost), so it never shares cnamctl's interpreter lock; every Twilio request
it serves sleeps {LATENCY_MS:g} ms first. Fleets are generated by `bench/fleet.py`: US
numbers, business profiles (each number already assigned to its profile), CNAM
profiles (a contiguous block of numbers each, display names `FLEET 000`...) and
verified caller IDs, as an emulator seed and the matching manifests. Timings are
figures, not pass/fail; targets are shown beside them. What *is* asserted is
correctness: the plans hold exactly the expected changes, and every scenario that
writes ends converged (the next plan is empty and every number is on its product)
with no duplicate end user, trust product or assignment, counted with plain SDK list
calls independent of cnamctl's reader. The command exits 1 if a check fails."""


def _checks(checks: list[Check]) -> str:
    rows = [(c.name, "ok" if c.ok else "**FAILED**", c.detail) for c in checks]
    return "## Correctness checks\n\n" + _table(("check", "result", "detail"), rows)


def _plan_section(run: Run) -> str:
    if not run.plan:
        return ""
    fleet = run.plan[0].fleet
    repeats = len(run.plan[0].read_seconds)
    lines = [
        "## 1. Plan at scale (read_snapshot + compute_plan)",
        f"""Fleets of {", ".join(f"{p.fleet.numbers:,}" for p in run.plan)} numbers with
{fleet.cnam_profiles} CNAM profiles, {fleet.business_profiles} business profiles and
{fleet.caller_ids} caller IDs. State: a mix. Every CNAM product exists, approved with
its declared display name, and holds {fleet.branded:.0%} of its numbers; the other
{1 - fleet.branded:.0%} are to be branded, so each plan holds one ASSIGN_CNAM_NUMBER per
such number and nothing else. Each read uses a fresh SDK client, as a CLI run does;
{repeats} repetition(s), median (min to max). "Minimum" is the fewest requests paging
allows: per collection ceil(n / 1000) pages, at least one, for the five top-level
collections, each business profile's number assignments and each CNAM product's
number and entity assignments. Manifests are loaded once from YAML and not counted
in read + diff; the last column is the whole `cnamctl plan --format json` process
(interpreter start-up, YAML, validation, read, diff, rendering).""",
        _table(
            (
                "numbers",
                "read",
                "diff",
                "read + diff",
                "target",
                "requests",
                "minimum",
                "over minimum",
                "cnamctl CPU (read)",
                "emulator CPU (read)",
                "load manifests",
                "`cnamctl plan` process",
            ),
            [
                (
                    f"{p.fleet.numbers:,}",
                    _spread(p.read_seconds),
                    _spread(p.plan_seconds),
                    _spread(p.total_seconds),
                    f"< {PLAN_TARGET_SECONDS:g} s: {_met(p.median_total < PLAN_TARGET_SECONDS)}"
                    if p.fleet.numbers >= 10_000
                    else "",
                    p.requests,
                    p.minimum,
                    f"{p.request_overhead:+.0%}: {_met(p.request_overhead <= REQUEST_OVERHEAD_TARGET)}",
                    _s(statistics.median(p.read_cpu)),
                    _s(statistics.median(p.emulator_cpu)),
                    _s(p.load_seconds),
                    _s(p.cli_seconds),
                )
                for p in run.plan
            ],
        ),
    ]
    if run.naive is not None:
        n = run.naive
        lines += [
            f"""**Naive baseline**, measured in this run on the {n.fleet.numbers:,}-number fleet
(`bench/naive.py`): the same SDK client, listing each collection at the SDK's default
page size to learn the SIDs, then one `fetch()` per number, caller ID, business
profile, trust product, end user and assignment, sequentially.""",
            _table(
                ("reader", "wall", "requests", "objects read"),
                [
                    (
                        "naive, sequential",
                        _s(n.naive.seconds),
                        n.naive.requests,
                        sum(n.naive.objects.values()),
                    ),
                    (
                        "`read_snapshot`",
                        _s(n.cnamctl_seconds),
                        n.cnamctl_requests,
                        sum(n.naive.objects.values()) if n.same_objects else "differs",
                    ),
                    (
                        "ratio (naive / cnamctl)",
                        f"{n.naive.seconds / n.cnamctl_seconds:.0f}x",
                        f"{n.naive.requests / n.cnamctl_requests:.1f}x",
                        "",
                    ),
                ],
            ),
        ]
    return "\n\n".join(lines)


def _cpu_section(cpu: PlanCpu | None) -> str:
    if cpu is None:
        return ""
    f = cpu.fleet
    return "\n\n".join(
        [
            f"## 2. Plan CPU and memory without network ({f.numbers:,} numbers)",
            f"""The Snapshot and the ManifestSet are built in memory (`Fleet.snapshot()`, and
`model_construct` for the manifests, so no validation), {f.cnam_profiles} CNAM
profiles, {f.business_profiles} business profiles, {f.caller_ids} caller IDs, the same
mix as above ({cpu.changes:,} changes). Each figure comes from its own child process,
so RSS is clean; peak RSS is `getrusage` of that process (inputs included), the traced
peak is tracemalloc around `compute_plan` alone (a separate run). Building the
manifests with validation, and loading them from YAML, are measured too, because
`cnamctl plan` pays for them before it diffs anything.""",
            _table(
                ("measure", "value", "target"),
                [
                    (
                        "`compute_plan` CPU",
                        _s(cpu.plan_cpu),
                        f"< {CPU_TARGET_SECONDS:g} s: {_met(cpu.plan_cpu < CPU_TARGET_SECONDS)}",
                    ),
                    ("`compute_plan` wall", _s(cpu.plan_wall), ""),
                    (
                        "peak RSS of the plan process",
                        f"{cpu.peak_rss_mib:.0f} MiB",
                        f"< {RSS_TARGET_MIB:g} MB: {_met(cpu.peak_rss_mib * 1.048576 < RSS_TARGET_MIB)}",
                    ),
                    (
                        "RSS with the inputs built, before planning",
                        f"{cpu.rss_inputs_mib:.0f} MiB",
                        "",
                    ),
                    (
                        "memory `compute_plan` allocates (traced peak)",
                        f"{cpu.plan_traced_mib:.0f} MiB",
                        "",
                    ),
                    ("ManifestSet from validated models, no YAML (CPU)", _s(cpu.models_cpu), ""),
                    ("`load_manifests` of the YAML files (CPU)", _s(cpu.yaml_cpu), ""),
                    (
                        "peak RSS of the YAML-loading process",
                        f"{cpu.yaml_peak_rss_mib:.0f} MiB",
                        "",
                    ),
                ],
            ),
        ]
    )


def _apply_section(a: ApplyThroughput | None) -> str:
    if a is None:
        return ""
    ratio = a.executor_seconds / a.bound
    return "\n\n".join(
        [
            "## 3. Apply throughput",
            f"""{a.fleet.describe()}: every CNAM product exists, no number is branded yet, so
the plan is {a.changes:,} ASSIGN_CNAM_NUMBER changes. Emulator: {LATENCY_MS:g} ms latency,
rate limit {a.rate_limit:g} requests/s (429 with Retry-After above it). `cnamctl apply
--auto-approve --format json` with its defaults (concurrency 16, client limit 50
requests/s). The bound is {a.changes:,} / {a.rate_limit:g} = {a.bound:.0f} s of writing; the
whole process also starts Python, loads the manifests and reads the account (whose
{a.requests.get("GET", 0)} GETs meet the same rate limit).""",
            _table(
                ("measure", "value"),
                [
                    (
                        "writing (the result's `seconds`)",
                        f"{_s(a.executor_seconds)}: {ratio:.2f}x the bound, target <= {APPLY_TARGET_RATIO}x: {_met(ratio <= APPLY_TARGET_RATIO)}",
                    ),
                    (
                        "whole `cnamctl apply` process",
                        f"{_s(a.wall_seconds)} ({a.wall_seconds / a.bound:.2f}x the bound)",
                    ),
                    ("changes applied", f"{a.applied:,} of {a.changes:,} (exit {a.exit_code})"),
                    ("429s sent by the emulator", a.rate_limited),
                    ("429s met by the writes (the result's `throttled`)", a.throttled),
                    ("write retries (the result's `retries`)", a.retries),
                    (
                        "requests by method (emulator)",
                        ", ".join(f"{m} {n}" for m, n in sorted(a.requests.items())),
                    ),
                ],
            ),
        ]
    )


def _faults_section(faults: list[FaultConvergence]) -> str:
    if not faults:
        return ""
    f0 = faults[0]
    rows = []
    for f in faults:
        for i, r in enumerate(f.runs, 1):
            rows.append(
                (
                    f"{f.fault_rate:g}" if i == 1 else "",
                    f"{f.planned:,}" if i == 1 else "",
                    i,
                    r.exit_code,
                    f"{r.applied:,}/{r.changes:,}",
                    r.retries,
                    r.read_backs,
                    ", ".join(f"{k} {v}" for k, v in r.faults.items()),
                    f"{r.requests:,}",
                    _s(r.seconds),
                )
            )
        dups = sum(f.verdict.duplicates.values())
        rows.append(
            (
                "",
                "",
                f"**converged after {f.runs_to_converge} run(s)**"
                if f.runs_to_converge
                else f"**not converged in {MAX_RUNS}**",
                "",
                "",
                "",
                "",
                f"{f.faults} faults in all",
                f"{f.requests:,} in all",
                f"duplicates: {dups}",
            )
        )
    return "\n\n".join(
        [
            "## 4. Convergence under faults",
            f"""{f0.planned:,}-change applies on {f0.fleet.describe()}. A missing
product is five changes (create end user, create product, two
entity assignments, submit); every number is one assignment. The emulator draws a fault for
each request with the given probability (seed {FAULT_SEED}), among a 500, a reset
connection and commit-then-drop (processed and committed, then the connection dropped),
and adds {LATENCY_MS:g} ms latency; reviews approve after {REVIEW_DELAY:g} s. `cnamctl apply`
runs until the next plan is empty and every number is branded (the check runs without
faults); then duplicates are counted. Requests are the emulator's count, including
the read before each apply and the read-backs.""",
            _table(
                (
                    "fault rate",
                    "planned",
                    "run",
                    "exit",
                    "applied",
                    "retries",
                    "read-backs",
                    "faults injected",
                    "requests",
                    "time",
                ),
                rows,
            ),
        ]
    )


def _kill_section(kills: list[KillCycle]) -> str:
    if not kills:
        return ""
    rows = [
        (
            i,
            k.target_writes,
            k.writes_at_kill if k.killed else f"finished first ({k.writes_at_kill})",
            k.duplicates_after_kill,
            k.reruns,
            ", ".join(str(c) for c in k.rerun_exit_codes),
            "yes" if k.converged else "**no**",
            sum(k.verdict.duplicates.values()),
        )
        for i, k in enumerate(kills)
    ]
    fleet = kills[0].fleet
    converged = sum(k.converged for k in kills)
    duplicates = sum(sum(k.verdict.duplicates.values()) + k.duplicates_after_kill for k in kills)
    return "\n\n".join(
        [
            "## 5. Kill test",
            f"""{len(kills)} cycles. Each seeds a fresh emulator ({LATENCY_MS:g} ms latency) with
{fleet.describe()}, starts `cnamctl apply` as a child process and
sends it SIGKILL once the emulator has committed a random number of writes (even
cycles: among the creations and entity assignments, where a lost answer could turn
into a duplicate; odd cycles: anywhere). `cnamctl apply` is then re-run until the
account converges. Result: {converged} of {len(kills)} converged; {duplicates} duplicates.""",
            _table(
                (
                    "cycle",
                    "kill after writes",
                    "writes at kill",
                    "duplicates after kill",
                    "re-runs",
                    "re-run exit codes",
                    "converged",
                    "duplicates at the end",
                ),
                rows,
            ),
        ]
    )
