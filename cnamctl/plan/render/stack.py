"""A business profile's trust stack as lines within a width, for text and Markdown.

Where trusted calling is in use, each business profile's section ends with its
stack: one line per kind of product (CNAM, SHAKEN/STIR, Voice Integrity) naming
its profiles and their state, then its numbers in rows by the products they are
in. A row of numbers missing from a kind the business profile uses is marked
``!`` and comes first, so a gap is seen at a glance; ``=`` rows are complete
(``n/a``: numbers a kind may not take, such as toll-free numbers for CNAM). A
row lists its numbers when they are few (or the view is full), else counts them
with the first and last; JSON always has every number.
"""

from __future__ import annotations

from collections.abc import Callable

from cnamctl.plan.render.layout import wrap
from cnamctl.plan.render.rows import LIST_NUMBERS_UP_TO, count_of, numbers_summary
from cnamctl.plan.render.view import StackView
from cnamctl.text import quoted, shorten

KIND_COLUMN = 16  # "Voice Integrity" and a space
NAME_CELL = KIND_COLUMN - 1  # a profile name longer than this is shortened
NUMBERS_COLUMN = 46  # "1,000 numbers, +14155550100 … +14155550199" and room
GAP, COMPLETE = "!", "="


def stack_lines(
    stack: StackView, clean: Callable[[str], str], *, width: int, full: bool = False
) -> list[str]:
    """Lines of at most ``width`` cells (``clean`` makes a value safe for the format)."""
    lines = [f"Trust stack of {clean(stack.business_profile)}: {count_of(stack.numbers, 'number')}"]
    for column in stack.columns:
        named = [
            f"{clean(p.name)}{' ' + quoted(p.title, 24) if p.title else ''} ({p.status or 'new'})"
            for p in column.products
        ]
        text = ", ".join(named) or "(none declared)"
        lines += wrap(text, first=f"  {column.label:<{KIND_COLUMN}}", width=width)
    head = "numbers".ljust(NUMBERS_COLUMN) + "".join(
        c.label.ljust(KIND_COLUMN) for c in stack.columns
    )
    lines.append(("    " + head).rstrip())
    for row in stack.rows:
        cells = "".join(
            _cell(holder, row.numbers[0] in column.ineligible, clean).ljust(KIND_COLUMN)
            for holder, column in zip(row.holders, stack.columns, strict=True)
        )
        marker = GAP if row.gap else COMPLETE
        listed = full or len(row.numbers) <= LIST_NUMBERS_UP_TO
        first = numbers_summary(row.numbers) if not listed else row.numbers[0]
        lines.append(f"  {marker} {first.ljust(NUMBERS_COLUMN)}{cells}".rstrip())
        if listed:
            lines += [f"    {n}" for n in row.numbers[1:]]
    for label, numbers in stack.missing.items():
        few = full or len(numbers) <= LIST_NUMBERS_UP_TO
        shown = ", ".join(numbers) if few else f"{numbers[0]} … {numbers[-1]}"
        text = f"{count_of(len(numbers), 'number')} in no {label} product: {shown}"
        lines += wrap(text, first=f"  {GAP} ", width=width)
    return lines


def _cell(holder: str | None, ineligible: bool, clean: Callable[[str], str]) -> str:
    """The profile holding a row's numbers, ``-`` for none, ``n/a`` where none may."""
    if holder:
        return shorten(clean(holder), NAME_CELL)
    return "n/a" if ineligible else "-"
