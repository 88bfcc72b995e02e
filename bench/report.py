"""Render a benchmark run as docs/benchmarks.md (figures, and the checks that must hold)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.emulator_cpu import BOUND_MS as PAGE_CPU_BOUND_MS
from bench.emulator_cpu import PageCpu
from bench.invariants import Verdict
from bench.manifest_load import ManifestLoad
from bench.scenarios.apply_throughput import ApplyThroughput
from bench.scenarios.faults import MAX_RUNS, FaultConvergence
from bench.scenarios.kill import KillCycle
from bench.scenarios.plan_cpu import PlanCpu
from bench.scenarios.plan_scale import WIDE, NaiveBaseline, PlanAtScale
from bench.scenarios.startup import BOUND_SECONDS as STARTUP_BOUND
from bench.scenarios.startup import Startup
from bench.settings import FAULT_SEED, JITTER_MS, LATENCY_MS, REVIEW_DELAY

ANALYSIS = Path(__file__).with_name("analysis.md")
# The whole `cnamctl plan` process (issue 12): seconds, and ratio to the latency bound.
PROCESS_TARGETS = {10_000: (1.0, 1.8), 100_000: (6.5, 1.3)}
REQUEST_OVERHEAD_TARGET = 0.10
CPU_TARGET_SECONDS = 1.5
RSS_TARGET_MIB = 400.0  # MB in the issue; compared in MB
APPLY_TARGET_RATIO = 1.05


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
    settle: tuple[ApplyThroughput, ApplyThroughput] | None = None  # default --settle, and 0
    faults: list[FaultConvergence] = field(default_factory=list)
    kills: list[KillCycle] = field(default_factory=list)
    startup: list[Startup] = field(default_factory=list)
    manifests: ManifestLoad | None = None
    emulator_cpu: list[PageCpu] = field(default_factory=list)
    load_averages: list[str] = field(default_factory=list)  # at the start and at the end
    seconds: float = 0.0

    def checks(self) -> list[Check]:
        out: list[Check] = []
        for st in self.startup:
            out.append(
                Check(
                    f"{st.name} exits 0 with its output",
                    st.output_ok and set(st.exit_codes) == {0},
                )
            )
        if self.manifests is not None:
            m = self.manifests
            out.append(
                Check(
                    f"loading {m.numbers:,} numbers of manifests: the valid set loads whole, "
                    f"the broken one reports its {m.injected} problems at their lines",
                    not m.failures,
                    "; ".join(m.failures)[:300],
                )
            )
        for p in self.plan:
            out.append(
                Check(
                    f"plan of the {p.fleet.numbers:,} fleet holds the expected changes",
                    p.changes == p.fleet.expected_changes,
                    f"{p.changes} (expected {p.fleet.expected_changes})",
                )
            )
            out.append(
                Check(
                    f"`cnamctl plan` exits 0 on the {p.fleet.numbers:,} fleet",
                    set(p.cli_exits) == {0},
                    ", ".join(map(str, p.cli_exits)),
                )
            )
            out.append(
                Check(
                    f"`cnamctl plan --read-early` exits 0 on the {p.fleet.numbers:,} fleet",
                    set(p.early_exits) == {0},
                    ", ".join(map(str, p.early_exits)),
                )
            )
            out.append(
                Check(
                    f"`cnamctl plan` with {WIDE} requests in flight exits 0 on the "
                    f"{p.fleet.numbers:,} fleet",
                    set(p.wide_exits) == {0},
                    ", ".join(map(str, p.wide_exits)),
                )
            )
            out.append(
                Check(
                    f"{p.fleet.numbers:,} fleet: the sharded read equals the plain read",
                    p.same_as_plain,
                )
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
        for label, b in zip(("default", "0"), self.settle or (), strict=False):
            what = f"apply with --settle {label}"
            out.append(
                Check(
                    f"{what}: every change applied, exit 0",
                    b.exit_code == 0 and b.applied == b.changes == b.fleet.expected_changes,
                    f"{b.applied}/{b.changes}, exit {b.exit_code}",
                )
            )
            out += _verdict_checks(what, b.verdict)
        for f in self.faults:
            what = f"fault rate {f.fault_rate:g}" + _jitter(f.jitter_ms)
            out.append(
                Check(
                    f"{what}: converges within {MAX_RUNS} runs",
                    f.runs_to_converge is not None,
                    f"{f.runs_to_converge} run(s)" if f.runs_to_converge else "",
                )
            )
            out += _verdict_checks(what, f.verdict)
        for i, k in enumerate(self.kills):
            what = f"kill cycle {i}" + _jitter(k.jitter_ms)
            out.append(Check(f"{what}: converges after re-running", k.converged))
            out.append(
                Check(f"{what}: no duplicates right after the kill", not k.duplicates_after_kill)
            )
            out += _verdict_checks(what, k.verdict)
        return out


def _jitter(ms: float) -> str:
    return f", jitter {ms:g} ms" if ms else ""


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
        _summary(run),
        _checks(checks),
        _startup_section(run.startup),
        _manifests_section(run.manifests),
        _emulator_cpu_section(run.emulator_cpu),
        _plan_section(run),
        _cpu_section(run.cpu),
        _apply_section(run.apply),
        _settle_section(run.settle),
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
Load average (1 min) at the start and at the end: {" and ".join(run.load_averages) or "-"}
(a shared machine runs other work too: figures are medians where repeated).
{verdict}

Run it from the repository root with the project's virtualenv:

```console
$ .venv/bin/python -m bench            # full run, rewrites docs/benchmarks.md (~25 minutes)
$ .venv/bin/python -m bench --quick    # smaller fleets, about three minutes
$ .venv/bin/python -m bench.profiling  # py-spy profiles of plan and apply (needs py-spy)
$ .venv/bin/python -m bench.emulator_cpu   # the emulator's CPU per 1,000-item page
$ .venv/bin/python -m bench.manifest_load  # loading 100,000 numbers of manifests
```

How it measures. The emulator runs in its own process (`cnamctl emulator serve`, SQLite
file, localhost), so it never shares cnamctl's interpreter lock; every Twilio request
it serves sleeps {LATENCY_MS:g} ms first. Fleets are generated by `bench/fleet.py`: US
numbers, business profiles (each number already assigned to its profile), CNAM
profiles (a contiguous block of numbers each, display names `FLEET 000`...) and
verified caller IDs, as an emulator seed and the matching manifests. The package's
bytecode is compiled first, as an installed wheel has it. Timings are figures, not
pass/fail; targets are shown beside them. What *is* asserted is
correctness: the plans hold exactly the expected changes, and every scenario that
writes ends converged (the next plan is empty and every number is on its product)
with no duplicate end user, trust product or assignment, counted with plain SDK list
calls independent of cnamctl's reader. The command exits 1 if a check fails."""


def _checks(checks: list[Check]) -> str:
    rows = [(c.name, "ok" if c.ok else "**FAILED**", c.detail) for c in checks]
    return "## Correctness checks\n\n" + _table(("check", "result", "detail"), rows)


def _summary(run: Run) -> str:
    """Issue 12's targets, each figure beside its bound, measured in this run."""
    rows: list[tuple[object, ...]] = []
    for st in run.startup:
        rows.append(
            (
                f"{st.name}, whole process",
                _s(st.median),
                f"{STARTUP_BOUND:g} s",
                f"{st.ratio:.2f}",
                _met(st.median <= STARTUP_BOUND),
            )
        )
    if run.manifests is not None:
        m = run.manifests
        wall = m.median("valid")
        rows.append(
            (
                f"loading and validating {m.numbers:,} numbers of manifests",
                _s(wall),
                f"{m.bound:g} s",
                f"{wall / m.bound:.2f}",
                _met(wall <= m.bound),
            )
        )
    for page in (p for p in run.emulator_cpu if p.served):
        rows.append(
            (
                f"emulator CPU per 1,000-item page, {page.name} ({page.phase})",
                f"{page.cpu_ms_per_page:.1f} ms",
                f"{PAGE_CPU_BOUND_MS:g} ms",
                f"{page.ratio:.2f}",
                _met(page.cpu_ms_per_page <= PAGE_CPU_BOUND_MS),
            )
        )
    for p in run.plan:
        target = PROCESS_TARGETS.get(p.fleet.numbers)
        if target is None:
            continue
        seconds, ratio = target
        got = p.cli_median / p.bound
        rows.append(
            (
                f"`cnamctl plan` process, {p.fleet.numbers:,} numbers",
                _s(p.cli_median),
                f"{seconds:g} s; {ratio:g}x the latency bound ({_s(p.bound)})",
                f"{p.cli_median / seconds:.2f}; {got:.2f}x",
                _met(p.cli_median <= seconds and got <= ratio),
            )
        )
        early = statistics.median(p.early_seconds)
        rows.append(
            (
                f"`cnamctl plan --read-early` process, {p.fleet.numbers:,} numbers",
                _s(early),
                f"{seconds:g} s; {ratio:g}x the latency bound ({_s(p.bound)})",
                f"{early / seconds:.2f}; {early / p.bound:.2f}x",
                _met(early <= seconds and early / p.bound <= ratio),
            )
        )
        rows.append(
            (
                f"its requests, {p.fleet.numbers:,} numbers",
                f"{statistics.median(p.cli_requests):.0f}",
                f"the paging minimum, {p.minimum} (+{REQUEST_OVERHEAD_TARGET:.0%})",
                f"{statistics.median(p.cli_requests) / p.minimum:.2f}",
                _met(
                    statistics.median(p.cli_requests) <= p.minimum * (1 + REQUEST_OVERHEAD_TARGET)
                ),
            )
        )
        rows.append(
            (
                f"its peak RSS, {p.fleet.numbers:,} numbers",
                f"{p.cli_peak_rss_mib * MB_PER_MIB:.0f} MB",
                f"{RSS_TARGET_MIB:g} MB",
                f"{p.cli_peak_rss_mib * MB_PER_MIB / RSS_TARGET_MIB:.2f}",
                _met(p.cli_peak_rss_mib * MB_PER_MIB <= RSS_TARGET_MIB),
            )
        )
        read = statistics.median(p.read_seconds)
        rows.append(
            (
                f"the read alone (sharded), {p.fleet.numbers:,} numbers",
                _s(read),
                f"the latency bound, {_s(p.bound)}",
                f"{read / p.bound:.2f}",
                "below" if read < p.bound else "above",
            )
        )
    if run.apply is not None:
        ratio = run.apply.executor_seconds / run.apply.bound
        rows.append(
            (
                "apply's writes against the rate limit",
                _s(run.apply.executor_seconds),
                f"{APPLY_TARGET_RATIO}x {_s(run.apply.bound)}",
                f"{ratio:.2f}",
                _met(ratio <= APPLY_TARGET_RATIO),
            )
        )
        rows.append(
            (
                "429s met by apply at --max-rps = the emulator's limit (reads and writes)",
                f"{run.apply.rate_limited}",
                "0 (every request paced by the client's limiter)",
                "",
                _met(run.apply.rate_limited == 0),
            )
        )
    if not rows:
        return ""
    return "\n\n".join(
        [
            "## Issue 12's targets in this run",
            "Each figure is described in its section below; ratios are figure / bound.",
            _table(("measure", "figure", "bound", "ratio", ""), rows),
        ]
    )


MB_PER_MIB = 1.048576


def _startup_section(startup: list[Startup]) -> str:
    if not startup:
        return ""
    rows = [
        (
            st.name,
            _spread(st.seconds),
            f"{STARTUP_BOUND:g} s",
            f"{st.ratio:.2f}: {_met(st.median <= STARTUP_BOUND)}",
            len(st.seconds),
        )
        for st in startup
    ]
    return "\n\n".join(
        [
            "## 0. Start-up",
            """`cnamctl --help` and a bash completion call (`_CNAMCTL_COMPLETE=bash_complete`),
each a whole child process, median (min to max). Commands load lazily (`cli/app.py`),
and no command module imports the twilio SDK, pydantic or rich until it runs
(`tests/unit/cli/test_lazy_imports.py`).""",
            _table(("call", "wall", "bound", "ratio", "runs"), rows),
        ]
    )


def _manifests_section(m: ManifestLoad | None) -> str:
    if m is None:
        return ""
    rows = [
        (
            label,
            _spread(tuple(r["wall"] for r in runs)),
            _s(statistics.median(r["cpu"] for r in runs)),
            f"{m.bound:g} s",
            f"{statistics.median(r['wall'] for r in runs) / m.bound:.2f}",
        )
        for label, runs in (("valid", m.valid), (f"with {m.injected} problems", m.broken))
    ]
    return "\n\n".join(
        [
            f"## 0b. Loading and validating {m.numbers:,} numbers of manifests",
            f"""`load_manifests` of the benchmark fleet's manifests (10 business profiles, 100
CNAM profiles, 500 caller IDs, one YAML file per kind), each run in a fresh child
process with the imports done before the clock starts (`bench/manifest_load.py`),
{len(m.valid)} runs, median (min to max). The broken copy holds {m.injected} injected
problems (letter typos, a toll-free number, a number in two profiles, a misspelt key,
a broken YAML file), and must report every one of them at once at its file:line.""",
            _table(("set", "wall", "CPU", "bound", "ratio"), rows),
        ]
    )


def _emulator_cpu_section(pages: list[PageCpu]) -> str:
    if not pages:
        return ""
    rows = [
        (
            p.name,
            p.phase,
            f"{p.cpu_ms_per_page:.2f} ms" + ("" if p.served else " per 1,000 rows"),
            f"{PAGE_CPU_BOUND_MS:g} ms" if p.served else "paid once, before any request",
            f"{p.ratio:.2f}" if p.served else "",
            p.pages,
        )
        for p in pages
    ]
    return "\n\n".join(
        [
            "## 0c. The emulator's own CPU per 1,000-item page",
            """The emulator (`cnamctl emulator serve`, its own process) seeded with a fleet; a
client walks every 1,000-item page of IncomingPhoneNumbers and of each business
profile's ChannelEndpointAssignments (`bench/emulator_cpu.py`). The figure is the
emulator process's CPU (user + system, /proc) per page, less what the idle server
uses over the same time. "First": the first walk after the server started;
"later": the walks after it. The emulator keeps each row's JSON until the row is
written, and encodes the lists' rows when it starts (`Emulator.render_lists`,
`cnamctl/emulator/domain/ahead.py`), before it serves anything: "at start" is that
cost per 1,000 rows, measured in process on the same fleet. It is moved out of the
client's read, not removed; a row written later is encoded again when next listed.""",
            _table(("list", "walk", "CPU per page", "bound", "ratio", "pages"), rows),
        ]
    )


def _plan_section(run: Run) -> str:
    if not run.plan:
        return ""
    fleet = run.plan[0].fleet
    repeats = len(run.plan[0].read_seconds)
    lines = [
        "## 1. Plan at scale (read_snapshot + compute_plan, and the `cnamctl plan` process)",
        f"""Fleets of {", ".join(f"{p.fleet.numbers:,}" for p in run.plan)} numbers with
{fleet.cnam_profiles} CNAM profiles, {fleet.business_profiles} business profiles and
{fleet.caller_ids} caller IDs. State: a mix. Every CNAM product exists, approved with
its declared display name, and holds {fleet.branded:.0%} of its numbers; the other
{1 - fleet.branded:.0%} are to be branded, so each plan holds one ASSIGN_CNAM_NUMBER per
such number and nothing else. The emulator is read once before the figures (it
encodes its rows when it starts, as `bench.emulator_cpu` measures). Each read
uses a fresh SDK client, as a CLI run does; {repeats} repetition(s), median (min to max).

"Latency bound" is issue 12's: the numbers' pages one after another at PageSize
1000, plus one round for the per-object lists, at {LATENCY_MS:g} ms a request.
"Minimum" is the fewest requests paging allows: per collection ceil(n / 1000) pages,
at least one, for the five top-level collections, each business profile's number
assignments and each CNAM product's number and entity assignments. The numbers are
read in shards (`live/shards.py`): the plain first page, then concurrent listings
filtered by `PhoneNumber` patterns; "plain" is the same read with the numbers page by
page, and the check "the sharded read equals the plain read" compares both snapshots
object by object.""",
        _table(
            (
                "numbers",
                "read (sharded)",
                "read / bound",
                "plain read",
                "latency bound",
                "requests",
                "plain requests",
                "minimum",
                "over minimum",
                "diff",
                "cnamctl CPU (read)",
                "emulator CPU (read)",
                "load manifests",
            ),
            [
                (
                    f"{p.fleet.numbers:,}",
                    _spread(p.read_seconds),
                    f"{statistics.median(p.read_seconds) / p.bound:.2f}",
                    _s(p.plain_seconds),
                    _s(p.bound),
                    p.requests,
                    p.plain_requests,
                    p.minimum,
                    f"{p.request_overhead:+.0%}",
                    _spread(p.plan_seconds),
                    _s(statistics.median(p.read_cpu)),
                    _s(statistics.median(p.emulator_cpu)),
                    _s(p.load_seconds),
                )
                for p in run.plan
            ],
        ),
        f"""The whole `cnamctl plan --format json` process (interpreter start-up, imports,
YAML, validation, the read, diff, rendering), {len(run.plan[0].cli_seconds)}
runs, median (min to max); its requests as the emulator counted them, and its own
peak RSS (the largest of all its runs). By default the manifests load before any
request (a bad one makes none); `--read-early` reads the account while they load
(docs/plan-format.md), measured here too, and so is the default with
`CNAMCTL_READ_CONCURRENCY={WIDE}`: {WIDE} requests in flight instead of 32, for an
account whose Twilio concurrency limit allows it (docs/architecture.md).""",
        _table(
            (
                "numbers",
                "`cnamctl plan` process",
                "target",
                "ratio to the latency bound",
                "target ratio",
                "requests",
                "minimum",
                "peak RSS",
                "with `--read-early`",
                "its requests",
                f"{WIDE} in flight",
                "its requests",
            ),
            [
                (
                    f"{p.fleet.numbers:,}",
                    _spread(p.cli_seconds),
                    (
                        f"{PROCESS_TARGETS[p.fleet.numbers][0]:g} s: "
                        f"{_met(p.cli_median <= PROCESS_TARGETS[p.fleet.numbers][0])}"
                    )
                    if p.fleet.numbers in PROCESS_TARGETS
                    else "",
                    f"{p.cli_median / p.bound:.2f}x",
                    (
                        f"{PROCESS_TARGETS[p.fleet.numbers][1]:g}x: "
                        f"{_met(p.cli_median / p.bound <= PROCESS_TARGETS[p.fleet.numbers][1])}"
                    )
                    if p.fleet.numbers in PROCESS_TARGETS
                    else "",
                    ", ".join(map(str, p.cli_requests)),
                    p.minimum,
                    f"{p.cli_peak_rss_mib * MB_PER_MIB:.0f} MB",
                    f"{_spread(p.early_seconds)} ({statistics.median(p.early_seconds) / p.bound:.2f}x)",
                    ", ".join(map(str, p.early_requests)),
                    f"{_spread(p.wide_seconds)} ({statistics.median(p.wide_seconds) / p.bound:.2f}x)",
                    ", ".join(map(str, p.wide_requests)),
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


def _settle_section(settle: tuple[ApplyThroughput, ApplyThroughput] | None) -> str:
    if settle is None:
        return ""
    default, none = settle
    rows = [
        (
            label,
            f"{b.changes:,}",
            _s(b.executor_seconds),
            _s(b.bound),
            f"{b.executor_seconds / b.bound:.2f}x",
            _s(b.wall_seconds),
            f"{b.applied:,} (exit {b.exit_code})",
        )
        for label, b in (("default (2 s)", default), ("0", none))
    ]
    cost = default.executor_seconds - none.executor_seconds
    return "\n\n".join(
        [
            "### 3b. What `--settle` costs",
            f"""The throughput run above creates no product, so apply's `--settle` waits (after
creating a product, and before submitting one: a new write may take that long to show
in Twilio's lists, docs/apply.md) do not arise in it. Here {default.fleet.describe()}
is applied twice on fresh emulators, same limits as above, once with the default
`--settle` and once with `--settle 0`: the waits cost {cost:+.2f} s of writing. The
fault and kill runs below use the default, as users do.""",
            _table(
                (
                    "--settle",
                    "changes",
                    "writing",
                    "rate-limit bound",
                    "ratio",
                    "whole process",
                    "applied",
                ),
                rows,
            ),
        ]
    )


def _faults_section(faults: list[FaultConvergence]) -> str:
    if not faults:
        return ""
    f0 = faults[0]
    rows: list[tuple[object, ...]] = []
    for f in faults:
        for i, r in enumerate(f.runs, 1):
            rows.append(
                (
                    f"{f.fault_rate:g}{_jitter(f.jitter_ms)}" if i == 1 else "",
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
each request with the given probability (seed {FAULT_SEED} + the run's number), among a 500, a reset
connection and commit-then-drop (processed and committed, then the connection dropped),
and adds {LATENCY_MS:g} ms latency (the last run also [0, {JITTER_MS:g}] ms of jitter per request,
so concurrent requests finish in any order, issue 9); reviews approve after
{REVIEW_DELAY:g} s. `cnamctl apply` runs with its defaults (`--settle` 2 s) and
until the next plan is empty and every number is branded (the check runs without
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
            f"{i}{_jitter(k.jitter_ms)}",
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
account converges. Cycles marked with jitter run with [0, {JITTER_MS:g}] ms more per request
(issue 9), so the kill lands among requests finishing in any order. Result: {converged}
of {len(kills)} converged; {duplicates} duplicates.""",
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
