"""How long one request may take, and the errors that say which bound it hit.

The errors subclass requests' own (``ConnectTimeout`` is "not sent" to apply's
failure classes, a read timeout or a deadline "maybe done"), with a message in
words that names the seconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from requests.exceptions import ConnectTimeout, ReadTimeout, Timeout

from cnamctl.errors import UsageError
from cnamctl.text import quoted

TIMEOUT_ENV = "CNAMCTL_HTTP_TIMEOUT"
MAX_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Timeouts:
    """Seconds. ``connect``: to open a connection (3 s lets TCP resend a lost SYN
    twice); ``read``: the longest silence on an open connection; ``total``: one
    request from its start to the last byte of the answer, however it trickles."""

    connect: float = 3.05
    read: float = 15.0
    total: float = 30.0

    @classmethod
    def within(cls, total: float) -> Timeouts:
        """``total`` for a whole request, the connect and read timeouts at their
        defaults or half of it, whichever is less (``within(30)`` is the default)."""
        default = cls()
        return cls(min(default.connect, total / 2), min(default.read, total / 2), total)


DEFAULT_TIMEOUTS = Timeouts()


def timeouts_from_env(env: Mapping[str, str]) -> Timeouts:
    """``$CNAMCTL_HTTP_TIMEOUT`` seconds for a whole request (the connect and read
    timeouts capped by it), or the defaults; a bad value is a UsageError."""
    raw = env.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUTS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= MAX_TIMEOUT:
        raise UsageError(
            f"{TIMEOUT_ENV}={quoted(raw, 20)}: give the seconds one request may take, "
            f"more than 0 and at most {MAX_TIMEOUT:g}"
        )
    return Timeouts.within(seconds)


class ConnectTimedOut(ConnectTimeout):
    """No connection within ``Timeouts.connect``."""


class ReadTimedOut(ReadTimeout):
    """Silence for ``Timeouts.read`` on an open connection."""


class DeadlineExceeded(Timeout):
    """No complete answer within ``Timeouts.total`` (the request may have arrived)."""
