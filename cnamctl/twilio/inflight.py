"""How many requests one account's client keeps in flight at once.

Twilio limits each account's concurrent REST requests and answers 429 (error
20429) above the limit (https://www.twilio.com/docs/api/errors/20429). The limit
is not published and is shared with everything else that uses the account: the
business's own calls and messages compete with cnamctl's reads for it, and
Twilio asks that bulk work not compete with timely requests
(https://www.twilio.com/docs/usage/rest-api-best-practices). So cnamctl keeps
``DEFAULT`` requests in flight, well below the figures quoted for the limit.

``$CNAMCTL_READ_CONCURRENCY`` changes it, for an account whose limit Twilio has
raised (or to leave more room to production traffic). It is what bounds a large
account's read: each trust product's two assignment lists are a request each,
so 100 products are about 7 rounds of 32 requests (docs/benchmarks.md). A 429
still pauses every request of the client for its Retry-After (``ratelimit.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from cnamctl.errors import UsageError
from cnamctl.text import quoted

READ_CONCURRENCY_ENV = "CNAMCTL_READ_CONCURRENCY"
DEFAULT = 32
MAXIMUM = 100


def read_concurrency_from_env(env: Mapping[str, str]) -> int:
    """``$CNAMCTL_READ_CONCURRENCY`` (1 to ``MAXIMUM``), or ``DEFAULT``; a bad value is
    a UsageError."""
    raw = env.get(READ_CONCURRENCY_ENV, "").strip()
    if not raw:
        return DEFAULT
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAXIMUM:
        return int(raw)
    raise UsageError(
        f"{READ_CONCURRENCY_ENV}={quoted(raw, 20)}: give the number of requests an "
        f"account's client may have in flight at once, 1 to {MAXIMUM}"
    )
