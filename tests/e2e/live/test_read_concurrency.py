"""A read keeps at most ``$CNAMCTL_READ_CONCURRENCY`` requests in flight (issue 12),
and reads the same account whatever the bound.

The emulator answers after a jittered delay, so requests finish in a random order;
the property is stated over bounds and seeds: the most requests ever in flight at
once, counted at the client's transport, never exceeds the bound, and the snapshot
is the one a read of one request at a time makes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.seeds import account, business_profile, numbers, seed

from cnamctl.emulator import Emulator, EmulatorConfig
from cnamctl.live.reader import read_snapshot
from cnamctl.twilio.http import RewritingHttpClient
from cnamctl.twilio.inflight import DEFAULT, READ_CONCURRENCY_ENV
from cnamctl.twilio.target import open_endpoint

ACCOUNT = "AC" + "4" * 32
TOKEN = "read-concurrency-token"
PROFILES = 12  # each one assignment list: 12 requests that can go at once


def _seed() -> dict[str, Any]:
    phones = numbers("+1415555", 0, PROFILES * 2)
    profiles = [business_profile(f"Co {i}", phones[2 * i : 2 * i + 2]) for i in range(PROFILES)]
    return seed(account(ACCOUNT, TOKEN, incoming_numbers=phones, business_profiles=profiles))


class _InFlight:
    """Wraps a client's transport: the most requests it ever had in flight at once."""

    def __init__(self, http: RewritingHttpClient) -> None:
        self.now = self.most = 0
        self._lock = threading.Lock()
        send = http.transport.send

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                return send(*args, **kwargs)
            finally:
                with self._lock:
                    self.now -= 1

        http.transport.send = counted  # type: ignore[method-assign]


@contextmanager
def _served(random_seed: int) -> Iterator[str]:
    config = EmulatorConfig(latency_ms=5.0, jitter_ms=25.0, random_seed=random_seed)
    with Emulator(":memory:", seed=_seed(), config=config) as emu, emu.serve(port=0) as server:
        yield server.base_url


def _env(bound: str | None) -> dict[str, str]:
    env = {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_KEY": ""}
    if bound is not None:
        env[READ_CONCURRENCY_ENV] = bound
    return env


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bound=st.integers(min_value=1, max_value=6), random_seed=st.integers(0, 2**16))
def test_a_read_never_has_more_requests_in_flight_than_the_bound(
    bound: int, random_seed: int
) -> None:
    with (
        _served(random_seed) as base_url,
        open_endpoint(base_url, False, _env(str(bound))) as endpoint,
    ):
        client = endpoint.client_for(None)
        http = client.http_client
        assert isinstance(http, RewritingHttpClient) and http.pool_size == bound
        counter = _InFlight(http)
        snapshot = read_snapshot(client)
        one_at_a_time = read_snapshot(endpoint.client_for(None), max_workers=1)
    assert 1 <= counter.most <= bound
    assert snapshot.fingerprints() == one_at_a_time.fingerprints()
    assert len(snapshot.business_profiles) == PROFILES
    assert {n.phone_number for n in snapshot.numbers.values()} == {
        n.phone_number for n in one_at_a_time.numbers.values()
    }


@pytest.mark.parametrize(("bound", "expected"), [(None, DEFAULT), ("", DEFAULT), (" 48 ", 48)])
def test_the_bound_comes_from_the_environment(bound: str | None, expected: int) -> None:
    with open_endpoint("http://127.0.0.1:9", False, _env(bound)) as endpoint:
        assert endpoint.read_concurrency == expected
        http = endpoint.client_for(None).http_client
        assert isinstance(http, RewritingHttpClient) and http.pool_size == expected
