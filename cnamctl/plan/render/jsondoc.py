"""The plan for machines: a documented, versioned JSON document (docs/plan-format.md).

Deterministic: the same plan gives the same bytes. ``params`` are internal to
apply and never appear here; saved plans (``plan/saved.py``) carry them.
"""

from __future__ import annotations

import json
from typing import Any

from cnamctl.plan.model import FORMAT_VERSION, Plan
from cnamctl.plan.render.view import NoticeRow, Row, build_view


def render_json(plan: Plan) -> str:
    view = build_view(plan)
    document = {
        "format_version": FORMAT_VERSION,
        "account_sid": view.account_sid,
        "summary": view.summary(),
        "changes": [_change(row) for row in view.rows],
        "notices": [_notice(n) for n in view.notices],
        "unchanged": view.unchanged,
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _change(row: Row) -> dict[str, Any]:
    return {
        "address": row.address,
        "action": row.action.value,
        "before": row.before,
        "after": row.after,
        "depends_on": list(row.depends_on),
        "reason": row.reason,
        "location": row.location,
    }


def _notice(notice: NoticeRow) -> dict[str, Any]:
    return {
        "address": notice.address,
        "level": notice.level.value,
        "message": notice.message,
        "location": notice.location,
        "status": notice.status,
        "error_codes": list(notice.error_codes),
    }
