"""Plans of several accounts in one output, grouped by account.

Each account is rendered by the single-plan renderer; an account that could not
be planned appears with its error instead, so one failure hides nothing else.
JSON for several accounts wraps the per-account documents (docs/plan-format.md).
Each format's renderer is imported when that format is asked for: the text one
brings rich, which JSON and Markdown do not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cnamctl.plan.model import Plan
from cnamctl.plan.render.jsondoc import JSON_FORMAT_VERSION, dump, plan_document
from cnamctl.plan.render.view import ViewOptions
from cnamctl.text import inert


@dataclass(frozen=True)
class AccountSection:
    name: str
    plan: Plan | None
    error: str | None = None


Section = tuple[str, Any, str | None]  # (account name, what it rendered or read, error)


def section_header(name: str) -> str:
    return f"=== {inert(name, keep_lines=False)} ==="


def grouped_text(sections: Sequence[tuple[str, str | None, str | None]]) -> str:
    """Each account's text under its header, or its error."""
    return "\n".join(
        f"{section_header(name)}\n"
        + (body if body is not None else f"error: {inert(str(error), keep_lines=False)}\n")
        for name, body, error in sections
    )


def grouped_json(key: str, sections: Sequence[Section], **top: Any) -> str:
    """``{"accounts": [{"name", key, "error"}]}``: each account's document, or its error."""
    accounts = [{"name": name, key: doc, "error": error} for name, doc, error in sections]
    return dump({**top, "accounts": accounts})


def render_accounts_text(
    sections: Sequence[AccountSection], *, color: bool, options: ViewOptions | None = None
) -> str:
    from cnamctl.plan.render.text import render_text  # rich: for text alone

    return grouped_text(
        [
            (s.name, render_text(s.plan, color=color, options=options) if s.plan else None, s.error)
            for s in sections
        ]
    )


def render_accounts_json(
    sections: Sequence[AccountSection], options: ViewOptions | None = None
) -> str:
    return grouped_json(
        "plan",
        [(s.name, plan_document(s.plan, options) if s.plan else None, s.error) for s in sections],
        format_version=JSON_FORMAT_VERSION,
    )


def render_accounts_markdown(
    sections: Sequence[AccountSection], options: ViewOptions | None = None
) -> str:
    from cnamctl.plan.render.markdown import MAX_CHARS, render_markdown
    from cnamctl.plan.render.markdown import inline_code as _code

    share = MAX_CHARS // max(1, len(sections)) - 200
    parts = []
    for s in sections:
        body = (
            render_markdown(s.plan, max_chars=share, options=options)
            if s.plan
            else f"**Could not plan:** {_code(s.error or '')}\n"
        )
        parts.append(f"# Account {_code(s.name)}\n\n{body}")
    return "\n".join(parts)
