"""API 2010 IncomingPhoneNumbers: list, fetch and update (FriendlyName, VoiceCallerIdLookup).

Numbers are not bought or released through the emulator; they come from the seed.
The other update parameters of the spec are checked against its enums and SID
patterns, then ignored. The ``PhoneNumber`` list filter takes partial numbers with
``*`` for any digit, as the spec describes; every seeded number has origin
``twilio`` and is not beta.
"""

from __future__ import annotations

import re
import sqlite3

from cnamctl.emulator import errors, serialize
from cnamctl.emulator.http import HTTP_METHODS, Ctx, Reply, boolean, filters, friendly_name
from cnamctl.emulator.paging import api2010_envelope, parse_page_request, sql_page
from cnamctl.emulator.routing import Router
from cnamctl.emulator.rules import normalize_e164
from cnamctl.emulator.sids import is_sid

COLLECTION = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers"
LIST_FILTERS = ("FriendlyName", "Beta", "PhoneNumber", "Origin")
ORIGIN = "twilio"

# Update parameters the emulator ignores, with the values the spec allows.
_ENUMS: dict[str, tuple[str, ...]] = {
    **{
        name: HTTP_METHODS
        for name in (
            "SmsFallbackMethod",
            "SmsMethod",
            "StatusCallbackMethod",
            "VoiceFallbackMethod",
            "VoiceMethod",
        )
    },
    "EmergencyStatus": ("Active", "Inactive"),
    "VoiceReceiveMode": ("voice", "fax"),
}
_SID_PREFIXES = {
    "SmsApplicationSid": "AP",
    "VoiceApplicationSid": "AP",
    "EmergencyAddressSid": "AD",
    "AddressSid": "AD",
    "TrunkSid": "TK",
    "IdentitySid": "RI",
    "BundleSid": "BU",
}
_NOT_A_DIGIT = re.compile(r"[^0-9*+]")


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


def _phone_number_clause(value: str) -> tuple[str, list[object]]:
    """SQL for the PhoneNumber filter: a whole number matches exactly, anything else
    (``415555``, ``+1415***0100``) as a part of the number, ``*`` being any digit."""
    e164 = None if "*" in value else normalize_e164(value)
    if e164 is not None:
        return "phone_number = ?", [e164]
    pattern = _NOT_A_DIGIT.sub("", value).replace("*", "_")
    if not pattern.strip("+"):
        return "0", []  # no digit to match: nothing matches
    return "phone_number LIKE ?", [f"%{pattern}%"]


def _list_where(ctx: Ctx) -> tuple[str, list[object]]:
    query = ctx.query
    where: list[str] = ["account_sid = ?"]
    args: list[object] = [ctx.account_sid]
    boolean("Beta", query.get("Beta"))  # only validated: no seeded number is beta
    if query.get("Origin") and query["Origin"] != ORIGIN:
        where.append("0")
    if query.get("PhoneNumber"):
        clause, clause_args = _phone_number_clause(query["PhoneNumber"])
        where.append(clause)
        args += clause_args
    if query.get("FriendlyName"):
        where.append("friendly_name = ?")
        args.append(query["FriendlyName"])
    return " AND ".join(where), args


def list_numbers(ctx: Ctx) -> Reply:
    req = parse_page_request(ctx.query)
    where, args = _list_where(ctx)
    page = sql_page(ctx.conn, "SELECT * FROM phone_numbers", where, args, req)
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
    for param, allowed in _ENUMS.items():
        ctx.choice(param, allowed)
    for param, prefix in _SID_PREFIXES.items():
        if ctx.optional(param):
            ctx.sid_param(param, prefix)
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
