"""Time as the emulator sees it: injected, so tests advance it instead of sleeping.

Every timestamp the emulator stores or compares (review schedules, read-after-
write lag, ``date_created``) comes from ``Clock.time()``; every delay it adds
(latency, jitter) goes through ``Clock.sleep()``; the rate limiter counts on
``Clock.monotonic()``. :class:`SystemClock` is the real one; :class:`ManualClock`
moves only when told to (``advance``) or when the emulator sleeps on it.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Seconds since the epoch (stored in the database)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for rates)."""

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (latency and jitter)."""


class SystemClock:
    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class ManualClock:
    """A clock for tests: starts at ``start`` and moves by :meth:`advance`.

    ``sleep`` does not wait: it records the delay in ``slept`` and advances the
    clock by it, so latency and jitter stay visible without costing time.
    """

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def time(self) -> float:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        return self.time()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self._now += seconds

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        with self._lock:
            self._now += seconds
