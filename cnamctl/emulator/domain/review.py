"""Review lifecycle: submitted bundles move on by themselves, computed lazily.

On submission a bundle gets a schedule (its ``review_*`` columns): pending-review
until ``submitted + delay/2``, in-review until ``submitted + delay``; then the
review is due and the :class:`~cnamctl.emulator.domain.reviewer.Reviewer` decides
it, looking at the bundle and the account as they are at that moment, under the
configuration in force then. A review due while ``review_mode`` is ``manual`` is
parked (no decision time) and waits for an admin decision (:func:`decide`).

:func:`settle` applies every transition that is due; the app calls it at the
start of each request's transaction, so state is always current when read,
survives restarts and needs no background thread. Timestamps written are the
scheduled ones, not the time of the request that happened to settle them.
"""

from __future__ import annotations

import json

from cnamctl.emulator.config import EmulatorConfig
from cnamctl.emulator.domain import cnam_database
from cnamctl.emulator.domain.policies import POLICIES
from cnamctl.emulator.domain.reviewer import Decision, Reviewer, ReviewSubject
from cnamctl.emulator.storage import queries
from cnamctl.emulator.storage.db import Db, Row

DRAFT = "draft"
PENDING = "pending-review"
IN_REVIEW = "in-review"
APPROVED = "twilio-approved"
REJECTED = "twilio-rejected"
STATUSES = (DRAFT, PENDING, IN_REVIEW, REJECTED, APPROVED)
VALIDITY_SECONDS = 365 * 24 * 3600

UNDER_REVIEW = (PENDING, IN_REVIEW)
LOCKED = (*UNDER_REVIEW, APPROVED)

_NO_SCHEDULE = {
    "review_in_review_at": None,
    "review_decide_at": None,
    "review_outcome": None,
    "review_errors": None,
}


def errors_json(codes: list[int] | tuple[int, ...]) -> str | None:
    return json.dumps([{"code": int(code)} for code in codes]) if codes else None


def submit(db: Db, bundle: Row, config: EmulatorConfig) -> None:
    """Mark the bundle pending-review and schedule its review."""
    now, delay = db.now, config.review_delay
    db.update(
        "bundles",
        bundle["sid"],
        status=PENDING,
        errors=None,
        valid_until=None,
        date_updated=now,
        review_in_review_at=now + delay / 2,
        review_decide_at=now + delay,
        review_outcome=None,
        review_errors=None,
    )


def settle(db: Db, reviewer: Reviewer, config: EmulatorConfig) -> None:
    """Apply every review transition due at ``db.now``."""
    system = db.system()
    for sid in queries.due_for_in_review(system, system.now):
        row = system.find("bundles", sid=sid)
        assert row is not None
        system.update("bundles", sid, status=IN_REVIEW, date_updated=row["review_in_review_at"])
    for bundle in queries.due_for_decision(system, system.now):
        subject = ReviewSubject(
            db=system,
            bundle=bundle,
            policy=POLICIES[bundle["policy_sid"]],
            objects=queries.assigned_objects(system, bundle["sid"]),
            config=config,
        )
        decision = reviewer.decide(subject)
        if decision is None:  # a person decides: parked in review
            system.update("bundles", bundle["sid"], status=IN_REVIEW, review_decide_at=None)
        else:
            _apply(system, bundle["sid"], decision, bundle["review_decide_at"])


def decide(db: Db, sid: str, decision: Decision) -> None:
    """An admin's decision, effective now whatever the bundle's status."""
    _apply(db.system(), sid, decision, db.now)


def _apply(db: Db, sid: str, decision: Decision, at: float) -> None:
    db.update(
        "bundles",
        sid,
        status=APPROVED if decision.approved else REJECTED,
        errors=None if decision.approved else errors_json(decision.error_codes),
        date_updated=at,
        valid_until=at + VALIDITY_SECONDS if decision.approved else None,
        **_NO_SCHEDULE,
    )
    cnam_database.decided(db, sid, at)  # Twilio registers (or removes) the CNAM name
