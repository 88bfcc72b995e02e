"""The two date formats of the two APIs.

Trust Hub (v1) speaks ISO 8601 (``2019-07-30T22:29:24Z``); API 2010 speaks
RFC 2822 (``Thu, 30 Jul 2015 23:19:04 +0000``). Times are stored as epoch seconds;
formatting is memoised, since a page of seeded objects shares a few timestamps.
"""

from __future__ import annotations

import time
from functools import lru_cache

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=4096)
def iso8601(ts: float | None) -> str | None:
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@lru_cache(maxsize=4096)
def rfc2822(ts: float | None) -> str | None:
    # Spelled out rather than strftime("%a %b") so the output never depends on locale.
    if ts is None:
        return None
    t = time.gmtime(ts)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"
    )
