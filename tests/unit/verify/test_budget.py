"""The lookup budget: reservations for planned lookups, spare units for retries, a
429 refunded; never more attempts than the limit, under any interleaving."""

from __future__ import annotations

import random
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnamctl.errors import BudgetSpentError
from cnamctl.verify.budget import LookupBudget


def test_a_first_attempt_spends_its_reservation_and_a_retry_only_a_spare_unit():
    budget = LookupBudget(3)
    assert budget.reserve(2) == 2
    budget.attempt(first=True)
    budget.attempt(first=False)  # the one unit nobody reserved
    with pytest.raises(BudgetSpentError, match="a retry would exceed the budget of 3"):
        budget.attempt(first=False)  # would take the second lookup's reservation
    budget.attempt(first=True)
    assert budget.spent == 3


def test_a_429_costs_nothing():
    budget = LookupBudget(1)
    budget.reserve(1)
    budget.attempt(first=True)
    budget.not_billed()
    budget.attempt(first=False)  # the refunded unit pays for the retry
    assert budget.spent == 1


def test_nothing_is_sent_without_a_reservation():
    budget = LookupBudget(5)
    with pytest.raises(BudgetSpentError, match="nobody reserved"):
        budget.attempt(first=True)
    assert budget.reserve(9) == 5 and budget.reserve(1) == 0


@given(st.integers(0, 8), st.integers(0, 12), st.integers(0, 2**32))
def test_concurrent_lookups_never_exceed_the_limit(limit, planned, seed):
    budget = LookupBudget(limit)
    granted = budget.reserve(planned)
    sent: list[int] = []
    started: set[int] = set()
    refused_first: list[int] = []
    lock = threading.Lock()

    def lookup(index: int) -> None:
        rng = random.Random(seed + index)
        first = True
        for _ in range(rng.randint(1, 4)):  # the first attempt and up to three retries
            try:
                budget.attempt(first)
            except BudgetSpentError:
                if first:
                    with lock:
                        refused_first.append(index)
                return
            if first:
                with lock:
                    started.add(index)
            first = False
            with lock:
                sent.append(index)
            if rng.random() < 0.3:
                budget.not_billed()  # a 429
                with lock:
                    sent.remove(index)

    threads = [threading.Thread(target=lookup, args=(i,)) for i in range(granted)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == budget.spent <= limit
    assert refused_first == []  # a reserved first attempt is always allowed
    assert started == set(range(granted))  # retries never took a planned lookup's place
