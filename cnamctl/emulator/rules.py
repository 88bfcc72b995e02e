"""CNAM business rules that need no database: display names and number eligibility.

From Twilio's CNAM guide: a display name has at most 15 characters, begins with a
letter, holds only letters, digits, periods, commas and spaces, and is not a generic
value such as a city or state. Only US standard long-code numbers (no toll-free, no
Canadian) can carry CNAM.

Prohibited content (government impersonation and the like: "FBI", "Police", ...) is
not refused when the end user is saved; Twilio's review rejects the product later
with error 11008, and so does the emulator's review simulation.
"""

from __future__ import annotations

import re

import phonenumbers

# The seeds' rules have one implementation, shared with manifest validation, so the
# emulator and `cnamctl validate` agree on which names are generic or prohibited;
# the emulator words its own answers as Twilio does.
from cnamctl.manifest.rules.display_name import (
    MAX_LENGTH,
    PATTERN,
    generic_kind,
    prohibited_term,
)

MAX_DISPLAY_NAME = MAX_LENGTH
_ALLOWED = re.compile(PATTERN)


def display_name_problem(name: object) -> str | None:
    """Why ``name`` is not a valid CNAM display name, or None when it is."""
    if not isinstance(name, str) or not name.strip():
        return "cnam_display_name is missing"
    if len(name) > MAX_DISPLAY_NAME:
        return f"at most {MAX_DISPLAY_NAME} characters are allowed, got {len(name)}"
    if not name[0].isascii() or not name[0].isalpha():
        return "it must begin with a letter"
    if not _ALLOWED.match(name):
        return "only letters, numbers, periods, commas and spaces are allowed"
    if generic_kind(name):
        return "it must be a unique name, not a generic value such as a city or state"
    return None


def is_prohibited(name: str | None) -> bool:
    """Whether a display name contains a prohibited term (rejected in review, 11008)."""
    return bool(name) and prohibited_term(name or "") is not None


def classify_number(e164: str) -> tuple[str, str]:
    """(number_type, iso_country) of an E.164 number: type is local, mobile or tollfree.

    NANP fixed-line and mobile numbers are indistinguishable by number alone and
    both are "local" standard long codes; only toll-free ranges differ.
    """
    parsed = phonenumbers.parse(e164)
    kind = phonenumbers.number_type(parsed)
    if kind == phonenumbers.PhoneNumberType.TOLL_FREE:
        number_type = "tollfree"
    elif kind == phonenumbers.PhoneNumberType.MOBILE:
        number_type = "mobile"
    else:
        number_type = "local"
    country = phonenumbers.region_code_for_number(parsed) or "ZZ"
    return number_type, country


def cnam_ineligibility(number_type: str, iso_country: str) -> str | None:
    """Why a number cannot join a CNAM trust product, or None when it can."""
    if number_type == "tollfree":
        return "toll-free numbers cannot be assigned to CNAM trust products"
    if iso_country == "CA":
        return "Canadian numbers cannot be assigned to CNAM trust products"
    if iso_country != "US":
        return "only US numbers can be assigned to CNAM trust products"
    if number_type != "local":
        return "only US standard long-code numbers can be assigned to CNAM trust products"
    return None


def normalize_e164(value: str, region: str = "US") -> str | None:
    """E.164 form of a phone number as Twilio accepts it ('(415) 555-1212' too), or None."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national_format(e164: str) -> str:
    """'(415) 555-0100' for a NANP number: Twilio's default friendly name."""
    if len(e164) == 12 and e164.startswith("+1") and e164[1:].isdigit():
        return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"  # fast path for bulk seeding
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
