"""Email address syntax (a pragmatic subset of RFC 5321/5322, no network checks)."""

from __future__ import annotations

import re

from cnamctl.manifest.excerpts import cite

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^(?P<local>{_LOCAL})@(?P<domain>{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}})$")


def email_problem(text: str) -> str | None:
    """Why ``text`` is not a usable email address, or None."""
    match = _EMAIL.match(text) if len(text) <= 254 else None
    if match is None or len(match["local"]) > 64:
        return f"{cite(text)} is not a valid email address"
    return None
