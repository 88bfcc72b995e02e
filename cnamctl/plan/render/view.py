"""The one view of a Plan that every format renders: grouped, ordered rows.

Formats decide only how to draw; what a change is called (its verb and symbol),
how a value is shown, the order, the summary line and the column widths are
decided here once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from typing import Any

from cnamctl.plan.model import Action, Change, Notice, NoticeLevel, Plan

NO_CHANGES = "No changes. Live state matches the manifests."

# Verbs in the order the summary line lists them, each with its symbol.
VERB_SYMBOLS: dict[str, str] = {
    "create": "+",
    "assign": "+",
    "unassign": "-",
    "update": "~",
    "submit": "->",
    "verify": "+",
    "delete": "-",
}

ACTION_VERBS: dict[Action, str] = {
    Action.UNASSIGN_CNAM_NUMBER: "unassign",
    Action.CREATE_END_USER: "create",
    Action.UPDATE_END_USER: "update",
    Action.CREATE_TRUST_PRODUCT: "create",
    Action.UPDATE_TRUST_PRODUCT: "update",
    Action.ASSIGN_ENTITY: "assign",
    Action.ASSIGN_BUSINESS_PROFILE_NUMBER: "assign",
    Action.ASSIGN_CNAM_NUMBER: "assign",
    Action.SUBMIT_FOR_REVIEW: "submit",
    Action.SET_CALLER_NAME_LOOKUP: "update",
    Action.CREATE_VALIDATION_REQUEST: "verify",
    Action.UPDATE_CALLER_ID: "update",
    Action.DELETE_CALLER_ID: "delete",
    Action.DELETE_TRUST_PRODUCT: "delete",
}

SEVERITY = (NoticeLevel.ERROR, NoticeLevel.WARNING, NoticeLevel.INFO)

# Beyond this, one long address would push every other row's columns far right.
MAX_ADDRESS_COLUMN = 64


def show_value(value: Any) -> str:
    """A before/after value as people read it: JSON, ``(none)`` for nothing."""
    if value is None:
        return "(none)"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Row:
    symbol: str
    verb: str
    address: str
    action: Action
    before: Any
    after: Any
    depends_on: tuple[str, ...]
    reason: str
    location: str | None  # "file:line"

    @property
    def values(self) -> str:
        """``after`` alone for something new, ``before -> after`` otherwise."""
        if self.before is None and self.after is None:
            return ""
        if self.before is None:
            return show_value(self.after)
        return f"{show_value(self.before)} -> {show_value(self.after)}"

    @property
    def note(self) -> str:
        """The reason, then where in the manifests it comes from."""
        if self.reason and self.location:
            return f"{self.reason} ({self.location})"
        return self.reason or self.location or ""


@dataclass(frozen=True)
class Group:
    action: Action
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class NoticeRow:
    level: NoticeLevel
    address: str
    message: str
    location: str | None
    status: str | None
    error_codes: tuple[int, ...]

    @property
    def text(self) -> str:
        """The message with the review status and Twilio error codes, if any."""
        extra = []
        if self.status:
            extra.append(f"status: {self.status}")
        if self.error_codes:
            extra.append("error codes: " + ", ".join(str(c) for c in self.error_codes))
        return f"{self.message} ({'; '.join(extra)})" if extra else self.message


@dataclass(frozen=True)
class PlanView:
    account_sid: str
    groups: tuple[Group, ...]  # one per action present, in execution (phase) order
    notices: tuple[NoticeRow, ...]  # errors first
    unchanged: int

    @cached_property
    def rows(self) -> tuple[Row, ...]:
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def has_changes(self) -> bool:
        return bool(self.groups)

    def summary(self) -> dict[str, int]:
        """Count per action value, in phase order."""
        return {group.action.value: len(group.rows) for group in self.groups}

    def verb_counts(self) -> dict[str, int]:
        """Count per verb, in the summary line's order, only verbs present."""
        counts = dict.fromkeys(VERB_SYMBOLS, 0)
        for row in self.rows:
            counts[row.verb] += 1
        return {verb: n for verb, n in counts.items() if n}

    @property
    def headline(self) -> str:
        """``Plan: 3 to create, 1 to delete; 5 unchanged.`` or the no-changes sentence."""
        if not self.has_changes:
            return NO_CHANGES
        counts = ", ".join(f"{n} to {verb}" for verb, n in self.verb_counts().items())
        unchanged = f"; {self.unchanged} unchanged" if self.unchanged else ""
        return f"Plan: {counts}{unchanged}."

    @cached_property
    def address_width(self) -> int:
        """Width of the address column: the longest address, up to a cap."""
        return min(max((len(r.address) for r in self.rows), default=0), MAX_ADDRESS_COLUMN)

    @cached_property
    def action_width(self) -> int:
        return max((len(r.action.value) for r in self.rows), default=0)

    def columns(self, row: Row) -> tuple[str, str, str]:
        """Address and action padded to their columns, and the values."""
        return (
            row.address.ljust(self.address_width),
            row.action.value.ljust(self.action_width),
            row.values,
        )


def build_view(plan: Plan) -> PlanView:
    changes = sorted(plan.changes, key=lambda c: c.sort_key)
    groups = tuple(
        Group(action, tuple(_row(c) for c in same))
        for action, same in groupby(changes, key=lambda c: c.action)
    )
    notices = tuple(_notice_row(n) for n in sorted(plan.notices, key=_notice_order))
    return PlanView(plan.account_sid, groups, notices, plan.unchanged)


def _row(change: Change) -> Row:
    verb = ACTION_VERBS[change.action]
    return Row(
        symbol=VERB_SYMBOLS[verb],
        verb=verb,
        address=change.address,
        action=change.action,
        before=change.before,
        after=change.after,
        depends_on=tuple(sorted(change.depends_on)),
        reason=change.reason,
        location=str(change.location) if change.location else None,
    )


def _notice_order(notice: Notice) -> tuple[int, tuple[str, str, str]]:
    """Errors first, then warnings, then information; each by address."""
    return (SEVERITY.index(notice.level), notice.sort_key)


def _notice_row(notice: Notice) -> NoticeRow:
    return NoticeRow(
        level=notice.level,
        address=notice.address,
        message=notice.message,
        location=str(notice.location) if notice.location else None,
        status=notice.status,
        error_codes=tuple(notice.error_codes),
    )
