"""``--max-lookups``: a budget of billed attempts, counted before any request.

The run reserves one unit per lookup it plans (``reserve``, after the sample is
chosen, before anything is sent); the HTTP client asks before every attempt
(``RequestMeter.attempt``): a first attempt spends its reservation, a retry only
a unit nobody reserved, so retries never take a planned lookup's place. An
attempt Twilio answers 429 (rate limited, not processed) gives its unit back.
So the attempts that may be billed never exceed the budget, whatever fails.
"""

from __future__ import annotations

import threading

from cnamctl.errors import BudgetSpentError


class LookupBudget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._reserved = 0
        self._spent = 0

    @property
    def spent(self) -> int:
        """Attempts sent that may be billed."""
        with self._lock:
            return self._spent

    def reserve(self, wanted: int) -> int:
        """Reserve up to ``wanted`` lookups; how many were granted."""
        with self._lock:
            granted = max(0, min(wanted, self.limit - self._spent - self._reserved))
            self._reserved += granted
            return granted

    def attempt(self, first: bool) -> None:
        with self._lock:
            if first and self._reserved > 0:
                self._reserved -= 1
                self._spent += 1
                return
            if not first and self._spent + self._reserved < self.limit:
                self._spent += 1
                return
        what = "a retry" if not first else "a lookup nobody reserved"
        raise BudgetSpentError(
            f"not sent: {what} would exceed the budget of {self.limit} lookups (--max-lookups)"
        )

    def not_billed(self) -> None:
        with self._lock:
            self._spent = max(0, self._spent - 1)
