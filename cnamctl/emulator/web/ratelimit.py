"""A token bucket: ``rate`` requests per second, bursts of up to one second's worth."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class TokenBucket:
    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self._tokens = self.capacity
        self._clock = clock
        self._stamp = self._clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take a token: 0 when granted, else the seconds until one is available."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> int:
        """Whole seconds for the Retry-After header (never 0)."""
        return max(1, math.ceil(wait))
