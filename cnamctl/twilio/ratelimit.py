"""A client-side rate limit shared by every request of one account's client.

Twilio limits requests per account, so the limiter sits in the HTTP client of an
account (``http.py``): reads and writes, every worker, every retry take a slot.
``apply --max-rps`` sets it; the other commands run without one.

A token bucket (in its virtual-scheduling form, GCRA): at most ``rate`` requests
per second on average, bursts of up to ``burst``. Each ``acquire`` reserves the
next free slot under a lock and sleeps outside it, so waiting workers never hold
each other up and slots are handed out in arrival order.

When Twilio answers 429 anyway (another client shares the account, or its limit
is lower than ours), ``throttled`` pauses every worker until Retry-After has
passed, and lowers the rate multiplicatively; every request that goes through
afterwards wins a little of it back (AIMD), never above the configured rate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Clock = Callable[[], float]
Sleep = Callable[[float], None]

_DECREASE = 0.75  # rate multiplier after a 429
_MIN_RATE = 1.0


class RateLimiter:
    def __init__(
        self,
        rate: float | None,
        *,
        burst: int | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        """``rate=None`` means unlimited (``acquire`` returns at once)."""
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive")
        self.max_rate = rate
        self.rate = rate
        self.burst = max(1, burst if burst is not None else int(rate or 1) // 10 or 1)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tat = 0.0  # theoretical arrival time of the next request
        self._paused_until = 0.0
        self.throttle_events = 0

    def reserve(self) -> float:
        """Reserve the next slot; seconds to wait for it (no sleeping)."""
        with self._lock:
            now = self._clock()
            earliest = max(now, self._paused_until)
            if self.rate is None:
                return earliest - now
            interval = 1.0 / self.rate
            slot = max(earliest, self._tat - (self.burst - 1) * interval)
            self._tat = max(self._tat, slot) + interval
            return slot - now

    def acquire(self) -> float:
        """Block until a request may be sent; returns the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)

    def throttled(self, retry_after: float | None) -> None:
        """Twilio said 429: hold everyone back and slow down."""
        with self._lock:
            now = self._clock()
            self.throttle_events += 1
            if retry_after:
                self._paused_until = max(self._paused_until, now + retry_after)
            if self.rate is not None:
                self.rate = max(_MIN_RATE, self.rate * _DECREASE)
                # Forget the backlog of slots promised at the old, faster rate.
                self._tat = min(self._tat, max(now, self._paused_until))

    def succeeded(self) -> None:
        """A request went through: recover ~1 request/s per second of success."""
        if self.rate is None or self.max_rate is None or self.rate >= self.max_rate:
            return
        with self._lock:
            self.rate = min(self.max_rate, self.rate + 1.0 / self.rate)
