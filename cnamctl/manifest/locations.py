"""Field locations: dotted camelCase paths (``phoneNumbers.1``) to ``file:line``."""

from __future__ import annotations

from collections.abc import Mapping

from cnamctl.errors import Location


def nearest_location(
    fields: Mapping[str, Location], path: str | None, default: Location | None
) -> Location | None:
    """The location of ``path``, else of its nearest enclosing field, else ``default``."""
    parts = path.split(".") if path else []
    while parts:
        found = fields.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return default
