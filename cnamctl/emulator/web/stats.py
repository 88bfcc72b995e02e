"""Request accounting for ``GET /_emulator/stats`` (Twilio paths only)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from cnamctl.emulator.config import FAULT_KINDS

UNMATCHED = "<unmatched>"


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._since = time.time()
            self._requests: Counter[str] = Counter()
            self._statuses: Counter[str] = Counter()
            self._faults: Counter[str] = Counter(dict.fromkeys(FAULT_KINDS, 0))
            self._rate_limited = 0
            self._writes = 0
            self._lookups: Counter[str] = Counter()

    def request(self, method: str, template: str | None) -> None:
        with self._lock:
            self._requests[f"{method} {template or UNMATCHED}"] += 1

    def status(self, status: int) -> None:
        with self._lock:
            self._statuses[str(status)] += 1
            if status == 429:
                self._rate_limited += 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] += 1

    def write(self) -> None:
        with self._lock:
            self._writes += 1

    def billed(self, package: str) -> None:
        """A lookup Twilio bills (per request, even when no data comes back)."""
        with self._lock:
            self._lookups[package] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "since": self._since,
                "total_requests": sum(self._requests.values()),
                "requests": dict(sorted(self._requests.items())),
                "responses_by_status": dict(sorted(self._statuses.items())),
                "rate_limited": self._rate_limited,
                "faults": dict(self._faults),
                "writes": self._writes,
                "lookups": dict(sorted(self._lookups.items())),
            }
