"""Trust Hub EndUsers; ``cnam_information`` end users carry the CNAM display name.

``Attributes`` arrives as a JSON string in the form body. A cnam_information end
user's ``cnam_display_name`` is checked when it is created or updated (11009), and
its attributes cannot change while a bundle it is assigned to is under review or
approved (60711).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from cnamctl.emulator import errors, review, rules, serialize
from cnamctl.emulator.http import Ctx, Reply, friendly_name
from cnamctl.emulator.kinds import TRUSTHUB
from cnamctl.emulator.paging import parse_page_request, sql_page, v1_envelope
from cnamctl.emulator.policies import CNAM_INFORMATION, END_USER_TYPES
from cnamctl.emulator.routing import Router
from cnamctl.emulator.sids import is_sid, new_sid

COLLECTION = "/v1/EndUsers"


def register(router: Router) -> None:
    router.add("GET", COLLECTION, list_end_users)
    router.add("POST", COLLECTION, create_end_user)
    router.add("GET", f"{COLLECTION}/{{Sid}}", fetch_end_user)
    router.add("POST", f"{COLLECTION}/{{Sid}}", update_end_user)
    router.add("DELETE", f"{COLLECTION}/{{Sid}}", delete_end_user)


def _load(ctx: Ctx) -> sqlite3.Row:
    sid = ctx.params["Sid"]
    row = None
    if is_sid(sid, "IT"):
        row = ctx.conn.execute(
            "SELECT * FROM end_users WHERE sid = ? AND account_sid = ?", (sid, ctx.account_sid)
        ).fetchone()
    if row is None:
        raise ctx.not_found()
    return row


def _attributes(raw: str | None) -> dict[str, Any]:
    if raw is None or raw == "":
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise errors.bad_attributes() from None
    if not isinstance(value, dict):
        raise errors.bad_attributes()
    return value


def check_attributes(end_user_type: str, attributes: dict[str, Any]) -> None:
    if end_user_type == CNAM_INFORMATION.type:
        problem = rules.display_name_problem(attributes.get("cnam_display_name"))
        if problem:
            raise errors.bad_display_name(problem)


def list_end_users(ctx: Ctx) -> Reply:
    req = parse_page_request(ctx.query)
    page = sql_page(ctx.conn, "SELECT * FROM end_users", "account_sid = ?", [ctx.account_sid], req)
    records = [serialize.end_user(row) for row in page.items]
    return Reply(200, v1_envelope(TRUSTHUB + COLLECTION, [], req, page, records))


def create_end_user(ctx: Ctx) -> Reply:
    name = friendly_name(ctx.required("FriendlyName"))
    end_user_type = ctx.required("Type")
    if end_user_type not in END_USER_TYPES:
        raise errors.bad_end_user_type(end_user_type)
    attributes = _attributes(ctx.optional("Attributes"))
    check_attributes(end_user_type, attributes)
    sid = new_sid("IT")
    ctx.conn.execute(
        """
        INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes,
            date_created, date_updated)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        (sid, ctx.account_sid, name, end_user_type, json.dumps(attributes), ctx.now, ctx.now),
    )
    row = ctx.conn.execute("SELECT * FROM end_users WHERE sid = ?", (sid,)).fetchone()
    return Reply(201, serialize.end_user(row))


def fetch_end_user(ctx: Ctx) -> Reply:
    return Reply(200, serialize.end_user(_load(ctx)))


def update_end_user(ctx: Ctx) -> Reply:
    row = _load(ctx)
    name = ctx.optional("FriendlyName")
    raw = ctx.optional("Attributes")
    attributes = json.loads(row["attributes"])
    if raw is not None:
        new_attributes = _attributes(raw)
        if new_attributes != attributes:
            locked = ctx.conn.execute(
                f"""
                SELECT b.status FROM entity_assignments ea JOIN bundles b ON b.sid = ea.bundle_sid
                WHERE ea.object_sid = ? AND b.status IN ({", ".join("?" * len(review.LOCKED))})
                LIMIT 1
                """,
                (row["sid"], *review.LOCKED),
            ).fetchone()
            if locked is not None:
                raise errors.status_locked(locked[0])
            check_attributes(row["type"], new_attributes)
            attributes = new_attributes
    ctx.conn.execute(
        "UPDATE end_users SET friendly_name = ?, attributes = ?, date_updated = ? WHERE sid = ?",
        (
            friendly_name(name) if name else row["friendly_name"],
            json.dumps(attributes),
            ctx.now,
            row["sid"],
        ),
    )
    return Reply(200, serialize.end_user(_load(ctx)))


def delete_end_user(ctx: Ctx) -> Reply:
    row = _load(ctx)
    holder = ctx.conn.execute(
        "SELECT bundle_sid FROM entity_assignments WHERE object_sid = ? LIMIT 1", (row["sid"],)
    ).fetchone()
    if holder is not None:
        raise errors.conflict(
            f"End User {row['sid']} is assigned to {holder[0]}; remove that assignment first"
        )
    ctx.conn.execute("DELETE FROM end_users WHERE sid = ?", (row["sid"],))
    return Reply(204)
