"""Retry policy shared by reads (in the HttpClient) and writes (in apply).

Exponential backoff with full jitter, honouring Retry-After, bounded both in
attempts and in total time. Which failures may be retried blindly is the
caller's business: reads always, writes only after a read-back (see apply/).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    max_attempts: int = 8
    base_delay: float = 0.2
    max_delay: float = 8.0
    total_timeout: float = 120.0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        wait = self.rng.uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait

    def start(self) -> RetryBudget:
        return RetryBudget(self, time.monotonic() + self.total_timeout)


@dataclass
class RetryBudget:
    """The running state of one operation's retries."""

    policy: RetryPolicy
    deadline: float
    attempts: int = 0

    def next_wait(self, retry_after: float | None = None) -> float | None:
        """Count an attempt; the wait before the next one, or None when out of budget."""
        self.attempts += 1
        if self.attempts >= self.policy.max_attempts:
            return None
        wait = self.policy.delay(self.attempts, retry_after)
        if time.monotonic() + wait > self.deadline:
            return None
        return wait


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
