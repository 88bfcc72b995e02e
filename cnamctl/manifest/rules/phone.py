"""Phone-number rules: parsing (national formats read as US), E.164, CNAM eligibility.

CNAM can only be set on US standard long codes: not toll-free, not Canadian or
other NANP numbers, not premium-rate or personal (5XX) numbers. Outgoing caller
IDs may be any valid number (Twilio verifies numbers worldwide).
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from phonenumbers import ValidationResult as Possible

DEFAULT_REGION = "US"

_LONG_CODE_TYPES = frozenset(
    {PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
_TYPE_LABELS = {
    PhoneNumberType.TOLL_FREE: "toll-free",
    PhoneNumberType.PREMIUM_RATE: "premium-rate",
    PhoneNumberType.SHARED_COST: "shared-cost",
    PhoneNumberType.VOIP: "VoIP",
    PhoneNumberType.PERSONAL_NUMBER: "personal (5XX)",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "UAN",
    PhoneNumberType.VOICEMAIL: "voicemail",
}
_IMPOSSIBLE_REASONS = {
    Possible.TOO_SHORT: "too short",
    Possible.TOO_LONG: "too long",
    Possible.INVALID_LENGTH: "wrong number of digits",
    Possible.INVALID_COUNTRY_CODE: "unknown country code",
}
_LONG_CODES_ONLY = "CNAM supports US standard long codes only"
# Every number is checked, normalised and re-read several times while loading;
# the rules are pure functions of the text, so each distinct text is analysed once.
_CACHE_SIZE = 1 << 17


@lru_cache(maxsize=_CACHE_SIZE)
def parse(text: str) -> phonenumbers.PhoneNumber | None:
    """The number ``text`` denotes (national formats read as US), or None."""
    try:
        return phonenumbers.parse(text, DEFAULT_REGION)
    except NumberParseException:
        return None


@lru_cache(maxsize=_CACHE_SIZE)
def to_e164(text: str) -> str:
    """``text`` in E.164 (``+14155550100``); ValueError if it is not a phone number."""
    number = parse(text)
    if number is None:
        raise ValueError(f"not a phone number: {text!r}")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


@lru_cache(maxsize=_CACHE_SIZE)
def caller_id_problem(text: str) -> str | None:
    """Why ``text`` cannot be verified as an outgoing caller ID (any valid number can)."""
    number = parse(text)
    if number is None:
        return f"'{text}' is not a phone number"
    if not phonenumbers.is_valid_number(number):
        reason = _IMPOSSIBLE_REASONS.get(phonenumbers.is_possible_number_with_reason(number))
        return f"'{text}' is not a valid phone number" + (f" ({reason})" if reason else "")
    return None


@lru_cache(maxsize=_CACHE_SIZE)
def long_code_problem(text: str) -> str | None:
    """Why ``text`` is not a US standard long code (the only numbers CNAM accepts)."""
    problem = caller_id_problem(text)
    if problem:
        return problem
    number = parse(text)
    assert number is not None
    region = phonenumbers.region_code_for_number(number)
    if region == "CA":
        return f"'{text}' is a Canadian number; CNAM supports US numbers only"
    number_type = phonenumbers.number_type(number)
    if region != DEFAULT_REGION:
        return f"'{text}' is not a US number (region {region}); CNAM supports US numbers only"
    if number_type == PhoneNumberType.TOLL_FREE:
        return (
            f"'{text}' is a toll-free number; {_LONG_CODES_ONLY} "
            "(toll-free CNAM is changed through Twilio Support)"
        )
    if number_type not in _LONG_CODE_TYPES:
        label = _TYPE_LABELS.get(number_type, "special-purpose")
        return f"'{text}' is a {label} number; {_LONG_CODES_ONLY}"
    return None
