"""A small router over OpenAPI-style path templates (``/v1/TrustProducts/{Sid}``).

Templates are kept verbatim so stats and errors can name the operation exactly as
the spec does (``GET /v1/TrustProducts/{Sid}/ChannelEndpointAssignments``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_PARAM = re.compile(r"\{([A-Za-z]+)\}")


def _compile(template: str) -> re.Pattern[str]:
    pattern, pos = "", 0
    for match in _PARAM.finditer(template):
        pattern += re.escape(template[pos : match.start()]) + f"(?P<{match.group(1)}>[^/]+?)"
        pos = match.end()
    return re.compile("^" + pattern + re.escape(template[pos:]) + "$")


@dataclass
class _Path:
    template: str
    pattern: re.Pattern[str]
    handlers: dict[str, Callable[..., Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolution:
    """Where a request goes: ``template`` is None for unknown paths, ``handler`` is
    None when the path exists but not for this method."""

    template: str | None
    handler: Callable[..., Any] | None
    params: dict[str, str]


class Router:
    def __init__(self) -> None:
        self._paths: dict[str, _Path] = {}

    def add(self, method: str, template: str, handler: Callable[..., Any]) -> None:
        path = self._paths.setdefault(template, _Path(template, _compile(template)))
        if method in path.handlers:
            raise ValueError(f"duplicate route {method} {template}")
        path.handlers[method] = handler

    def resolve(self, method: str, path: str) -> Resolution:
        for entry in self._paths.values():
            match = entry.pattern.match(path)
            if match:
                return Resolution(entry.template, entry.handlers.get(method), match.groupdict())
        return Resolution(None, None, {})

    def operations(self) -> list[tuple[str, str]]:
        """Every (method, template) served, for docs and tests."""
        return [(m, p.template) for p in self._paths.values() for m in p.handlers]
