"""API 2010 IncomingPhoneNumbers: list, fetch and update (FriendlyName, VoiceCallerIdLookup).

Numbers are not bought or released through the emulator; they come from the seed.
The other update parameters of the spec are checked against its enums and SID
patterns, then ignored. The ``PhoneNumber`` list filter takes partial numbers with
``*`` for any digit, as the spec describes; every seeded number has origin
``twilio`` (``beta`` is null, as in the seeds' printed responses).
"""

from __future__ import annotations

import re

from cnamctl.emulator.domain import errors, serialize
from cnamctl.emulator.domain.context import (
    HTTP_METHODS,
    Ctx,
    Reply,
    boolean,
    filters,
    friendly_name,
)
from cnamctl.emulator.domain.rules import normalize_e164
from cnamctl.emulator.storage.db import Row
from cnamctl.emulator.storage.paging import api2010_envelope, parse_page_request

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


def _load(ctx: Ctx) -> Row:
    return ctx.owned("phone_numbers", "PN")


def _phone_number_clause(value: str) -> tuple[str, list[object]]:
    """SQL for the PhoneNumber filter ("You can specify partial numbers and use '*' as
    a wildcard for any digit", API 2010 spec, IncomingPhoneNumbers list): a whole
    number matches exactly, anything else (``415555``, ``+1415***0100``) as a part
    of the number, ``*`` being any digit. Numbers are stored in E.164, so a part that
    begins with ``+`` can only be their beginning: it is matched as a prefix (the
    same rows, found without searching inside every number)."""
    e164 = None if "*" in value else normalize_e164(value)
    if e164 is not None:
        return "phone_number = ?", [e164]
    pattern = _NOT_A_DIGIT.sub("", value).replace("*", "_")
    if not pattern.strip("+"):
        return "0", []  # no digit to match: nothing matches
    if pattern.startswith("+"):
        return "phone_number LIKE ?", [f"{pattern}%"]
    return "phone_number LIKE ?", [f"%{pattern}%"]


def _list_where(ctx: Ctx) -> tuple[str, list[object]]:
    query = ctx.query
    where: list[str] = ["account_sid = ?"]
    args: list[object] = [ctx.account_sid]
    boolean("Beta", query.get("Beta"))  # only validated: no number is new to Twilio
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
    page, records = ctx.db.page("phone_numbers", where, args, req, serialize.incoming_number)
    uri = f"/2010-04-01/Accounts/{ctx.account_sid}/IncomingPhoneNumbers.json"
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
    updated = ctx.db.update(
        "phone_numbers",
        row["sid"],
        friendly_name=friendly_name(name) if name else row["friendly_name"],
        voice_caller_id_lookup=int(lookup) if lookup is not None else row["voice_caller_id_lookup"],
        date_updated=ctx.now,
    )
    return Reply(200, serialize.incoming_number(updated))


ROUTES = [
    ("GET", f"{COLLECTION}.json", list_numbers),
    ("GET", f"{COLLECTION}/{{Sid}}.json", fetch_number),
    ("POST", f"{COLLECTION}/{{Sid}}.json", update_number),
]
