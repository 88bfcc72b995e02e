"""The plan for people on a terminal or in a CI log: one block per object.

Within 100 columns: the safety verdict first, then per object its symbol, kind,
name and manifest location, a sentence saying what happens to it, its notices,
and its API steps indented beneath; then the notices about undeclared objects,
summarised by kind; then the headline. Everything that came from a manifest or
a server is made inert (``cnamctl.text.inert``) before it is measured and printed.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from cnamctl.plan.model import NoticeLevel, Plan
from cnamctl.plan.render.layout import WIDTH, fits, relative_location, wrap
from cnamctl.plan.render.lines import Role, step_lines
from cnamctl.plan.render.rows import (
    ATTENTION,
    LIST_NUMBERS_UP_TO,
    Phrase,
    Value,
    numbers_summary,
)
from cnamctl.plan.render.stack import COMPLETE, GAP, stack_lines
from cnamctl.plan.render.view import (
    Block,
    NoticeGroup,
    NoticeLine,
    PlanView,
    StackView,
    ViewOptions,
    build_view,
    by_resource,
)
from cnamctl.text import inert, quoted

SYMBOL_STYLES = {
    "+": "green",
    "~": "yellow",
    "-": "red",
    "->": "cyan",
    "-/+": "magenta",
    "=": "dim",
    ATTENTION: "bold red",
}
LEVEL_STYLES = {
    NoticeLevel.INFO: "blue",
    NoticeLevel.WARNING: "yellow",
    NoticeLevel.ERROR: "bold red",
}
LEVEL_WIDTH = max(len(level.value) for level in NoticeLevel)
STEP_INDENT = "    "
SYMBOL_COLUMN = 3  # "-/+" is the widest block symbol
FULL_HINT = "(cnamctl plan --full lists each one; --format json always has them all)"


def clean(text: str) -> str:
    """A value from a manifest or a server, safe to print on one line."""
    return inert(text, keep_lines=False)


def phrase_text(phrase: Phrase) -> str:
    return "".join(
        (quoted(p.text) if p.quote else clean(p.text)) if isinstance(p, Value) else p
        for p in phrase
    )


def render_text(plan: Plan, *, color: bool, options: ViewOptions | None = None) -> str:
    view = build_view(plan, options)
    lines = text_lines(view)
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
    for line in lines:
        console.print(line)
    return out.getvalue()


def text_lines(view: PlanView) -> list[Text]:
    header = wrap(f"cnamctl plan for account {clean(view.account_sid)}", rest="  ")
    lines = [Text(part, style="bold") for part in header]
    lines += _verdict(view)
    previous: Block | None = None
    for section in by_resource(view, view.shown_blocks):
        for block in section.blocks:
            if not (block.quiet and previous is not None and previous.quiet):
                lines.append(Text())  # quiet blocks stay together, one line each
            lines += _quiet(block) if block.quiet else _block(block, view)
            previous = block
        if section.stack is not None:
            lines += [Text(), *_stack(section.stack, view.options.full)]
            previous = None
    if view.quiet_left_out:
        lines += [Text(), Text(f"  = {view.quiet_left_out} more objects unchanged", style="dim")]
    lines += _notices(view)
    lines += [Text(), Text(view.headline, style="bold")]
    return lines


def _stack(stack: StackView, full: bool) -> list[Text]:
    """A business profile's trust stack: its title bold, rows with a gap in red."""
    out = []
    for i, line in enumerate(stack_lines(stack, clean, width=WIDTH - 2, full=full)):
        text = Text("  " + line)
        if i == 0:
            text.stylize("bold")
        elif line.startswith(f"  {GAP} "):
            text.stylize("red", 2, 3)
        elif line.startswith(f"  {COMPLETE} "):
            text.stylize("dim", 2, 3)
        out.append(text)
    return out


def _verdict(view: PlanView) -> list[Text]:
    verdict = view.verdict
    lines: list[Text] = []
    if verdict.refusals:
        lines += [Text(), Text("apply will refuse this without --force:", style="bold red")]
        for check in verdict.refusals:
            lines += _plain(wrap(check.message, first="  - ", rest="    "))
        lines.append(Text("  (thresholds: Settings.safety in the manifests)", style="dim"))
    if verdict.vetting:
        lines += [Text(), Text("This plan discards Twilio vetting:", style="bold yellow")]
        for loss in verdict.vetting:
            text = clean(f"{loss.what}; cost: {loss.cost}")
            lines += _plain(wrap(text, first="  - ", rest="    "))
    return lines


def _quiet(block: Block) -> list[Text]:
    """An object with nothing to change or say: its symbol, title and state."""
    symbol = block.symbol
    text = f"{phrase_text(block.title)}: {phrase_text(block.summary)}"
    first, *rest = wrap(text, first=" " * (SYMBOL_COLUMN + 1), rest="      ")
    head = Text(symbol.rjust(SYMBOL_COLUMN), style=SYMBOL_STYLES[symbol])
    head.append(first[SYMBOL_COLUMN:])
    return [head, *(Text(part, style="dim") for part in rest)]


def _block(block: Block, view: PlanView) -> list[Text]:
    symbol = block.symbol
    first, *more = wrap(phrase_text(block.title), first=" " * (SYMBOL_COLUMN + 1), rest="    ")
    location = clean(block.location or "")
    head = Text(symbol.rjust(SYMBOL_COLUMN), style=SYMBOL_STYLES[symbol])
    head.append(first[SYMBOL_COLUMN:], style="bold")
    lines = [head, *(Text(part, style="bold") for part in more)]
    head = lines[-1]
    if location and fits(f"{head.plain}  {location}"):
        head.append(f"  {location}", style="dim")
    elif location:
        lines += [Text(part, style="dim") for part in wrap(location, first="    ")]
    lines += _plain(wrap(phrase_text(block.summary), first="    "))
    for notice in block.notices:
        lines += _notice_line(notice, block, view.options.full)
    for drift in block.drift:
        for i, part in enumerate(wrap(clean(drift.message), first="    ! ", rest="      ")):
            lines.append(Text(part, style="bold red" if i == 0 else "red"))
    width = WIDTH - len(STEP_INDENT) - SYMBOL_COLUMN
    for line in step_lines(block, clean, width=width, full=view.options.full):
        if line.role is Role.STEP:
            drawn = Text(STEP_INDENT + line.symbol.rjust(2), style=SYMBOL_STYLES[line.symbol])
            drawn.append(" " + line.body)
        else:
            drawn = Text(STEP_INDENT + " " * SYMBOL_COLUMN + line.body)
            if line.role is Role.NOTE:
                drawn.stylize("dim")
        lines.append(drawn)
    return lines


def _notice_line(notice: NoticeLine, block: Block, full: bool) -> list[Text]:
    where = relative_location(notice.location, block.location)
    text = clean(notice.text) + (f" ({clean(where)})" if where else "")
    lines = _levelled(notice.level, wrap(text, first=f"    {notice.level.value}: ", rest="      "))
    if notice.numbers:
        listed = (
            ", ".join(notice.numbers)
            if full or len(notice.numbers) <= LIST_NUMBERS_UP_TO
            else numbers_summary(notice.numbers)
        )
        lines += _plain(wrap(clean(listed), first="      "))
    return lines


def _notices(view: PlanView) -> list[Text]:
    groups = view.notice_groups
    if not groups:
        return []
    lines = [Text(), Text("Notices:", style="bold")]
    for group in groups:
        lines += _group(group, view.options.full)
    if not view.options.full and any(g.count > 1 for g in groups):
        lines.append(Text("  " + FULL_HINT, style="dim"))
    return lines


def _group(group: NoticeGroup, full: bool) -> list[Text]:
    prefix = f"  {group.level.value.ljust(LEVEL_WIDTH)}  "
    rest = " " * len(prefix)
    if not group.summarised:
        notice = group.rows[0]
        where = f"{notice.location}: " if notice.location else ""
        text = clean(f"{where}{notice.address}: {notice.text}")
        return _levelled(group.level, wrap(text, first=prefix, rest=rest))
    lines = _levelled(group.level, wrap(clean(group.advice), first=prefix, rest=rest))
    if full:
        for notice in group.rows:
            lines += _plain(wrap(clean(notice.message), first=rest + "- ", rest=rest + "  "))
    return lines


def _levelled(level: NoticeLevel, parts: list[str]) -> list[Text]:
    """Lines of a notice, its level word coloured."""
    out = []
    for i, part in enumerate(parts):
        text = Text(part)
        if i == 0:
            start = part.index(level.value)
            text.stylize(LEVEL_STYLES[level], start, start + len(level.value))
        out.append(text)
    return out


def _plain(parts: list[str]) -> list[Text]:
    return [Text(p) for p in parts]
