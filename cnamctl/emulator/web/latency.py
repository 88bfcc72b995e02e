"""Latency with seeded jitter: each Twilio request waits ``latency_ms`` plus a delay
drawn uniformly from ``[0, jitter_ms]``.

Draws come from one RNG seeded with ``random_seed``: the sequence of delays is
reproducible; which request gets which delay follows the order requests arrive
in, which concurrency makes vary (that is the point: concurrent writes land in
any order). The wait happens before the request touches the database, so it
never holds the database lock.
"""

from __future__ import annotations

import random
import threading

from cnamctl.emulator.clock import Clock


class Latency:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rng = random.Random()
        self.configure(0.0, 0.0, None)

    def configure(self, latency_ms: float, jitter_ms: float, seed: int | None) -> None:
        with self._lock:
            self._base = latency_ms / 1000.0
            self._jitter = jitter_ms / 1000.0
            self._rng = random.Random(None if seed is None else f"jitter:{seed}")

    def delay(self) -> float:
        """The delay of the next request, in seconds."""
        with self._lock:
            return self._base + (self._rng.uniform(0.0, self._jitter) if self._jitter else 0.0)

    def wait(self) -> float:
        seconds = self.delay()
        if seconds > 0:
            self._clock.sleep(seconds)
        return seconds
