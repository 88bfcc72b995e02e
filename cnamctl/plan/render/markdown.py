"""The plan as a pull-request comment (GitHub-flavoured Markdown).

Read top to bottom, a reviewer meets: the headline; the safety verdict (what
apply will refuse without --force, what vetting is thrown away); one line per
object, grouped by business profile, saying in words what happens to it; the
notices about undeclared objects, summarised by kind; then, collapsed, each
object's API steps in a ``diff`` block (with the full number lists); and the
count of changes per action.

A comment has room for 65,536 characters. The parts are given room in order of
importance (headline, verdict and counts always; then the objects; then the
notices; then the steps; then number lists), and whatever is left out is said,
so a 10,000-number plan still shows every profile's summary.

Values from manifests and servers cannot break out: they are made inert and
sit in code spans or code blocks whose fences are longer than any backtick run
inside; notice text is escaped, ``@`` cannot mention anyone, and the HTML of
``<summary>`` is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from cnamctl.plan.model import Plan
from cnamctl.plan.render.layout import WIDTH, relative_location
from cnamctl.plan.render.lines import step_lines
from cnamctl.plan.render.rows import LIST_NUMBERS_UP_TO, Phrase, Value, numbers_summary
from cnamctl.plan.render.stack import stack_lines
from cnamctl.plan.render.view import (
    Block,
    NoticeGroup,
    PlanView,
    Step,
    ViewOptions,
    build_view,
    by_action,
    by_resource,
)
from cnamctl.text import inert, shorten

GITHUB_COMMENT_LIMIT = 65_536
# Room for a marker or a footer a CI script may add around the rendered plan.
MAX_CHARS = GITHUB_COMMENT_LIMIT - 1_536
MAX_VALUE = 200  # a value in prose is shortened to this; code blocks wrap instead
MAX_VETTING_LISTED = 20
_SLACK = 400  # the notes saying what was left out

# GitHub's diff highlighting knows "+", "-" and "!" (changed); "~" and "->" would be plain.
DIFF_MARKERS = {"+": "+", "-": "-", "~": "!", "->": "!"}
_ESCAPED = re.compile(r"([\\`*_\[\]<|~&#])")  # ">" quotes only at a line's start
_MENTION = re.compile(r"@(?=\w)")


def render_markdown(
    plan: Plan, *, max_chars: int = MAX_CHARS, options: ViewOptions | None = None
) -> str:
    return draw(build_view(plan, options), max_chars=max_chars)


@dataclass(frozen=True)
class _Part:
    items: list[str]
    noun: str  # what an item is, for the note on what was left out


def draw(view: PlanView, *, max_chars: int = MAX_CHARS) -> str:
    head = _head(view)
    verdict = _verdict(view)
    counts = _counts(view)
    overview = _overview(view)
    notices = _notices(view)
    blocks = [b for s in by_resource(view, view.shown_blocks) for b in s.blocks if b.steps]
    room = max_chars - _cost(head + verdict + counts) - _SLACK
    kept_overview = _fit(overview.items, room - min(_cost(notices.items), room // 4))
    room -= _cost(kept_overview)
    kept_notices = _fit(notices.items, room)
    room -= _cost(kept_notices)
    steps: list[str] = []
    for block in blocks:  # every block's steps first, then number lists where room is left
        text = _details(block, view)
        if len(text) + 2 > room:
            break
        steps.append(text)
        room -= len(text) + 2
    listed = [s for b in blocks[: len(steps)] for s in b.steps if _listed(s)]
    if listed:  # the room left, shared by the number lists
        share = room // len(listed)
        for i, block in enumerate(blocks[: len(steps)]):
            steps[i] = _details(block, view, numbers=share)
    parts = [*head, *verdict]
    parts += _kept(kept_overview, overview, "\n\n")
    if notices.items:
        parts.append("### Notices")
        parts += _kept(kept_notices, notices, "\n")
    if blocks:
        parts.append("### API steps")
        parts += _kept(steps, _Part([""] * len(blocks), "object's steps"), "\n\n")
    parts += counts
    return "\n\n".join(p for p in parts if p) + "\n"


def _kept(kept: list[str], part: _Part, joiner: str) -> list[str]:
    """What was kept of a part, and a note on what was left out."""
    out = [joiner.join(kept)]
    if len(part.items) > len(kept):
        out.append(_left_out(len(part.items) - len(kept), part.noun))
    return out


# --- the parts -------------------------------------------------------------------------


def _head(view: PlanView) -> list[str]:
    return [
        "## cnamctl plan",
        f"**{_escape(view.headline)}** Account {inline_code(view.account_sid)}.",
    ]


def _verdict(view: PlanView) -> list[str]:
    verdict = view.verdict
    out = []
    if verdict.refusals:
        lines = ["> **apply will refuse this without `--force`:**"]
        lines += [f"> - {_escape(c.message)}" for c in verdict.refusals]
        lines.append("> ")
        lines.append("> Thresholds: `Settings.safety` in the manifests.")
        out.append("\n".join(lines))
    if verdict.vetting:
        lines = ["> **This plan discards Twilio vetting:**"]
        listed = verdict.vetting[:MAX_VETTING_LISTED]
        lines += [f"> - {_escape(v.what)}; cost: {_escape(v.cost)}" for v in listed]
        if len(verdict.vetting) > len(listed):
            lines.append(f"> - and {len(verdict.vetting) - len(listed)} more")
        out.append("\n".join(lines))
    return out


def _overview(view: PlanView) -> _Part:
    items: list[str] = []
    for section in by_resource(view, view.shown_blocks):
        lines = [f"### {_phrase(section.title)}", ""]
        for block in section.blocks:
            lines.append(_block_item(block))
        if section.stack is not None:
            stack = stack_lines(section.stack, _clean, width=WIDTH, full=view.options.full)
            fence = _fence(stack)
            lines += ["", f"{fence}text", *stack, fence]
        items.append("\n".join(lines))
    if view.quiet_left_out:
        items.append(f"_{view.quiet_left_out} more objects unchanged._")
    return _Part(items, "object group")


def _block_item(block: Block) -> str:
    where = f" · {inline_code(block.location)}" if block.location else ""
    line = f"- `{block.symbol}` **{_phrase(block.title)}**: {_phrase(block.summary)}{where}"
    subs = []
    for notice in block.notices:
        loc = relative_location(notice.location, block.location)
        at = f" ({_where(loc)})" if loc else ""
        numbers = f" {inline_code(numbers_summary(notice.numbers))}" if notice.numbers else ""
        subs.append(f"  - **{notice.level.value}**: {_escape(notice.text)}{numbers}{at}")
    subs += [f"  - **not as declared**: {_escape(d.message)}" for d in block.drift]
    return "\n".join([line, *subs])


def _where(location: str) -> str:
    """``line 12`` as words, a path as code."""
    return location if location.startswith("line ") else inline_code(location)


def _notices(view: PlanView) -> _Part:
    items = []
    for group in view.notice_groups:
        items.append(_group_item(group, view.options.full))
    return _Part(items, "notice")


def _group_item(group: NoticeGroup, full: bool) -> str:
    if not group.summarised:
        notice = group.rows[0]
        where = f" at {inline_code(notice.location)}" if notice.location else ""
        return f"- **{group.level.value}** {inline_code(notice.address)}{where}: {_escape(notice.text)}"
    line = f"- **{group.level.value}** {_escape(group.advice)}"
    if not full:
        return line
    subs = [f"  - {_escape(n.message)}" for n in group.rows]
    return "\n".join([line, *subs])


def _counts(view: PlanView) -> list[str]:
    if not view.has_changes:
        return []
    lines = ["| Action | Changes |", "| :-- | --: |"]
    lines += [f"| `{g.action.value}` | {len(g.rows)} |" for g in by_action(view)]
    lines.append(f"| **Total** | **{len(view.rows)}** |")
    table = "\n".join(lines)
    return [f"<details><summary>Changes by action</summary>\n\n{table}\n\n</details>"]


def _details(block: Block, view: PlanView, *, numbers: int = 0) -> str:
    """A block's steps in a collapsed diff block; with ``numbers`` (characters per
    list), the full lists of its steps on many numbers, as much as fits."""
    lines = [
        f"{DIFF_MARKERS[line.symbol]} {line.body}"
        for line in step_lines(block, _clean, width=WIDTH - 2)
    ]
    fence = _fence(lines)
    steps = len(block.steps)
    summary = (
        f"<code>{_html(block.symbol)}</code> {_html(_phrase_plain(block.title))}: "
        f"{steps} API step{'s' if steps != 1 else ''}"
    )
    text = "\n".join([f"<details><summary>{summary}</summary>", "", f"{fence}diff", *lines, fence])
    if numbers:
        for step in block.steps:
            listing = _number_list(step, numbers) if _listed(step) else ""
            if listing:
                text += "\n\n" + listing
    return text + "\n\n</details>"


def _listed(step: Step) -> bool:
    """Steps on more numbers than their line lists get the full list."""
    return len(step.numbers) > LIST_NUMBERS_UP_TO


NUMBERS_PER_LINE = 7  # 7 E.164 numbers and spaces fit 100 columns


def _number_list(step: Step, room: int) -> str:
    header = (
        f"All {len(step.numbers):,} numbers of `{step.action.value}` on {inline_code(step.part)}:"
    )
    numbers = [_clean(n) for n in step.numbers]
    rows = [
        " ".join(numbers[i : i + NUMBERS_PER_LINE])
        for i in range(0, len(numbers), NUMBERS_PER_LINE)
    ]
    kept = _fit(rows, room - len(header) - 160)
    if not kept:
        return ""
    more = len(numbers) - min(len(numbers), len(kept) * NUMBERS_PER_LINE)
    tail = (
        f"\n\n_{more:,} more not shown here; `cnamctl plan --format json` lists them all._"
        if more
        else ""
    )
    fence = _fence(kept)
    return f"{header}\n\n{fence}text\n" + "\n".join(kept) + f"\n{fence}" + tail


# --- fitting ---------------------------------------------------------------------------


def _left_out(count: int, noun: str) -> str:
    plural = noun if count == 1 else noun + "s"
    if noun == "object's steps":
        plural = noun if count == 1 else "objects' steps"
    return (
        f"_{count:,} more {plural} not shown: the full plan does not fit in one comment "
        f"(GitHub allows {GITHUB_COMMENT_LIMIT:,} characters). "
        "Run `cnamctl plan` or see the job log for all of it._"
    )


def _fit(items: list[str], room: int) -> list[str]:
    """The longest prefix of ``items`` that fits in ``room`` characters (with newlines)."""
    used = 0
    for i, item in enumerate(items):
        used += len(item) + 1
        if used > room:
            return items[:i]
    return items


def _cost(items: list[str]) -> int:
    return sum(len(item) + 2 for item in items)


# --- making values safe ------------------------------------------------------------------


def _clean(text: str) -> str:
    return inert(text, keep_lines=False)


def _fence(lines: list[str]) -> str:
    """A code fence longer than any run of backticks inside the block."""
    longest = max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
    return "`" * max(3, longest + 1)


def inline_code(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    text = _clean(shorten(text, MAX_VALUE))
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _escape(text: str) -> str:
    """Plain text that Markdown and HTML leave as written, on one line, mentioning
    no one (a zero-width space after ``@``)."""
    flat = _clean(" ".join(text.splitlines()))
    return _MENTION.sub("@&#8203;", _ESCAPED.sub(r"\\\1", flat))


def _html(text: str) -> str:
    """Text inside an HTML element (``<summary>``): escaped, mentioning no one."""
    return _MENTION.sub("@&#8203;", html.escape(_clean(text), quote=False))


def _phrase(phrase: Phrase) -> str:
    return "".join((inline_code(p.text) if isinstance(p, Value) else _escape(p)) for p in phrase)


def _phrase_plain(phrase: Phrase) -> str:
    return "".join((shorten(p.text, MAX_VALUE) if isinstance(p, Value) else p) for p in phrase)
