"""What an apply did: one ChangeResult per change, and the run as a whole.

Plain data: renderers (``apply/report.py``, ``apply/progress.py``) turn it into
text or JSON. Nothing here holds a credential.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cnamctl.errors import Problem
from cnamctl.plan.model import Action, Change


class Outcome(StrEnum):
    APPLIED = "applied"  # the change is in effect (sent now, or found done by read-back)
    FAILED = "failed"  # not in effect; Twilio refused, or retries ran out
    SKIPPED = "skipped"  # not attempted: a change it depends on failed
    NOT_RUN = "not-run"  # not attempted: the run was interrupted
    UNKNOWN = "unknown"  # in flight when the run stopped waiting (a second Ctrl-C)

    @property
    def attempted(self) -> bool:
        """Sent (or settled by reading back): what progress bars count."""
        return self in (Outcome.APPLIED, Outcome.FAILED)


@dataclass(frozen=True)
class ChangeResult:
    address: str
    action: Action
    outcome: Outcome
    sids: tuple[str, ...] = ()  # SIDs this change created (or found created by it)
    target: str | None = None  # SID of the object acted on (the trust product of a submit)
    attempts: int = 0  # write requests sent
    read_back: bool = False  # settled by reading back after an ambiguous or refused write
    message: str = ""  # why it failed or was skipped
    problems: tuple[Problem, ...] = ()  # Twilio's findings against manifest lines
    status: str | None = None  # review status after SUBMIT_FOR_REVIEW
    subject: str | None = None  # friendly name of the trust product, when one is concerned
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @classmethod
    def unattempted(cls, change: Change, outcome: Outcome, message: str) -> ChangeResult:
        return cls(change.address, change.action, outcome, message=message)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.APPLIED

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "address": self.address,
            "action": self.action.value,
            "outcome": self.outcome.value,
            "sids": list(self.sids),
            "attempts": self.attempts,
            "read_back": self.read_back,
        }
        if self.message:
            doc["message"] = self.message
        if self.problems:
            doc["problems"] = [
                {"location": str(p.location) if p.location else None, "message": p.message}
                for p in self.problems
            ]
        if self.target and self.target not in self.sids:
            doc["target"] = self.target
        if self.status:
            doc["status"] = self.status
        if self.subject:
            doc["subject"] = self.subject
        if self.details:
            doc["details"] = dict(self.details)
        return doc


@dataclass(frozen=True)
class Review:
    """Review state of a trust product this run submitted (or tried to)."""

    product: str  # friendly name (the CnamProfile name)
    sid: str | None
    status: str


@dataclass
class ApplyResult:
    changes: list[ChangeResult] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)  # method -> count, this run
    retries: int = 0
    throttled: int = 0  # 429 answers seen
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(r.ok for r in self.changes)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.changes if r.outcome is outcome)

    def counts(self) -> dict[str, int]:
        """Outcome -> count, every outcome listed."""
        counted = Counter(r.outcome for r in self.changes)
        return {o.value: counted[o] for o in Outcome}

    def by_action(self) -> dict[str, dict[str, int]]:
        """Action -> outcome -> count, actions in phase order, only those present."""
        table: dict[str, dict[str, int]] = {}
        for action in Action:
            mine = Counter(r.outcome.value for r in self.changes if r.action is action)
            if mine:
                table[action.value] = dict(sorted(mine.items()))
        return table

    def reviews(self) -> list[Review]:
        out = []
        for r in self.changes:
            if r.action is Action.SUBMIT_FOR_REVIEW:
                sid = r.target
                status = r.status or ("not submitted" if not r.ok else "submitted")
                out.append(Review(r.subject or r.address, sid, status))
        return out

    @property
    def writes(self) -> int:
        return sum(n for method, n in self.requests.items() if method != "GET")

    def to_document(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "interrupted": self.interrupted,
            "summary": self.counts(),
            "by_action": self.by_action(),
            "changes": [r.to_dict() for r in self.changes],
            "reviews": [
                {"product": v.product, "sid": v.sid, "status": v.status} for v in self.reviews()
            ],
            "requests": dict(sorted(self.requests.items())),
            "retries": self.retries,
            "throttled": self.throttled,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class AccountOutcome:
    """How one account of an apply went: a result, or why there is none."""

    name: str
    account_sid: str | None
    result: ApplyResult | None = None  # None with an error, or with nothing to change
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and (self.result is None or self.result.ok)
