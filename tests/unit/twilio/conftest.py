"""Fixtures of the twilio wiring tests."""

from __future__ import annotations

import pytest


class FakeClock:
    """A monotonic clock whose ``sleep`` only moves it forward."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
