"""The plan for people on a terminal or in a CI log, Terraform style."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from cnamctl.plan.model import NoticeLevel, Plan
from cnamctl.plan.render.view import NoticeRow, PlanView, Row, build_view

# Lines are soft-wrapped (never broken by rich), so this only bounds rules/padding.
WIDTH = 120

SYMBOL_STYLES = {"+": "green", "~": "yellow", "-": "red", "->": "cyan"}
LEVEL_STYLES = {
    NoticeLevel.INFO: "blue",
    NoticeLevel.WARNING: "yellow",
    NoticeLevel.ERROR: "bold red",
}
LEVEL_WIDTH = max(len(level.value) for level in NoticeLevel)


def render_text(plan: Plan, *, color: bool) -> str:
    view = build_view(plan)
    out = io.StringIO()
    console = Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=WIDTH,
        soft_wrap=True,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(Text(f"cnamctl plan for account {view.account_sid}", style="bold"))
    if view.has_changes:
        console.print()
        for row in view.rows:
            console.print(_change_line(view, row))
    if view.notices:
        console.print()
        console.print(Text("Notices:", style="bold"))
        for notice in view.notices:
            console.print(_notice_line(notice))
    console.print()
    console.print(Text(view.headline, style="bold"))
    return out.getvalue()


def _change_line(view: PlanView, row: Row) -> Text:
    address, action, values = view.columns(row)
    line = Text("  " + " " * (2 - len(row.symbol)))  # symbols right-aligned: " +", "->"
    line.append(row.symbol, style=SYMBOL_STYLES[row.symbol])
    line.append(f" {address}  {action}")
    if values:
        line.append(f"  {values}")
    if row.note:
        line.append(f"  # {row.note}", style="dim")
    line.rstrip()
    return line


def _notice_line(notice: NoticeRow) -> Text:
    line = Text("  ")
    line.append(notice.level.value.ljust(LEVEL_WIDTH), style=LEVEL_STYLES[notice.level])
    where = f"{notice.location}: " if notice.location else ""
    line.append(f"  {where}{notice.address}: {notice.text}")
    return line
