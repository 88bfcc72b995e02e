"""The joins the Trust Hub rules need, named by what they answer.

All of them read the current state (they back the checks of writes and
reviews), through :meth:`Db.query`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cnamctl.emulator.storage.db import Db


@dataclass(frozen=True)
class Assigned:
    """An object entity-assigned to a bundle: an end user or a business profile."""

    sid: str
    end_user_type: str | None
    attributes: dict[str, Any]
    profile_status: str | None
    profile_policy: str | None


def assigned_objects(db: Db, bundle_sid: str) -> list[Assigned]:
    rows = db.query(
        """
        SELECT ea.object_sid, eu.type, eu.attributes, b.status, b.policy_sid
        FROM entity_assignments ea
        LEFT JOIN end_users eu ON eu.sid = ea.object_sid
        LEFT JOIN bundles b ON b.sid = ea.object_sid AND b.kind = 'customer_profile'
        WHERE ea.bundle_sid = ?
        ORDER BY ea.sid
        """,
        (bundle_sid,),
    )
    return [
        Assigned(
            sid=row[0],
            end_user_type=row[1],
            attributes=json.loads(row[2]) if row[2] else {},
            profile_status=row[3],
            profile_policy=row[4],
        )
        for row in rows
    ]


def first_holder(db: Db, object_sid: str) -> str | None:
    """A bundle ``object_sid`` (an end user or a profile) is entity-assigned to."""
    row = db.find("entity_assignments", object_sid=object_sid)
    return None if row is None else str(row["bundle_sid"])


def number_on_products_profile(db: Db, product_sid: str, number_sid: str) -> bool:
    """Whether the number is on a business profile entity-assigned to the product."""
    return bool(
        db.query(
            """
            SELECT 1 FROM entity_assignments ea
            JOIN bundles profile ON profile.sid = ea.object_sid
                AND profile.kind = 'customer_profile'
            JOIN channel_assignments ca ON ca.bundle_sid = profile.sid
            WHERE ea.bundle_sid = ? AND ca.channel_endpoint_sid = ?
            LIMIT 1
            """,
            (product_sid, number_sid),
        )
    )


def number_holder(db: Db, number_sid: str, bundle_sid: str, group: str | None) -> str | None:
    """The bundle holding the number already: this one, or another of ``group``."""
    rows = db.query(
        """
        SELECT bundle_sid FROM channel_assignments
        WHERE channel_endpoint_sid = ?
            AND (bundle_sid = ? OR (? IS NOT NULL AND exclusive_group = ?))
        LIMIT 1
        """,
        (number_sid, bundle_sid, group, group),
    )
    return str(rows[0][0]) if rows else None


def product_using_profile_number(db: Db, profile_sid: str, number_sid: str) -> str | None:
    """A trust product that holds the number through this business profile."""
    rows = db.query(
        """
        SELECT ca.bundle_sid FROM channel_assignments ca
        JOIN entity_assignments ea ON ea.bundle_sid = ca.bundle_sid
        WHERE ea.object_sid = ? AND ca.channel_endpoint_sid = ?
        LIMIT 1
        """,
        (profile_sid, number_sid),
    )
    return str(rows[0][0]) if rows else None


def status_of_bundle_holding(db: Db, object_sid: str, statuses: Sequence[str]) -> str | None:
    """The status of a bundle in ``statuses`` that ``object_sid`` is assigned to."""
    rows = db.query(
        f"""
        SELECT b.status FROM entity_assignments ea JOIN bundles b ON b.sid = ea.bundle_sid
        WHERE ea.object_sid = ? AND b.status IN ({", ".join("?" * len(statuses))})
        LIMIT 1
        """,
        (object_sid, *statuses),
    )
    return str(rows[0][0]) if rows else None


def registered_display_names(db: Db, policy_sid: str, except_account: str) -> list[str]:
    """Display names of approved products of ``policy_sid`` in other accounts."""
    rows = db.query(
        """
        SELECT eu.attributes FROM bundles b
        JOIN entity_assignments ea ON ea.bundle_sid = b.sid
        JOIN end_users eu ON eu.sid = ea.object_sid AND eu.type = 'cnam_information'
        WHERE b.policy_sid = ? AND b.status = 'twilio-approved' AND b.account_sid != ?
        """,
        (policy_sid, except_account),
    )
    names = (json.loads(row[0]).get("cnam_display_name") for row in rows)
    return [name for name in names if isinstance(name, str)]


def business_names(db: Db, profile_sid: str) -> list[str]:
    """What a business profile calls the business: its business_information end
    users' ``business_name``, and its own friendly name."""
    rows = db.query(
        """
        SELECT eu.attributes FROM entity_assignments ea
        JOIN end_users eu ON eu.sid = ea.object_sid
            AND eu.type = 'customer_profile_business_information'
        WHERE ea.bundle_sid = ?
        """,
        (profile_sid,),
    )
    names = [json.loads(row[0]).get("business_name") for row in rows]
    profile = db.find("bundles", sid=profile_sid)
    if profile is not None:
        names.append(profile["friendly_name"])
    return [name for name in names if isinstance(name, str) and name.strip()]


def business_websites(db: Db, profile_sid: str) -> list[str]:
    """The ``website_url`` of a business profile's business_information end users."""
    rows = db.query(
        """
        SELECT eu.attributes FROM entity_assignments ea
        JOIN end_users eu ON eu.sid = ea.object_sid
            AND eu.type = 'customer_profile_business_information'
        WHERE ea.bundle_sid = ?
        """,
        (profile_sid,),
    )
    sites = [json.loads(row[0]).get("website_url") for row in rows]
    return [site for site in sites if isinstance(site, str) and site.strip()]


def due_for_in_review(db: Db, now: float) -> list[str]:
    rows = db.query(
        "SELECT sid FROM bundles WHERE review_in_review_at <= ? AND status = 'pending-review'",
        (now,),
    )
    return [str(row[0]) for row in rows]


def due_for_decision(db: Db, now: float) -> list[Any]:
    return db.query(
        """
        SELECT * FROM bundles
        WHERE review_in_review_at IS NOT NULL AND review_decide_at <= ?
            AND status IN ('pending-review', 'in-review')
        ORDER BY review_decide_at, sid
        """,
        (now,),
    )
