"""API 2010 OutgoingCallerIds and ValidationRequests.

``POST .../OutgoingCallerIds.json`` starts a validation: it answers a 6-digit
``validation_code`` (200, as Twilio). The caller ID appears once the validation is
completed: by the admin call ``POST /_emulator/validation-requests/complete`` (the
person entering the code on their phone), or at once with ``auto_verify_caller_ids``.
"""

from __future__ import annotations

import secrets

from cnamctl.emulator.domain import errors, serialize
from cnamctl.emulator.domain.context import (
    HTTP_METHODS,
    Ctx,
    Reply,
    callback_url,
    filters,
    friendly_name,
)
from cnamctl.emulator.domain.rules import national_format, normalize_e164
from cnamctl.emulator.domain.sids import new_sid
from cnamctl.emulator.storage.db import Db, Row
from cnamctl.emulator.storage.paging import api2010_envelope, parse_page_request

COLLECTION = "/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds"
LIST_FILTERS = ("PhoneNumber", "FriendlyName")


def _load(ctx: Ctx) -> Row:
    return ctx.owned("caller_ids", "PN")


def list_caller_ids(ctx: Ctx) -> Reply:
    req = parse_page_request(ctx.query)
    where, args = ["account_sid = ?"], [ctx.account_sid]
    if ctx.query.get("PhoneNumber"):
        where.append("phone_number = ?")
        args.append(normalize_e164(ctx.query["PhoneNumber"]) or ctx.query["PhoneNumber"])
    if ctx.query.get("FriendlyName"):
        where.append("friendly_name = ?")
        args.append(ctx.query["FriendlyName"])
    page, records = ctx.db.page("caller_ids", " AND ".join(where), args, req, serialize.caller_id)
    uri = f"/2010-04-01/Accounts/{ctx.account_sid}/OutgoingCallerIds.json"
    body = api2010_envelope(
        "outgoing_caller_ids", uri, filters(ctx.query, LIST_FILTERS), req, page, records
    )
    return Reply(200, body)


def fetch_caller_id(ctx: Ctx) -> Reply:
    return Reply(200, serialize.caller_id(_load(ctx)))


def update_caller_id(ctx: Ctx) -> Reply:
    row = _load(ctx)
    name = ctx.optional("FriendlyName")
    if name:
        row = ctx.db.update(
            "caller_ids", row["sid"], friendly_name=friendly_name(name), date_updated=ctx.now
        )
    return Reply(200, serialize.caller_id(row))


def delete_caller_id(ctx: Ctx) -> Reply:
    row = _load(ctx)
    ctx.db.delete("caller_ids", sid=row["sid"])
    return Reply(204)


def create_validation_request(ctx: Ctx) -> Reply:
    raw = ctx.required("PhoneNumber")
    phone_number = normalize_e164(raw)
    if phone_number is None:
        raise errors.invalid_phone_number(raw)
    name = friendly_name(ctx.optional("FriendlyName") or national_format(phone_number))
    _check_call_options(ctx)
    if ctx.db.exists("caller_ids", account_sid=ctx.account_sid, phone_number=phone_number):
        raise errors.caller_id_exists()
    # A new request for the same number replaces a pending one (a fresh call and code).
    ctx.db.delete(
        "validation_requests", "call_sid", account_sid=ctx.account_sid, phone_number=phone_number
    )
    request = ctx.db.insert(
        "validation_requests",
        call_sid=new_sid("CA"),
        account_sid=ctx.account_sid,
        phone_number=phone_number,
        friendly_name=name,
        validation_code=f"{secrets.randbelow(1_000_000):06d}",
        date_created=ctx.now,
    )
    if ctx.config.auto_verify_caller_ids:
        complete_validation(ctx.db, request)
    return Reply(200, serialize.validation_request(request))


def _check_call_options(ctx: Ctx) -> None:
    delay = ctx.optional("CallDelay")
    if delay not in (None, "") and not (delay.isdigit() and 0 <= int(delay) <= 60):
        raise errors.invalid_param("CallDelay", "must be between 0 and 60")
    extension = ctx.optional("Extension")
    if extension and not all(ch in "0123456789wW#*" for ch in extension):
        raise errors.invalid_param("Extension", "must be digits")
    ctx.choice("StatusCallbackMethod", HTTP_METHODS)
    callback_url(ctx.optional("StatusCallback"))


def complete_validation(db: Db, request: Row) -> Row:
    """The person answered and entered the code: the caller ID now exists."""
    caller_id = db.insert(
        "caller_ids",
        sid=new_sid("PN"),
        account_sid=request["account_sid"],
        phone_number=request["phone_number"],
        friendly_name=request["friendly_name"],
        date_created=db.now,
        date_updated=db.now,
    )
    db.delete("validation_requests", "call_sid", call_sid=request["call_sid"])
    return caller_id


ROUTES = [
    ("GET", f"{COLLECTION}.json", list_caller_ids),
    ("POST", f"{COLLECTION}.json", create_validation_request),
    ("GET", f"{COLLECTION}/{{Sid}}.json", fetch_caller_id),
    ("POST", f"{COLLECTION}/{{Sid}}.json", update_caller_id),
    ("DELETE", f"{COLLECTION}/{{Sid}}.json", delete_caller_id),
]
