"""A block's API steps as lines within a width, for text and the Markdown diff block.

Each step is one line (action, the part of the object, its values, ``# reason``)
when that fits; otherwise the values and the reason move to lines of their own
beneath it, indented, and wrap there. The formats add the symbol column: text
indents and colours it, Markdown turns it into a diff marker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cnamctl.plan.render.layout import fits, locations_text, wrap
from cnamctl.plan.render.rows import LIST_NUMBERS_UP_TO
from cnamctl.plan.render.view import Block, Step

MAX_PART_COLUMN = 32  # a longer part (a long SID path) does not widen the column


class Role(StrEnum):
    STEP = "step"  # the step's first line
    MORE = "more"  # its values or numbers, continued
    NOTE = "note"  # its reason and manifest location


@dataclass(frozen=True)
class Line:
    role: Role
    symbol: str  # the step's symbol (on every line of it, for diff markers)
    body: str


def step_lines(
    block: Block, clean: Callable[[str], str], *, width: int, full: bool = False
) -> list[Line]:
    """Every step of ``block``; ``clean`` makes a value safe for the format, ``full``
    lists every number of a step on many numbers."""
    if not block.steps:
        return []
    action_width = max(len(s.action.value) for s in block.steps)
    part_width = min(max(len(clean(s.part)) for s in block.steps), MAX_PART_COLUMN)
    out: list[Line] = []
    for step in block.steps:
        out.extend(_step(step, block, clean, width, action_width, part_width, full))
    return out


def _step(
    step: Step,
    block: Block,
    clean: Callable[[str], str],
    width: int,
    action_width: int,
    part_width: int,
    full: bool,
) -> list[Line]:
    symbol = step.symbol
    head = f"{step.action.value.ljust(action_width)}  {clean(step.part).ljust(part_width)}"
    values = clean(step.values)
    note = _note(step, block, clean)
    one = f"{head}  {values}".rstrip()
    if note and fits(f"{one}  # {note}", width):
        return [
            Line(Role.STEP, symbol, f"{one}  # {note}"),
            *_numbers(step, symbol, clean, width, full),
        ]
    lines: list[Line] = []
    if fits(one, width):
        lines.append(Line(Role.STEP, symbol, one))
    else:
        first, *rest = wrap(head.rstrip(), rest="  ", width=width)
        lines.append(Line(Role.STEP, symbol, first))
        lines += [Line(Role.MORE, symbol, text) for text in rest]
        lines += [Line(Role.MORE, symbol, t) for t in wrap(values, first="  ", width=width)]
    lines += _numbers(step, symbol, clean, width, full)
    if note:
        lines += [
            Line(Role.NOTE, symbol, text)
            for text in wrap(f"# {note}", first="  ", rest="    ", width=width)
        ]
    return lines


def _note(step: Step, block: Block, clean: Callable[[str], str]) -> str:
    where = locations_text(step.locations, block.location)
    reason = clean(step.reason)
    if reason and where:
        return f"{reason} ({where})"
    return reason or where


def _numbers(
    step: Step, symbol: str, clean: Callable[[str], str], width: int, full: bool
) -> list[Line]:
    if not full or len(step.numbers) <= LIST_NUMBERS_UP_TO:
        return []
    listed = ", ".join(clean(n) for n in step.numbers)
    return [Line(Role.MORE, symbol, text) for text in wrap(listed, first="  ", width=width)]
