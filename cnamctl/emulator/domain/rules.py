"""Business rules that need no database: display names, counts and number eligibility.

From Twilio's CNAM guide: a display name has at most 15 characters, begins with a
letter, holds only letters, digits, periods, commas and spaces, and is not a
generic value such as a city or state. Only US standard long-code numbers (no
toll-free, no Canadian) can carry CNAM. Prohibited content (Twilio error 11008:
"FBI", "Police", "Medicare", ...) is a reason of review.

The rules and their word lists (``wordlists.py``) are the emulator's own, worded
as Twilio words its errors; they never come from cnamctl's validator.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers

from cnamctl.emulator.domain import wordlists

MAX_DISPLAY_NAME = 15
_ALLOWED_CHARACTERS = re.compile(r"[A-Za-z0-9., ]*")
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lowercase words: the unit every list compares."""
    return _WORD.findall(text.lower())


def normalized(text: str) -> str:
    return " ".join(words(text))


def display_name_problem(name: object) -> str | None:
    """Why ``name`` does not meet the CNAM display-name requirements (11009), or None."""
    if not isinstance(name, str) or not name.strip():
        return "cnam_display_name is missing"
    if len(name) > MAX_DISPLAY_NAME:
        return f"at most {MAX_DISPLAY_NAME} characters are allowed, got {len(name)}"
    if not ("a" <= name[0].lower() <= "z"):
        return "it must begin with a letter"
    if not _ALLOWED_CHARACTERS.fullmatch(name):
        return "only letters, numbers, periods, commas and spaces are allowed"
    generic = generic_value(name)
    if generic:
        return f"it must be a unique name, not a generic value such as {generic}"
    return None


def generic_value(name: str) -> str | None:
    """What generic value ``name`` is ("a city", "a state", ...), or None."""
    text = normalized(name)
    if text in wordlists.GENERIC:
        return "a generic caller-ID value"
    if text in _states() or text in wordlists.STATE_NICKNAMES:
        return "a state"
    if text.replace(" ", "") in wordlists.STATES:
        return "a state"
    if text in wordlists.CITIES:
        return "a city"
    parts = text.split(" ")
    for cut in range(1, len(parts)):
        city, state = " ".join(parts[:cut]), " ".join(parts[cut:])
        if city in wordlists.CITIES and (state in _states() or state in wordlists.STATES):
            return "a city and state"
    return None


def prohibited_content(name: str | None) -> str | None:
    """The prohibited term ``name`` holds as whole words (11008), or None."""
    if not name:
        return None
    text = f" {normalized(name)} "
    for term in sorted(wordlists.PROHIBITED):
        if f" {term} " in text:
            return term
    return None


def same_registration(one: str, other: str) -> bool:
    """Whether two display names register the same caller name (case, spacing and
    punctuation aside)."""
    return normalized(one) == normalized(other)


def matches_business(display_name: str, business_names: list[str]) -> bool:
    """Whether the display name shares a significant word with a business name (or is
    made of its initials). A guess at what Twilio's reviewers accept."""
    shown = [w for w in words(display_name) if w not in wordlists.BUSINESS_FILLER]
    for business in business_names:
        significant = [w for w in words(business) if w not in wordlists.BUSINESS_FILLER]
        initials = "".join(w[0] for w in significant)
        for word in shown:
            if word in significant or (len(initials) > 1 and word == initials):
                return True
            if len(word) >= 4 and any(s.startswith(word) for s in significant):
                return True
    return False


@cache
def _states() -> frozenset[str]:
    return frozenset(wordlists.STATES.values())


# -- numbers ------------------------------------------------------------------------


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


def us_ineligibility(number_type: str, iso_country: str) -> str | None:
    """Why a number cannot join a SHAKEN/STIR or Voice Integrity product, or None: they
    take US numbers, long codes and toll-free ones (a guess: docs/trusted-calling.md)."""
    if iso_country == "CA":
        return "Canadian numbers cannot be assigned to this trust product"
    if iso_country != "US":
        return "only US numbers can be assigned to this trust product"
    return None


def positive_count_problem(value: object) -> str | None:
    """Why ``value`` is not a whole number above zero (as Twilio's Voice Integrity
    counts are, written as text: ``"12"``), or None."""
    text = str(value).strip() if isinstance(value, str | int) and value is not True else ""
    if not text.isdigit() or int(text) < 1:
        return "it must be a whole number above zero"
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
