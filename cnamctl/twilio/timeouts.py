"""How long one request may take, and the errors that say which bound it hit.

The errors subclass requests' own (``ConnectTimeout`` is "not sent" to apply's
failure classes, a read timeout or a deadline "maybe done"), with a message in
words that names the seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from requests.exceptions import ConnectTimeout, ReadTimeout, Timeout


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
        """The defaults, capped so that no part exceeds ``total``."""
        default = cls()
        return cls(min(default.connect, total), min(default.read, total), total)


DEFAULT_TIMEOUTS = Timeouts()


class ConnectTimedOut(ConnectTimeout):
    """No connection within ``Timeouts.connect``."""


class ReadTimedOut(ReadTimeout):
    """Silence for ``Timeouts.read`` on an open connection."""


class DeadlineExceeded(Timeout):
    """No complete answer within ``Timeouts.total`` (the request may have arrived)."""
