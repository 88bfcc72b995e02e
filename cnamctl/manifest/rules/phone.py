"""Phone-number rules: what a person means unambiguously, E.164, product eligibility.

A manifest is the record of which numbers are branded, so a number is read only
when its text leaves no doubt about its digits:

* E.164 (``+14155550100``), optionally with the usual grouping
  (``+1 415-555-0100``, ``+44 20 7183 8750``);
* US national formats: ten digits, or ``1`` and ten digits, in groups separated
  by single spaces, hyphens or periods, the area code optionally in parentheses
  (``(415) 555-0100``, ``415.555.0100``, ``1 415 555 0100``).

Everything else is refused, with the exact characters shown: letters (a phone
keypad would read ``+1415555O1OO`` as another person's number), digits other
than ASCII 0-9 (fullwidth, Arabic-Indic or Devanagari digits), invisible
characters (a zero-width space), extensions (``x123``), international dialling
prefixes (``011``, ``00``) instead of ``+``. libphonenumber, which reads all of
these leniently, is asked only about the digits that remain.

CNAM can only be set on US standard long codes: not toll-free, not Canadian or
other NANP numbers, not premium-rate or personal (5XX) numbers. Outgoing caller
IDs may be any valid number (Twilio verifies numbers worldwide). SHAKEN/STIR and
Voice Integrity products take US numbers, long codes and toll-free ones (a guess:
see docs/trusted-calling.md).

Speed: a manifest set can hold 100,000 numbers. US numbers are classified with
the US metadata's own patterns (one regular expression each); libphonenumber's
general functions, which try every NANP region in turn, are used only for the
numbers that are not plainly valid US numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from functools import cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberType
from phonenumbers import ValidationResult as Possible

from cnamctl.manifest.excerpts import cite

DEFAULT_REGION = "US"
MAX_LENGTH = 32
"""Longer texts are not read at all (E.164 has at most 15 digits)."""

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
_US_NUMBERS_ONLY = (
    "SHAKEN/STIR and Voice Integrity products take US long codes and toll-free numbers"
)
_HOW_TO_WRITE = (
    "write phone numbers with the digits 0-9, an optional leading '+', and single "
    "spaces, '-' or '.' between groups (the area code may be in parentheses)"
)

_ALLOWED = frozenset("0123456789+ -.()")
# Groups of digits, or an area code in parentheses; between two groups a single
# space, '-' or '.', except right after or before parentheses. No nested
# quantifier can split a run of digits two ways, so matching is linear.
_WRITTEN = re.compile(
    r"\+?(?:\d+|\(\d{1,4}\))(?:[ .-](?:\d+|\(\d{1,4}\))|(?<=\))\d+|\(\d{1,4}\))*", re.ASCII
)
_US_NATIONAL = re.compile(r"(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}", re.ASCII)
_EXTENSION = re.compile(
    r"(?i)^(?P<number>(?:\D*\d){7}.*?)\s*"
    r"(?P<ext>(?:ext\.?|extension|x|#|,+|;\s*ext=|;)\s*\d{1,6})$",
    re.ASCII,
)
_PLAIN_US = re.compile(r"\+1(\d{10})", re.ASCII)
_PLAIN_E164 = re.compile(r"\+[1-9]\d{6,14}", re.ASCII)
_DIGIT = re.compile(r"\d")  # any script's digit: "not a phone number" needs none at all
# Every other pattern here is re.ASCII: alone, \d also matches Arabic-Indic and fullwidth digits.


def _characters(chars: list[str]) -> str:
    def one(c: str) -> str:
        name = unicodedata.name(c, "")
        return f"{cite(c)} (U+{ord(c):04X}{' ' + name if name else ''})"

    return ", ".join(one(c) for c in chars[:5]) + (", ..." if len(chars) > 5 else "")


def _written_problem(text: str) -> str | None:
    """Why ``text`` is not plainly written as a phone number, or None."""
    if len(text) > MAX_LENGTH:
        return f"{cite(text)} is not a phone number (longer than {MAX_LENGTH} characters)"
    if not _DIGIT.search(text):
        return f"{cite(text)} is not a phone number"
    extension = _EXTENSION.match(text)
    if extension:
        return (
            f"{cite(text)} has an extension ({cite(extension['ext'])}); a manifest lists "
            f"numbers only: {cite(extension['number'])}"
        )
    bad = list(dict.fromkeys(c for c in text if c not in _ALLOWED))
    if bad:
        why = ""
        if any(c.isascii() and c.isalpha() for c in bad):
            why = ": letters are not read as keypad digits"
        elif any(c.isdigit() for c in bad):
            why = ": only the ASCII digits 0-9 are read"
        return f"{cite(text)} contains {_characters(bad)}{why}; {_HOW_TO_WRITE}"
    if not _WRITTEN.fullmatch(text):
        return f"{cite(text)} is not written as a phone number; {_HOW_TO_WRITE}"
    return None


class _Refused(ValueError):
    """A text that is not read as a number; the message says why."""


def _e164_of(text: str) -> str:
    """The E.164 text ``text`` denotes (no validity check yet); _Refused if it is
    not written plainly."""
    if _PLAIN_E164.fullmatch(text):  # most manifests: nothing to check or strip
        return text
    problem = _written_problem(text)
    if problem:
        raise _Refused(problem)
    digits = "".join(c for c in text if "0" <= c <= "9")
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith(("011", "00")):
        prefix = "011" if digits.startswith("011") else "00"
        raise _Refused(
            f"{cite(text)} starts with the international dialling prefix {prefix}; "
            f"write it in E.164 instead: '+{digits[len(prefix) :]}'"
        )
    if len(digits) == 10 or (len(digits) == 11 and digits.startswith("1")):
        if _US_NATIONAL.fullmatch(text):
            return "+1" + digits[-10:]
        raise _Refused(
            f"{cite(text)} is not grouped as a US number; write (415) 555-0100, "
            "415-555-0100, 415.555.0100 or E.164 (+14155550100)"
        )
    raise _Refused(
        f"{cite(text)} is not a valid phone number: without '+' a number is read as a US "
        f"number, which has 10 digits (or 1 and 10), not {len(digits)}; write other "
        "numbers in E.164 ('+' and the country code)"
    )


@cache
def _us_pattern() -> re.Pattern[str]:
    """The US metadata as one pattern: a valid national number (the general pattern,
    as a lookahead), then one alternative per number type (named ``t<type>``) in the
    order libphonenumber tries them, special types before fixed line, so the first
    alternative that matches is the type. An alternative holds no named group of its
    own, so the one that matched is ``lastgroup``: the last group to close."""
    metadata = PhoneMetadata.metadata_for_region(DEFAULT_REGION)
    assert metadata is not None and metadata.general_desc is not None
    ordered = [
        (PhoneNumberType.PREMIUM_RATE, metadata.premium_rate),
        (PhoneNumberType.TOLL_FREE, metadata.toll_free),
        (PhoneNumberType.SHARED_COST, metadata.shared_cost),
        (PhoneNumberType.VOIP, metadata.voip),
        (PhoneNumberType.PERSONAL_NUMBER, metadata.personal_number),
        (PhoneNumberType.PAGER, metadata.pager),
        (PhoneNumberType.UAN, metadata.uan),
        (PhoneNumberType.VOICEMAIL, metadata.voicemail),
        (PhoneNumberType.FIXED_LINE_OR_MOBILE, metadata.fixed_line),
    ]
    types = "|".join(
        f"(?P<t{kind}>{desc.national_number_pattern})"
        for kind, desc in ordered
        if desc is not None and desc.national_number_pattern
    )
    general = metadata.general_desc.national_number_pattern
    return re.compile(f"(?=(?:{general})\\Z)(?:{types})", re.ASCII)


def _us_type(e164: str) -> int | None:
    """The ``PhoneNumberType`` of a valid US number in E.164, or None if it is not one."""
    plain = _PLAIN_US.fullmatch(e164)
    if plain is None:
        return None
    match = _us_pattern().fullmatch(plain.group(1))
    if match is None or match.lastgroup is None:
        return None
    return int(match.lastgroup[1:])


def _invalid(text: str, number: phonenumbers.PhoneNumber | None) -> str | None:
    """libphonenumber's verdict on a number that is not plainly a valid US number."""
    if number is None:
        return f"{cite(text)} is not a phone number"
    if not phonenumbers.is_valid_number(number):
        reason = _IMPOSSIBLE_REASONS.get(phonenumbers.is_possible_number_with_reason(number))
        return f"{cite(text)} is not a valid phone number" + (f" ({reason})" if reason else "")
    return None


def _parse(e164: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(e164)
    except NumberParseException:
        return None


def read_caller_id(text: str) -> tuple[str | None, str | None]:
    """``(E.164, None)`` for any valid number, or ``(None, why not)``."""
    try:
        e164 = _e164_of(text)
    except _Refused as refused:
        return None, str(refused)
    if _us_type(e164) is not None:
        return e164, None
    problem = _invalid(text, _parse(e164))
    return (None, problem) if problem else (e164, None)


def read_long_code(text: str) -> tuple[str | None, str | None]:
    """``(E.164, None)`` for a US standard long code (the only numbers CNAM
    accepts), or ``(None, why not)``."""
    return _read_us(text, _LONG_CODE_TYPES, _type_problem, "CNAM supports US numbers only")


def read_us_number(text: str) -> tuple[str | None, str | None]:
    """``(E.164, None)`` for a US standard long code or toll-free number (the numbers
    SHAKEN/STIR and Voice Integrity products take), or ``(None, why not)``."""
    return _read_us(
        text, _LONG_CODE_TYPES | {PhoneNumberType.TOLL_FREE}, _us_type_problem, _US_NUMBERS_ONLY
    )


def _read_us(
    text: str, accepted: AbstractSet[int], type_problem: Callable[[str, int], str], only: str
) -> tuple[str | None, str | None]:
    """A US number of one of the ``accepted`` types; ``type_problem`` says why another
    type is refused, ``only`` what is accepted (for numbers of other countries)."""
    try:
        e164 = _e164_of(text)
    except _Refused as refused:
        return None, str(refused)
    kind = _us_type(e164)
    if kind in accepted:
        return e164, None
    if kind is not None:
        return None, type_problem(text, kind)
    number = _parse(e164)
    problem = _invalid(text, number)
    if problem:
        return None, problem
    assert number is not None
    region = phonenumbers.region_code_for_number(number)
    if region == "CA":
        return None, f"{cite(text)} is a Canadian number; {only}"
    if region != DEFAULT_REGION:
        return None, f"{cite(text)} is not a US number (region {region}); {only}"
    return None, type_problem(text, phonenumbers.number_type(number))


def _us_type_problem(text: str, kind: int) -> str:
    label = _TYPE_LABELS.get(kind, "special-purpose")
    return f"{cite(text)} is a {label} number; {_US_NUMBERS_ONLY}"


def _type_problem(text: str, kind: int) -> str:
    if kind == PhoneNumberType.TOLL_FREE:
        return (
            f"{cite(text)} is a toll-free number; {_LONG_CODES_ONLY} "
            "(toll-free CNAM is changed through Twilio Support)"
        )
    label = _TYPE_LABELS.get(kind, "special-purpose")
    return f"{cite(text)} is a {label} number; {_LONG_CODES_ONLY}"


def to_e164(text: str) -> str:
    """``text`` in E.164 (``+14155550100``); ValueError if it is not a valid number."""
    e164, problem = read_caller_id(text)
    if e164 is None:
        raise ValueError(problem)
    return e164


def caller_id_problem(text: str) -> str | None:
    """Why ``text`` cannot be verified as an outgoing caller ID (any valid number can)."""
    return read_caller_id(text)[1]


def us_number_problem(text: str) -> str | None:
    """Why ``text`` is not a US number a SHAKEN/STIR or Voice Integrity product takes."""
    return read_us_number(text)[1]


def long_code_problem(text: str) -> str | None:
    """Why ``text`` is not a US standard long code (the only numbers CNAM accepts)."""
    return read_long_code(text)[1]
