"""Twilio-style SIDs: a two-letter prefix and 32 hex digits.

Seeded objects get SIDs derived from the seed's content, so one seed file always
yields the same SIDs (stable across machines and in-memory restarts); objects made
through the API get random ones, like Twilio's.
"""

from __future__ import annotations

import hashlib
import re
import secrets

_SID_RE = re.compile(r"^[A-Za-z]{2}[0-9a-fA-F]{32}$")


def new_sid(prefix: str) -> str:
    """A fresh random SID with ``prefix`` (e.g. ``"BU"``)."""
    return prefix + secrets.token_hex(16)


def seeded_sid(prefix: str, *parts: str) -> str:
    """A SID that is a pure function of ``parts`` (used when seeding)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return prefix + digest[:32]


def is_sid(value: str | None, prefix: str | None = None) -> bool:
    """Whether ``value`` is shaped like a SID (optionally with ``prefix``)."""
    if not value or not _SID_RE.match(value):
        return False
    return prefix is None or value[:2] == prefix
