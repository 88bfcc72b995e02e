"""Lookup v2 (lookups.twilio.com): ``GET /v2/PhoneNumbers/{PhoneNumber}``.

Served as Twilio's spec and its printed examples answer (``twilio_lookups_v2.json``:
``fetch``, ``fetchInvalid``, ``fetchCallerName``): every property of the
LookupResponse is present, data packages not asked for are ``null``, a number
that is not valid answers 200 with ``valid: false`` and its
``validation_errors``. Of the data packages the emulator serves ``caller_name``,
from its CNAM database (``domain/cnam_database.py``); ``validation`` is what every
lookup answers anyway. Asking for another package is refused (400 / 20001), so a
client never mistakes the emulator's silence for Twilio's.

Caller Name, as Twilio documents it (twilio.com/docs/lookup/v2-api/caller-name):
"only available for phone numbers owned by carriers in the United States",
"billed per request, even if no data is returned", and "requests for phone
numbers outside the US will return null but won't be charged"; ``caller_name``
and ``caller_type`` are null when not available. Each billed request is counted
in the stats (``lookups``). The batch operation (``POST /v2/batch/query``) is not
served: cnamctl looks numbers up one GET at a time (docs/verify.md says why).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat
from phonenumbers import ValidationResult as Possible

from cnamctl.emulator.domain import cnam_database, errors
from cnamctl.emulator.domain.context import Ctx, Reply

URL = "https://lookups.twilio.com/v2/PhoneNumbers/{number}"
CALLER_NAME = "caller_name"
VALIDATION = "validation"
SERVED_FIELDS = (VALIDATION, CALLER_NAME)
# Every value the spec lists for Fields, in its order.
FIELDS = (
    VALIDATION,
    CALLER_NAME,
    "sim_swap",
    "call_forwarding",
    "line_status",
    "line_type_intelligence",
    "identity_match",
    "reassigned_number",
    "sms_pumping_risk",
    "phone_number_quality_score",
    "pre_fill",
)
PACKAGES = tuple(f for f in FIELDS if f != VALIDATION)
CNAM_REGION = "US"
MAX_INPUT = 64  # characters of a PhoneNumber or Fields value read at all
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
    NumberParseException.NOT_A_NUMBER: "NOT_A_NUMBER",
    NumberParseException.TOO_SHORT_AFTER_IDD: "TOO_SHORT",
    NumberParseException.TOO_SHORT_NSN: "TOO_SHORT",
    NumberParseException.TOO_LONG: "TOO_LONG",
}
_NOT_VALID = {
    Possible.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
    Possible.TOO_SHORT: "TOO_SHORT",
    Possible.TOO_LONG: "TOO_LONG",
    Possible.INVALID_LENGTH: "INVALID_LENGTH",
}


def _fields(ctx: Ctx) -> set[str]:
    raw = ctx.query.get("Fields") or ""
    asked = {part.strip() for part in raw[: MAX_INPUT * 4].split(",") if part.strip()}
    for name in sorted(asked):
        if name not in FIELDS:
            raise errors.invalid_param(
                "Fields", f"{name[:MAX_INPUT]!r} is not one of {', '.join(FIELDS)}"
            )
        if name not in SERVED_FIELDS:
            raise errors.invalid_param(
                "Fields",
                f"the emulator serves {' and '.join(SERVED_FIELDS)}, not {name}",
            )
    return asked


def _parse(raw: str, country: str | None) -> tuple[phonenumbers.PhoneNumber | None, str | None]:
    """(the number, None) when valid; else (what was read of it, if anything; why not)."""
    region = (country or CNAM_REGION).upper()[:8]
    try:
        number = phonenumbers.parse(raw[:MAX_INPUT], region)
    except NumberParseException as err:
        return None, _PARSE_ERRORS.get(err.error_type, "NOT_A_NUMBER")
    if phonenumbers.is_valid_number(number):
        return number, None
    reason = phonenumbers.is_possible_number_with_reason(number)
    return number, _NOT_VALID.get(reason, "INVALID_BUT_POSSIBLE")


def fetch_phone_number(ctx: Ctx) -> Reply:
    asked = _fields(ctx)
    raw = ctx.params["PhoneNumber"]
    number, problem = _parse(raw, ctx.query.get("CountryCode"))
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164) if number else None
    shown = e164 if e164 and _E164.match(e164) else None
    body: dict[str, object] = {
        "calling_country_code": None,
        "country_code": None,
        "phone_number": shown,
        "national_format": None,
        "valid": problem is None,
        "validation_errors": [problem] if problem else None,
        **dict.fromkeys(PACKAGES),
        "url": URL.format(number=quote(shown or raw[:MAX_INPUT], safe="+")),
    }
    billed = None
    if problem is None and number is not None and e164 is not None:
        region = phonenumbers.region_code_for_number(number)
        body.update(
            calling_country_code=str(number.country_code),
            country_code=region,
            national_format=phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        )
        if CALLER_NAME in asked and region == CNAM_REGION:
            name = cnam_database.lookup(ctx.db, e164, ctx.now, ctx.config.cnam_propagation_delay)
            body[CALLER_NAME] = name.as_json()
            billed = CALLER_NAME
    return Reply(200, body, billed=billed)


ROUTES = [("GET", "/v2/PhoneNumbers/{PhoneNumber}", fetch_phone_number)]
