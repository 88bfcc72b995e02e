"""API 2010 OutgoingCallerIds and ValidationRequests.

``POST .../OutgoingCallerIds.json`` starts a validation: it answers a 6-digit
``validation_code`` (200, as Twilio). The caller ID appears once the validation is
completed: by the admin call ``POST /_emulator/validation-requests/complete`` (the
person entering the code on their phone), or at once with ``auto_verify_caller_ids``.
"""

from __future__ import annotations

import secrets
import sqlite3

from cnamctl.emulator import errors, serialize
from cnamctl.emulator.http import HTTP_METHODS, Ctx, Reply, callback_url, filters, friendly_name
from cnamctl.emulator.paging import api2010_envelope, parse_page_request, sql_page
from cnamctl.emulator.routing import Router
from cnamctl.emulator.rules import national_format, normalize_e164
from cnamctl.emulator.sids import is_sid, new_sid

COLLECTION = "/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds"
LIST_FILTERS = ("PhoneNumber", "FriendlyName")


def register(router: Router) -> None:
    router.add("GET", f"{COLLECTION}.json", list_caller_ids)
    router.add("POST", f"{COLLECTION}.json", create_validation_request)
    router.add("GET", f"{COLLECTION}/{{Sid}}.json", fetch_caller_id)
    router.add("POST", f"{COLLECTION}/{{Sid}}.json", update_caller_id)
    router.add("DELETE", f"{COLLECTION}/{{Sid}}.json", delete_caller_id)


def _load(ctx: Ctx) -> sqlite3.Row:
    sid = ctx.params["Sid"]
    row = None
    if is_sid(sid, "PN"):
        row = ctx.conn.execute(
            "SELECT * FROM caller_ids WHERE sid = ? AND account_sid = ?", (sid, ctx.account_sid)
        ).fetchone()
    if row is None:
        raise ctx.not_found()
    return row


def list_caller_ids(ctx: Ctx) -> Reply:
    req = parse_page_request(ctx.query)
    where, args = ["account_sid = ?"], [ctx.account_sid]
    if ctx.query.get("PhoneNumber"):
        where.append("phone_number = ?")
        args.append(normalize_e164(ctx.query["PhoneNumber"]) or ctx.query["PhoneNumber"])
    if ctx.query.get("FriendlyName"):
        where.append("friendly_name = ?")
        args.append(ctx.query["FriendlyName"])
    page = sql_page(ctx.conn, "SELECT * FROM caller_ids", " AND ".join(where), args, req)
    uri = f"/2010-04-01/Accounts/{ctx.account_sid}/OutgoingCallerIds.json"
    records = [serialize.caller_id(row) for row in page.items]
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
        ctx.conn.execute(
            "UPDATE caller_ids SET friendly_name = ?, date_updated = ? WHERE sid = ?",
            (friendly_name(name), ctx.now, row["sid"]),
        )
    return Reply(200, serialize.caller_id(_load(ctx)))


def delete_caller_id(ctx: Ctx) -> Reply:
    row = _load(ctx)
    ctx.conn.execute("DELETE FROM caller_ids WHERE sid = ?", (row["sid"],))
    return Reply(204)


def create_validation_request(ctx: Ctx) -> Reply:
    raw = ctx.required("PhoneNumber")
    phone_number = normalize_e164(raw)
    if phone_number is None:
        raise errors.invalid_phone_number(raw)
    name = friendly_name(ctx.optional("FriendlyName") or national_format(phone_number))
    _check_call_options(ctx)
    exists = ctx.conn.execute(
        "SELECT 1 FROM caller_ids WHERE account_sid = ? AND phone_number = ?",
        (ctx.account_sid, phone_number),
    ).fetchone()
    if exists is not None:
        raise errors.caller_id_exists()
    call_sid = new_sid("CA")
    code = f"{secrets.randbelow(1_000_000):06d}"
    # A new request for the same number replaces a pending one (a fresh call and code).
    ctx.conn.execute(
        "DELETE FROM validation_requests WHERE account_sid = ? AND phone_number = ?",
        (ctx.account_sid, phone_number),
    )
    ctx.conn.execute(
        """
        INSERT INTO validation_requests (call_sid, account_sid, phone_number, friendly_name,
            validation_code, date_created)
        VALUES (?, ?, ?, ?, ?, ?)
        """,
        (call_sid, ctx.account_sid, phone_number, name, code, ctx.now),
    )
    request = ctx.conn.execute(
        "SELECT * FROM validation_requests WHERE call_sid = ?", (call_sid,)
    ).fetchone()
    if ctx.config.auto_verify_caller_ids:
        complete_validation(ctx.conn, request, ctx.now)
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


def complete_validation(conn: sqlite3.Connection, request: sqlite3.Row, now: float) -> sqlite3.Row:
    """The person answered and entered the code: the caller ID now exists."""
    sid = new_sid("PN")
    conn.execute(
        """
        INSERT INTO caller_ids (sid, account_sid, phone_number, friendly_name, date_created,
            date_updated)
        VALUES (?, ?, ?, ?, ?, ?)
        """,
        (sid, request["account_sid"], request["phone_number"], request["friendly_name"], now, now),
    )
    conn.execute("DELETE FROM validation_requests WHERE call_sid = ?", (request["call_sid"],))
    return conn.execute("SELECT * FROM caller_ids WHERE sid = ?", (sid,)).fetchone()
