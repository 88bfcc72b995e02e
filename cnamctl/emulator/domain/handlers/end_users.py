"""Trust Hub EndUsers; ``cnam_information`` end users carry the CNAM display name.

``Attributes`` arrives as a JSON string in the form body. A cnam_information end
user is saved whatever its display name (Twilio's review decides, with 11009 or
11008); with ``display_name_check = "save"`` an invalid name is refused when the
end user is created or updated (400 / 11009). Its attributes cannot change while
a bundle it is assigned to is under review or approved (60711).
"""

from __future__ import annotations

import json
from typing import Any

from cnamctl.emulator.config import EmulatorConfig
from cnamctl.emulator.domain import errors, review, rules, serialize
from cnamctl.emulator.domain.context import Ctx, Reply, friendly_name
from cnamctl.emulator.domain.kinds import TRUSTHUB
from cnamctl.emulator.domain.policies import CNAM_INFORMATION, END_USER_TYPES
from cnamctl.emulator.domain.sids import new_sid
from cnamctl.emulator.storage import queries
from cnamctl.emulator.storage.db import Row
from cnamctl.emulator.storage.paging import parse_page_request, v1_envelope

COLLECTION = "/v1/EndUsers"


def _load(ctx: Ctx) -> Row:
    return ctx.owned("end_users", "IT")


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


def check_attributes(
    end_user_type: str, attributes: dict[str, Any], config: EmulatorConfig
) -> None:
    if end_user_type == CNAM_INFORMATION.type and config.display_name_check == "save":
        problem = rules.display_name_problem(attributes.get("cnam_display_name"))
        if problem:
            raise errors.bad_display_name(problem)


def list_end_users(ctx: Ctx) -> Reply:
    req = parse_page_request(ctx.query)
    page, records = ctx.db.page(
        "end_users", "account_sid = ?", [ctx.account_sid], req, serialize.end_user
    )
    return Reply(200, v1_envelope(TRUSTHUB + COLLECTION, [], req, page, records))


def create_end_user(ctx: Ctx) -> Reply:
    name = friendly_name(ctx.required("FriendlyName"))
    end_user_type = ctx.required("Type")
    if end_user_type not in END_USER_TYPES:
        raise errors.bad_end_user_type(end_user_type)
    attributes = _attributes(ctx.optional("Attributes"))
    check_attributes(end_user_type, attributes, ctx.config)
    row = ctx.db.insert(
        "end_users",
        sid=new_sid("IT"),
        account_sid=ctx.account_sid,
        friendly_name=name,
        type=end_user_type,
        attributes=json.dumps(attributes),
        date_created=ctx.now,
        date_updated=ctx.now,
    )
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
            locked = queries.status_of_bundle_holding(ctx.db, row["sid"], review.LOCKED)
            if locked is not None:
                raise errors.status_locked(locked)
            check_attributes(row["type"], new_attributes, ctx.config)
            attributes = new_attributes
    updated = ctx.db.update(
        "end_users",
        row["sid"],
        friendly_name=friendly_name(name) if name else row["friendly_name"],
        attributes=json.dumps(attributes),
        date_updated=ctx.now,
    )
    return Reply(200, serialize.end_user(updated))


def delete_end_user(ctx: Ctx) -> Reply:
    row = _load(ctx)
    holder = queries.first_holder(ctx.db, row["sid"])
    if holder is not None:
        raise errors.conflict(
            f"End User {row['sid']} is assigned to {holder}; remove that assignment first"
        )
    ctx.db.delete("end_users", sid=row["sid"])
    return Reply(204)


ROUTES = [
    ("GET", COLLECTION, list_end_users),
    ("POST", COLLECTION, create_end_user),
    ("GET", f"{COLLECTION}/{{Sid}}", fetch_end_user),
    ("POST", f"{COLLECTION}/{{Sid}}", update_end_user),
    ("DELETE", f"{COLLECTION}/{{Sid}}", delete_end_user),
]
