"""Plans of several accounts in one output, grouped by account.

Each account is rendered by the single-plan renderer; an account that could not
be planned appears with its error instead, so one failure hides nothing else.
JSON for several accounts wraps the per-account documents (docs/plan-format.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cnamctl.plan.model import FORMAT_VERSION, Plan
from cnamctl.plan.render.jsondoc import render_json
from cnamctl.plan.render.markdown import MAX_CHARS, render_markdown
from cnamctl.plan.render.text import render_text


@dataclass(frozen=True)
class AccountSection:
    name: str
    plan: Plan | None
    error: str | None = None


def render_accounts_text(sections: Sequence[AccountSection], *, color: bool) -> str:
    parts = []
    for s in sections:
        body = render_text(s.plan, color=color) if s.plan else f"error: {s.error}\n"
        parts.append(f"=== {s.name} ===\n{body}")
    return "\n".join(parts)


def render_accounts_json(sections: Sequence[AccountSection]) -> str:
    document = {
        "format_version": FORMAT_VERSION,
        "accounts": [
            {
                "name": s.name,
                "plan": json.loads(render_json(s.plan)) if s.plan else None,
                "error": s.error,
            }
            for s in sections
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_accounts_markdown(sections: Sequence[AccountSection]) -> str:
    share = MAX_CHARS // max(1, len(sections)) - 200
    parts = []
    for s in sections:
        body = (
            render_markdown(s.plan, max_chars=share)
            if s.plan
            else f"**Could not plan:** `{s.error}`\n"
        )
        parts.append(f"# Account {s.name}\n\n{body}")
    return "\n".join(parts)
