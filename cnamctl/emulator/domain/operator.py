"""What Twilio's people and phones do, which no API call does: decide a review
now, answer a caller-ID validation call. The admin API and the Python API both
act through the :class:`Operator`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from cnamctl.emulator.config import EmulatorConfig
from cnamctl.emulator.domain import review, serialize
from cnamctl.emulator.domain.handlers.caller_ids import complete_validation
from cnamctl.emulator.domain.kinds import KINDS
from cnamctl.emulator.domain.reviewer import Decision, Reviewer
from cnamctl.emulator.domain.rules import normalize_e164
from cnamctl.emulator.storage.db import Database


class Operator:
    def __init__(
        self, database: Database, reviewer: Reviewer, config: Callable[[], EmulatorConfig]
    ) -> None:
        self._database = database
        self._reviewer = reviewer
        self._config = config

    def approve(self, sid: str, kind: str | None = None) -> dict[str, Any]:
        """Approve a trust product or business profile now, whatever its status."""
        return self._decide(sid, kind, Decision.approve())

    def reject(
        self, sid: str, error_codes: list[int] | None = None, kind: str | None = None
    ) -> dict[str, Any]:
        """Reject a bundle with ``error_codes`` (default: the configured reject code)."""
        codes = list(error_codes) if error_codes else [self._config().reject_error_code]
        return self._decide(sid, kind, Decision.reject(codes, ["rejected by an admin"]))

    def _decide(self, sid: str, kind: str | None, decision: Decision) -> dict[str, Any]:
        with self._database.transaction() as db:
            review.settle(db, self._reviewer, self._config())
            row = db.find("bundles", sid=sid)
            if row is None or (kind is not None and row["kind"] != kind):
                raise LookupError(f"no {kind or 'bundle'} {sid}")
            review.decide(db, sid, decision)
            updated = db.find("bundles", sid=sid)
        assert updated is not None
        bundle_kind = next(k for k in KINDS if k.name == updated["kind"])
        return serialize.bundle(updated, bundle_kind)

    def complete_validation(
        self,
        *,
        account_sid: str | None = None,
        phone_number: str | None = None,
        validation_code: str | None = None,
    ) -> dict[str, Any]:
        """Complete a pending caller-ID validation (by number, or by its code)."""
        if not (phone_number or validation_code):
            raise ValueError("give phone_number (with account_sid) or validation_code")
        match: dict[str, Any] = {}
        if account_sid:
            match["account_sid"] = account_sid
        if phone_number:
            match["phone_number"] = normalize_e164(phone_number) or phone_number
        if validation_code:
            match["validation_code"] = validation_code
        with self._database.transaction() as db:
            where = " AND ".join(f"{column} = ?" for column in match)
            rows = db.query(
                f"SELECT * FROM validation_requests WHERE {where}", tuple(match.values())
            )
            if not rows:
                raise LookupError("no pending validation request matches")
            if len(rows) > 1:
                raise ValueError("several pending validation requests match; give account_sid")
            try:
                caller_id = complete_validation(db, rows[0])
            except sqlite3.IntegrityError:
                raise ValueError(f"{rows[0]['phone_number']} is already a caller ID") from None
        return serialize.caller_id(caller_id)

    def pending_validations(self, account_sid: str | None = None) -> list[dict[str, Any]]:
        with self._database.transaction() as db:
            rows = db.query(
                "SELECT * FROM validation_requests WHERE ? IS NULL OR account_sid = ? "
                "ORDER BY date_created",
                (account_sid, account_sid),
            )
        return [serialize.validation_request(row) for row in rows]

    def accounts(self) -> list[str]:
        with self._database.transaction() as db:
            return [str(row[0]) for row in db.query("SELECT sid FROM accounts ORDER BY sid")]
