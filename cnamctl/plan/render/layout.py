"""Fitting plan lines into a width: wrapping at spaces, measured in terminal cells.

Text and the Markdown diff blocks keep every line within ``WIDTH`` columns, so a
plan reads in a 100-column terminal and in a pull-request comment without
scrolling sideways. Long values and reasons move to their own lines and wrap
there; a single word wider than a line (a long JSON value) is cut into pieces.
"""

from __future__ import annotations

from rich.cells import cell_len

WIDTH = 100


def wrap(text: str, *, first: str = "", rest: str | None = None, width: int = WIDTH) -> list[str]:
    """``text`` as lines of at most ``width`` cells, the first starting with
    ``first``, the others with ``rest`` (spaces as wide as ``first`` by default)."""
    rest = " " * cell_len(first) if rest is None else rest
    lines: list[str] = []
    line = first
    room = width - cell_len(first)
    fresh = True  # nothing but the prefix on this line yet
    for word in text.split(" "):
        needed = cell_len(word) + (0 if fresh else 1)
        if needed <= room:
            line += word if fresh else " " + word
            room -= needed
            fresh = False
            continue
        if not fresh:
            lines.append(line)
            line, room, fresh = rest, width - cell_len(rest), True
        while cell_len(word) > room:
            head, word = _split_cells(word, max(room, 1))
            lines.append(line + head)
            line, room = rest, width - cell_len(rest)
        line += word
        room -= cell_len(word)
        fresh = not word
    lines.append(line)
    return [ln.rstrip() for ln in lines]


def fits(line: str, width: int = WIDTH) -> bool:
    return cell_len(line) <= width


def _split_cells(word: str, room: int) -> tuple[str, str]:
    """The longest head of ``word`` within ``room`` cells (at least one character)."""
    used = 0
    for i, char in enumerate(word):
        used += cell_len(char)
        if used > room:
            return word[: max(i, 1)], word[max(i, 1) :]
    return word, ""


def relative_location(location: str | None, base: str | None) -> str:
    """``line 17`` when ``location`` is in the same file as ``base``, else itself."""
    if not location:
        return ""
    file, _, line = location.rpartition(":")
    base_file = base.rpartition(":")[0] if base else None
    return f"line {line}" if file and file == base_file else location


def locations_text(locations: tuple[str, ...], base: str | None) -> str:
    """Where a step on several numbers is declared: ``lines 21-30`` in one file."""
    if not locations:
        return ""
    if len(set(locations)) == 1:
        return relative_location(locations[0], base)
    files = {loc.rpartition(":")[0] for loc in locations}
    lines = sorted(int(n) for loc in locations if (n := loc.rpartition(":")[2]).isdigit())
    if len(files) == 1 and lines:
        span = f"{lines[0]}-{lines[-1]}"
        file = files.pop()
        same = base is not None and base.rpartition(":")[0] == file
        return f"lines {span}" if same else f"{file}:{span}"
    return f"{relative_location(locations[0], base)} and {len(set(locations)) - 1} more"
