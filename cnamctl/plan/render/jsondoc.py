"""The plan for machines: a documented, versioned JSON document (docs/plan-format.md).

``plan_document`` is the document as a dict (``json.loads(render_json(p)) ==
plan_document(p)``); ``render_json`` its deterministic text: the same plan gives
the same bytes. Every change and every notice is in it, whatever the text and
Markdown views summarise. ``params`` are internal to apply and never appear
here; saved plans (``plan/saved.py``) carry them and have their own version.

Values are kept as they are (JSON escapes control characters); characters that
would act on a terminal but that JSON may carry raw (DEL, C1 controls, bidi
overrides) are written as ``\\u`` escapes, so printing the document is inert and
parsing it gives the exact values.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from cnamctl.plan.addresses import Resource
from cnamctl.plan.model import Plan
from cnamctl.plan.render.rows import NoticeRow, Row, plain
from cnamctl.plan.render.view import (
    Block,
    NoticeGroup,
    PlanView,
    StackView,
    ViewOptions,
    build_view,
)
from cnamctl.text import inert

JSON_FORMAT_VERSION = 2
"""Version of the printed JSON plan (``plan --format json``), not of saved plans."""

# Characters JSON may leave raw; those ``cnamctl.text.inert`` would escape are escaped.
_NOT_ASCII = re.compile(r"[^\x00-\x7e]")


def plan_document(plan: Plan, options: ViewOptions | None = None) -> dict[str, Any]:
    return view_document(build_view(plan, options))


def view_document(view: PlanView) -> dict[str, Any]:
    document = _document(view)
    if view.stacks:  # only where trusted calling is in use: other plans are as they were
        document["trust_stacks"] = [_stack(s) for s in view.stacks]
    return document


def _document(view: PlanView) -> dict[str, Any]:
    return {
        "format_version": JSON_FORMAT_VERSION,
        "account_sid": view.account_sid,
        "headline": view.headline,
        "summary": view.summary(),
        "safety": _safety(view),
        "drift": _drift(view),
        "resources": [_block(b) for b in view.blocks],
        "changes": [_change(row) for row in view.rows],
        "notices": [_notice(n) for n in view.notices],
        "notice_summary": [_group(g) for g in view.notice_groups if g.summarised],
        "unchanged": view.unchanged,
    }


def render_json(plan: Plan, options: ViewOptions | None = None) -> str:
    return dump(plan_document(plan, options))


_DUMP_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def dump(document: Any) -> str:
    """Sorted keys, two-space indent, UTF-8, one trailing newline; inert to print.
    (The bytes of ``json.dumps(indent=2, sort_keys=True, ensure_ascii=False)``,
    written by orjson about ten times faster.)"""
    text = orjson.dumps(document, option=_DUMP_OPTIONS).decode()
    return _NOT_ASCII.sub(_escape, text) + "\n"


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if inert(char) == char:
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _resource(resource: Resource | None) -> dict[str, str] | None:
    if resource is None:
        return None
    return {"kind": resource.kind.value, "name": resource.name}


def _change(row: Row) -> dict[str, Any]:
    return {
        "address": row.address,
        "resource": _resource(row.resource),
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
        "resource": _resource(notice.resource),
        "kind": notice.kind.value,
        "level": notice.level.value,
        "message": notice.message,
        "location": notice.location,
        "status": notice.status,
        "error_codes": list(notice.error_codes),
    }


def _block(block: Block) -> dict[str, Any]:
    info = block.info
    return {
        "kind": block.resource.kind.value,
        "name": block.resource.name,
        "declared": info.declared if info else None,
        "title": info.title if info else None,
        "business_profile": block.business_profile,
        "action": block.action.value,
        "symbol": block.symbol,
        "summary": plain(block.summary),
        "location": block.location,
        "changes": [row.address for row in block.changes],
        "products": [
            {
                "sid": p.sid,
                "status": p.status,
                "display_name": p.display_name,
                "numbers": p.numbers,
                "error_codes": list(p.error_codes),
                "since": p.since,
            }
            for p in (info.products if info else ())
        ],
    }


def _stack(stack: StackView) -> dict[str, Any]:
    """Every number of the business profile and the profile holding it, per kind."""
    kinds = [c.kind for c in stack.columns]
    labels = {c.label: c.kind for c in stack.columns}
    numbers = sorted((n, row) for row in stack.rows for n in row.numbers)
    return {
        "business_profile": stack.business_profile,
        "products": [
            {
                "kind": column.kind,
                "name": p.name,
                "title": p.title,
                "status": p.status,
                "numbers": len(p.numbers),
            }
            for column in stack.columns
            for p in column.products
        ],
        "numbers": [
            {"phone_number": n, "products": dict(zip(kinds, row.holders, strict=True))}
            for n, row in numbers
        ],
        "missing": {labels[label]: list(found) for label, found in stack.missing.items()},
    }


def _group(group: NoticeGroup) -> dict[str, Any]:
    return {
        "kind": group.kind.value,
        "level": group.level.value,
        "count": group.count,
        "message": group.advice,
    }


def _safety(view: PlanView) -> dict[str, Any]:
    verdict = view.verdict
    return {
        "needs_force": verdict.needs_force,
        "refusals": [c.message for c in verdict.refusals],
        "checks": [
            {
                "check": c.what,
                "setting": f"safety.{c.setting}",
                "count": c.count,
                "existing": c.existing,
                "percent": round(c.share, 1),
                "limit": c.limit,
                "min_existing": c.min_existing,
                "exceeded": c.exceeded,
            }
            for c in verdict.checks
        ],
        "vetting": [
            {"address": v.address, "message": v.what, "cost": v.cost} for v in verdict.vetting
        ],
    }


def _drift(view: PlanView) -> dict[str, Any]:
    return {
        "not_as_declared": view.drifted,
        "items": [
            {
                "address": d.address,
                "resource": _resource(d.resource),
                "product": d.product,
                "status": d.status,
                "message": d.message,
                "location": str(d.location) if d.location else None,
                "error_codes": list(d.error_codes),
            }
            for d in view.drift
        ],
    }
