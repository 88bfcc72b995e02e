"""The plan as a pull-request comment (GitHub-flavoured Markdown).

A heading, a table of counts per action, the changes in a ``diff`` block (so
GitHub colours them), then the notices. Long plans are folded into a
``<details>`` element, and a plan too big for one comment is cut, with a note
saying how much was left out.
"""

from __future__ import annotations

import re

from cnamctl.plan.model import Plan
from cnamctl.plan.render.view import NoticeRow, PlanView, Row, build_view

GITHUB_COMMENT_LIMIT = 65_536
# Room for a marker or a footer a CI script may add around the rendered plan.
MAX_CHARS = GITHUB_COMMENT_LIMIT - 1_536
MAX_LINE = 1_000  # one huge value must not eat the whole comment
FOLD_OVER = 50  # more changes than this go into a collapsed <details>
_SLACK = 64

# GitHub's diff highlighting knows "+", "-" and "!" (changed); "~" and "->" would be plain.
DIFF_MARKERS = {"+": "+", "-": "-", "~": "!", "->": "!"}
_ESCAPED = re.compile(r"([\\`*_\[\]<>|~&#])")


def render_markdown(plan: Plan, *, max_chars: int = MAX_CHARS) -> str:
    view = build_view(plan)
    changes = [_clip(_diff_line(view, row)) for row in view.rows]
    notices = [_clip(_notice_item(n)) for n in view.notices]
    fence = _fence(changes)
    # The document with every line left out, plus the few more digits counts may take
    # when lines are kept: what the lines must share the rest with.
    overhead = len(_document(view, fence, [], len(changes), [], len(notices))) + _SLACK
    room = max_chars - overhead
    kept_notices = _fit(notices, min(_cost(notices), room // 2))
    kept_changes = _fit(changes, room - _cost(kept_notices))
    return _document(
        view,
        fence,
        kept_changes,
        len(changes) - len(kept_changes),
        kept_notices,
        len(notices) - len(kept_notices),
    )


def _document(
    view: PlanView,
    fence: str,
    changes: list[str],
    changes_left_out: int,
    notices: list[str],
    notices_left_out: int,
) -> str:
    parts = ["## cnamctl plan", f"**{view.headline}** Account {_code(view.account_sid)}."]
    if view.has_changes:
        parts.append(_summary_table(view))
        block = "\n".join([f"{fence}diff", *changes, fence])
        total = len(view.rows)
        if total > FOLD_OVER:
            shown = f"the first {len(changes)} of" if changes_left_out else "all"
            block = (
                f"<details>\n<summary>Show {shown} {total} changes</summary>\n\n"
                f"{block}\n\n</details>"
            )
        parts.append(block)
        if changes_left_out:
            parts.append(_left_out(changes_left_out, "change"))
    if view.notices:
        parts.append("### Notices")
        if notices:
            parts.append("\n".join(notices))
        if notices_left_out:
            parts.append(_left_out(notices_left_out, "notice"))
    return "\n\n".join(parts) + "\n"


def _summary_table(view: PlanView) -> str:
    lines = ["| Action | Changes |", "| :-- | --: |"]
    lines += [f"| `{action}` | {n} |" for action, n in view.summary().items()]
    lines.append(f"| **Total** | **{len(view.rows)}** |")
    return "\n".join(lines)


def _diff_line(view: PlanView, row: Row) -> str:
    address, action, values = view.columns(row)
    line = f"{DIFF_MARKERS[row.symbol]} {address}  {action}"
    if values:
        line += f"  {values}"
    if row.note:
        line += f"  # {row.note}"
    return line.rstrip()


def _notice_item(notice: NoticeRow) -> str:
    where = f" at {_code(notice.location)}" if notice.location else ""
    return f"- **{notice.level.value}** {_code(notice.address)}{where}: {_escape(notice.text)}"


def _left_out(count: int, noun: str) -> str:
    plural = noun if count == 1 else noun + "s"
    return (
        f"_{count} more {plural} not shown: the full plan does not fit in one comment "
        f"(GitHub allows {GITHUB_COMMENT_LIMIT:,} characters). "
        "Run `cnamctl plan` or see the job log for all of it._"
    )


def _fit(lines: list[str], room: int) -> list[str]:
    """The longest prefix of ``lines`` that fits in ``room`` characters (with newlines)."""
    used = 0
    for i, line in enumerate(lines):
        used += len(line) + 1
        if used > room:
            return lines[:i]
    return lines


def _cost(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _clip(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


def _fence(lines: list[str]) -> str:
    """A code fence longer than any run of backticks inside the block."""
    longest = max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _escape(text: str) -> str:
    """Plain text that Markdown and HTML leave as written, on one line."""
    return _ESCAPED.sub(r"\\\1", " ".join(text.splitlines()))
