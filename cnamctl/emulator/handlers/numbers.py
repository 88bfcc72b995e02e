"""API 2010 IncomingPhoneNumbers: list, fetch and update (FriendlyName, VoiceCallerIdLookup).

Numbers are not bought or released through the emulator; they come from the seed.
Other update parameters of the spec are accepted and ignored.
"""

from __future__ import annotations

import sqlite3

from cnamctl.emulator import errors, serialize
from cnamctl.emulator.http import Ctx, Reply, filters, friendly_name
from cnamctl.emulator.paging import api2010_envelope, parse_page_request, sql_page
from cnamctl.emulator.routing import Router
from cnamctl.emulator.rules import normalize_e164
from cnamctl.emulator.sids import is_sid

COLLECTION = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers"
LIST_FILTERS = ("FriendlyName", "Beta", "PhoneNumber", "Origin")


def register(router: Router) -> None:
    router.add("GET", f"{COLLECTION}.json", list_numbers)
    router.add("GET", f"{COLLECTION}/{{Sid}}.json", fetch_number)
    router.add("POST", f"{COLLECTION}/{{Sid}}.json", update_number)


def _load(ctx: Ctx) -> sqlite3.Row:
    sid = ctx.params["Sid"]
    row = None
    if is_sid(sid, "PN"):
        row = ctx.conn.execute(
            "SELECT * FROM phone_numbers WHERE sid = ? AND account_sid = ?", (sid, ctx.account_sid)
        ).fetchone()
    if row is None:
        raise ctx.not_found()
    return row


def list_numbers(ctx: Ctx) -> Reply:
    req = parse_page_request(ctx.query)
    where, args = ["account_sid = ?"], [ctx.account_sid]
    if ctx.query.get("PhoneNumber"):
        where.append("phone_number = ?")
        args.append(normalize_e164(ctx.query["PhoneNumber"]) or ctx.query["PhoneNumber"])
    if ctx.query.get("FriendlyName"):
        where.append("friendly_name = ?")
        args.append(ctx.query["FriendlyName"])
    page = sql_page(ctx.conn, "SELECT * FROM phone_numbers", " AND ".join(where), args, req)
    uri = f"/2010-04-01/Accounts/{ctx.account_sid}/IncomingPhoneNumbers.json"
    records = [serialize.incoming_number(row) for row in page.items]
    body = api2010_envelope(
        "incoming_phone_numbers", uri, filters(ctx.query, LIST_FILTERS), req, page, records
    )
    return Reply(200, body)


def fetch_number(ctx: Ctx) -> Reply:
    return Reply(200, serialize.incoming_number(_load(ctx)))


def update_number(ctx: Ctx) -> Reply:
    row = _load(ctx)
    target = ctx.optional("AccountSid")
    if target not in (None, "", ctx.account_sid):
        raise errors.invalid_param("AccountSid", "moving numbers between accounts is not supported")
    name = ctx.optional("FriendlyName")
    lookup = ctx.flag("VoiceCallerIdLookup")
    ctx.conn.execute(
        """
        UPDATE phone_numbers SET friendly_name = ?, voice_caller_id_lookup = ?, date_updated = ?
        WHERE sid = ?
        """,
        (
            friendly_name(name) if name else row["friendly_name"],
            int(lookup) if lookup is not None else row["voice_caller_id_lookup"],
            ctx.now,
            row["sid"],
        ),
    )
    return Reply(200, serialize.incoming_number(_load(ctx)))
