"""CNAM display-name rules (Twilio's CNAM guide).

A display name: at most 15 characters; starts with a letter; only letters,
digits, periods, commas and spaces; not a generic value such as a city or
state; and not impersonating law enforcement, emergency services or government.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from cnamctl.manifest.excerpts import cite
from cnamctl.manifest.rules import wordlists

MAX_LENGTH = 15
PATTERN = r"^[A-Za-z][A-Za-z0-9., ]*$"
"""The character rules as a regular expression (used in the JSON Schema too)."""

_ALLOWED = re.compile(r"[A-Za-z0-9., ]")


def display_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a CNAM display name, or None."""
    if not name.strip():
        return "a display name must not be empty"
    shown = cite(name)
    if len(name) > MAX_LENGTH:
        return (
            f"{shown} is {len(name):,} characters long; CNAM display names are at most {MAX_LENGTH}"
        )
    if not name[0].isascii() or not name[0].isalpha():
        return f"{shown} must start with a letter"
    bad = sorted({c for c in name if not _ALLOWED.fullmatch(c)})
    if bad:
        chars = " ".join(cite(c) for c in bad)
        return (
            f"{shown} contains {chars}; only letters, digits, periods, commas and spaces "
            "are allowed"
        )
    term = prohibited_term(name)
    if term:
        return f"{shown} contains the prohibited term '{term}'"
    generic = generic_kind(name)
    if generic:
        return f"{shown} is {generic}; the display name must identify the business"
    return None


def prohibited_term(name: str) -> str | None:
    """The first prohibited term appearing as whole word(s) in ``name``."""
    words = _words(name)
    for term, term_words in _prohibited().items():
        n = len(term_words)
        if any(words[i : i + n] == term_words for i in range(len(words) - n + 1)):
            return term
    return None


def generic_kind(name: str) -> str | None:
    """What generic value ``name`` is ("a US state", ...), or None."""
    words = _words(name)
    text = " ".join(words)
    lists = _lists()
    if text in lists["generic"]:
        return "a generic caller-ID value"
    if text in lists["states"]:
        return "a US state"
    if "".join(words) in lists["abbreviations"] and len(words) <= 2:
        return "a US state abbreviation"
    if text in lists["cities"]:
        return "a US city"
    for i in range(1, len(words)):
        head, tail = " ".join(words[:i]), " ".join(words[i:])
        if head in lists["cities"] and (tail in lists["states"] or tail in lists["abbreviations"]):
            return "a US city and state"
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _normalise(entries: Iterable[str]) -> frozenset[str]:
    return frozenset(" ".join(_words(e)) for e in entries)


@cache
def _lists() -> dict[str, frozenset[str]]:
    states = [*wordlists.US_STATES.values(), *wordlists.EXTRA_STATE_NAMES]
    return {
        "states": _normalise(states),
        "abbreviations": _normalise(wordlists.US_STATES),
        "cities": _normalise(wordlists.US_CITIES),
        "generic": _normalise(wordlists.GENERIC_VALUES),
    }


@cache
def _prohibited() -> dict[str, list[str]]:
    return {term: _words(term) for term in wordlists.PROHIBITED_TERMS}
