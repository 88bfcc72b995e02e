"""Review simulation: submitted bundles move on by themselves, computed lazily.

On submission the bundle gets a schedule (stored in its ``review_*`` columns):
pending-review until ``submitted + delay/2``, in-review until ``submitted + delay``,
then the outcome decided at submission time:

- ``auto-approve``: twilio-approved, unless the CNAM display name holds a
  prohibited term, then twilio-rejected with error 11008;
- ``auto-reject``: twilio-rejected with the configured error code;
- ``manual``: no outcome; the bundle waits in in-review for an admin decision.

:func:`settle` applies every transition that is due; the app calls it at the start
of each request's transaction, so state is always current when read, survives
restarts, and needs no background thread.
"""

from __future__ import annotations

import json
import sqlite3

from cnamctl.emulator.config import EmulatorConfig

APPROVED = "twilio-approved"
REJECTED = "twilio-rejected"
PROHIBITED_CONTENT = 11008
VALIDITY_SECONDS = 365 * 24 * 3600

UNDER_REVIEW = ("pending-review", "in-review")
LOCKED = (*UNDER_REVIEW, APPROVED)


def errors_json(codes: list[int]) -> str | None:
    return json.dumps([{"code": int(code)} for code in codes]) if codes else None


def submit(
    conn: sqlite3.Connection, sid: str, now: float, config: EmulatorConfig, prohibited: bool
) -> None:
    """Mark ``sid`` pending-review and schedule its review per ``config``."""
    delay = config.review_delay
    outcome: str | None = None
    errors: str | None = None
    decide_at: float | None = now + delay
    if config.review_mode == "manual":
        decide_at = None
    elif config.review_mode == "auto-reject":
        outcome, errors = REJECTED, errors_json([config.reject_error_code])
    elif prohibited:
        outcome, errors = REJECTED, errors_json([PROHIBITED_CONTENT])
    else:
        outcome = APPROVED
    conn.execute(
        """
        UPDATE bundles SET status = 'pending-review', errors = NULL, valid_until = NULL,
            date_updated = ?, review_in_review_at = ?, review_decide_at = ?,
            review_outcome = ?, review_errors = ?
        WHERE sid = ?
        """,
        (now, now + delay / 2, decide_at, outcome, errors, sid),
    )


def settle(conn: sqlite3.Connection, now: float) -> None:
    """Apply every review transition due at ``now`` (timestamps are the scheduled ones)."""
    conn.execute(
        """
        UPDATE bundles SET status = 'in-review', date_updated = review_in_review_at
        WHERE review_in_review_at <= ? AND status = 'pending-review'
        """,
        (now,),
    )
    conn.execute(
        """
        UPDATE bundles SET status = review_outcome, errors = review_errors,
            date_updated = review_decide_at,
            valid_until = CASE WHEN review_outcome = ? THEN review_decide_at + ? END,
            review_in_review_at = NULL, review_decide_at = NULL,
            review_outcome = NULL, review_errors = NULL
        WHERE review_in_review_at IS NOT NULL AND review_decide_at <= ?
            AND review_outcome IS NOT NULL AND status IN ('pending-review', 'in-review')
        """,
        (APPROVED, VALIDITY_SECONDS, now),
    )


def decide(
    conn: sqlite3.Connection, sid: str, approved: bool, error_codes: list[int], now: float
) -> None:
    """An admin's decision: approve, or reject with ``error_codes``; ends any schedule."""
    conn.execute(
        """
        UPDATE bundles SET status = ?, errors = ?, date_updated = ?, valid_until = ?,
            review_in_review_at = NULL, review_decide_at = NULL,
            review_outcome = NULL, review_errors = NULL
        WHERE sid = ?
        """,
        (
            APPROVED if approved else REJECTED,
            None if approved else errors_json(error_codes),
            now,
            now + VALIDITY_SECONDS if approved else None,
            sid,
        ),
    )
