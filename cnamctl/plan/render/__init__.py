"""Renderers of a Plan: text for people, JSON for machines, Markdown for pull requests.

All three draw the same view (``view.py``); see docs/plan-format.md. Each is
imported when first asked for (the text renderer brings rich, which a JSON plan
in CI does not need).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cnamctl.plan.render.jsondoc import render_json
    from cnamctl.plan.render.markdown import render_markdown
    from cnamctl.plan.render.text import render_text

__all__ = ["render_json", "render_markdown", "render_text"]

_MODULES = {"render_json": "jsondoc", "render_markdown": "markdown", "render_text": "text"}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
