"""The client-side rate limit (its place in the HTTP client: test_http.py)."""

from __future__ import annotations

import threading

import pytest

from cnamctl.twilio.ratelimit import RateLimiter


def test_spaces_requests_at_the_rate_after_the_burst(clock):
    limiter = RateLimiter(10, burst=3, clock=clock, sleep=clock.sleep)
    waits = [limiter.reserve() for _ in range(6)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:] == pytest.approx([0.1, 0.2, 0.3])


def test_sustained_rate_is_the_configured_one(clock):
    limiter = RateLimiter(50, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(500):
        limiter.acquire()
    assert clock.now - start == pytest.approx(500 / 50, rel=0.02)


def test_unlimited_never_waits():
    limiter = RateLimiter(None)
    assert all(limiter.reserve() == 0 for _ in range(1000))


def test_429_pauses_everyone_for_retry_after_and_slows_down(clock):
    limiter = RateLimiter(20, burst=1, clock=clock, sleep=clock.sleep)
    limiter.reserve()
    limiter.throttled(2.0)
    assert limiter.reserve() == pytest.approx(2.0)
    assert limiter.rate < 20
    assert limiter.throttle_events == 1


def test_rate_recovers_with_successes_but_not_above_the_maximum():
    limiter = RateLimiter(20)
    limiter.throttled(None)
    lowered = limiter.rate
    for _ in range(1000):
        limiter.succeeded()
    assert lowered < limiter.rate == 20


def test_rate_must_be_positive():
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_concurrent_acquires_get_distinct_slots(clock):
    limiter = RateLimiter(100, burst=1, clock=clock, sleep=lambda s: None)
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(50):
            w = limiter.reserve()
            with lock:
                waits.append(w)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(round(w, 6) for w in waits) == [round(i * 0.01, 6) for i in range(200)]
