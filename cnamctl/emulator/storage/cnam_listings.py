"""The rows of the emulator's CNAM database, and the Trust Hub join that says what
a number should be listed with.

``cnam_listings`` is an append-only history per phone number (``store.py``):
what Twilio registered, and when. It is not a Twilio resource: no SID, no
read-after-write lag, no rendered-row cache, so it is read and written here
directly through the request's transaction (``Db.query`` / ``Db.conn``), never
by the handlers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cnamctl import CNAM_POLICY_SID
from cnamctl.emulator.storage.db import Db

CNAM_INFORMATION = "cnam_information"
DISPLAY_NAME_ATTRIBUTE = "cnam_display_name"


@dataclass(frozen=True)
class Listing:
    """One row: the name a number was listed with from ``registered_at`` on
    (``caller_name`` None: the listing was removed)."""

    caller_name: str | None
    caller_type: str | None
    bundle_sid: str | None
    registered_at: float


@dataclass(frozen=True)
class Registration:
    """What Trust Hub says a number should be listed with now: the display name of
    the approved CNAM trust product holding it, since when that has been so."""

    bundle_sid: str
    display_name: str | None
    since: float  # the later of the product's approval and the number's assignment


def _listing(row: Sequence[Any]) -> Listing:
    name, kind, bundle, at = row
    return Listing(name, kind, bundle, float(at))


def latest(db: Db, phone_number: str) -> Listing | None:
    """The newest row of ``phone_number``, visible to lookups yet or not."""
    rows = db.query(
        "SELECT caller_name, caller_type, bundle_sid, registered_at FROM cnam_listings "
        "WHERE phone_number = ? ORDER BY registered_at DESC, id DESC LIMIT 1",
        (phone_number,),
    )
    return _listing(rows[0]) if rows else None


def visible(db: Db, phone_number: str, registered_by: float) -> Listing | None:
    """The newest row of ``phone_number`` registered at or before ``registered_by``."""
    rows = db.query(
        "SELECT caller_name, caller_type, bundle_sid, registered_at FROM cnam_listings "
        "WHERE phone_number = ? AND registered_at <= ? "
        "ORDER BY registered_at DESC, id DESC LIMIT 1",
        (phone_number, registered_by),
    )
    return _listing(rows[0]) if rows else None


def append(db: Db, phone_number: str, listing: Listing) -> None:
    db.conn.execute(
        "INSERT INTO cnam_listings (phone_number, caller_name, caller_type, bundle_sid, "
        "registered_at) VALUES (?, ?, ?, ?, ?)",
        (
            phone_number,
            listing.caller_name,
            listing.caller_type,
            listing.bundle_sid,
            listing.registered_at,
        ),
    )


def numbers_of(db: Db, bundle_sid: str) -> list[str]:
    """The E.164 numbers assigned to a bundle, if it is a CNAM trust product."""
    rows = db.query(
        """
        SELECT pn.phone_number FROM channel_assignments ca
        JOIN bundles b ON b.sid = ca.bundle_sid AND b.policy_sid = ?
        JOIN phone_numbers pn ON pn.sid = ca.channel_endpoint_sid
        WHERE ca.bundle_sid = ?
        ORDER BY pn.phone_number
        """,
        (CNAM_POLICY_SID, bundle_sid),
    )
    return [str(row[0]) for row in rows]


def registration(db: Db, phone_number: str) -> Registration | None:
    """The approved CNAM trust product holding ``phone_number`` (in any account: the
    CNAM databases are shared by everyone), with its display name."""
    rows = db.query(
        """
        SELECT b.sid, b.date_updated, ca.date_created FROM phone_numbers pn
        JOIN channel_assignments ca ON ca.channel_endpoint_sid = pn.sid
        JOIN bundles b ON b.sid = ca.bundle_sid
        WHERE pn.phone_number = ? AND b.policy_sid = ? AND b.status = 'twilio-approved'
        ORDER BY b.date_updated, b.sid
        LIMIT 1
        """,
        (phone_number, CNAM_POLICY_SID),
    )
    if not rows:
        return None
    bundle_sid, approved_at, assigned_at = rows[0]
    names = db.query(
        """
        SELECT eu.attributes FROM entity_assignments ea
        JOIN end_users eu ON eu.sid = ea.object_sid AND eu.type = ?
        WHERE ea.bundle_sid = ?
        ORDER BY ea.sid
        LIMIT 1
        """,
        (CNAM_INFORMATION, bundle_sid),
    )
    name = _display_name(names[0][0]) if names else None
    return Registration(str(bundle_sid), name, max(float(approved_at), float(assigned_at)))


def _display_name(attributes: str) -> str | None:
    try:
        value = json.loads(attributes).get(DISPLAY_NAME_ATTRIBUTE)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value.strip() else None
