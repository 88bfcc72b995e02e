"""Field locations: dotted camelCase paths (``phoneNumbers.1``) to ``file:line``.

A document keeps the 1-based line of every path (a plain ``int``: a
100,000-number manifest set has 100,000 of them); a ``Location`` is made only
for the path a message asks about.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import overload

from cnamctl.errors import Location


@overload
def nearest_location(
    fields: Mapping[str, int], path: str | None, default: Location
) -> Location: ...


@overload
def nearest_location(
    fields: Mapping[str, int], path: str | None, default: Location | None
) -> Location | None: ...


def nearest_location(
    fields: Mapping[str, int], path: str | None, default: Location | None
) -> Location | None:
    """The location of ``path``, else of its nearest enclosing field, else ``default``
    (whose file the lines are in)."""
    if default is None:
        return None
    parts = path.split(".") if path else []
    while parts:
        line = fields.get(".".join(parts))
        if line is not None:
            return Location(default.file, line)
        parts.pop()
    return default
