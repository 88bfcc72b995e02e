"""Rate limiting, latency and the three injected faults, seen from a real client."""

from __future__ import annotations

import time

import pytest
import requests

from cnamctl.emulator import EmulatorConfig

from .helpers import ACCOUNT, TOKEN

END_USER = {
    "FriendlyName": "acme",
    "Type": "cnam_information",
    "Attributes": '{"cnam_display_name": "ACME"}',
}


def end_user_count(served) -> int:
    return len(served.http().get(served.url("/v1/EndUsers")).json()["results"])


def test_rate_limit_answers_429_20429_with_retry_after(serve):
    served = serve(config=EmulatorConfig(rate_limit=5))
    http = served.http()
    answers = [http.get(served.url("/v1/Policies")) for _ in range(12)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, [a.status_code for a in answers]
    assert limited[0].json() == {
        "code": 20429,
        "message": "Too many requests",
        "more_info": "https://www.twilio.com/docs/errors/20429",
        "status": 429,
    }
    assert int(limited[0].headers["Retry-After"]) >= 1
    assert served.emu.stats()["rate_limited"] == len(limited)
    # Admin paths are never limited.
    assert http.get(served.url("/_emulator/health")).status_code == 200
    time.sleep(0.25)
    assert http.get(served.url("/v1/Policies")).status_code == 200


def test_latency_is_added(serve):
    served = serve(config=EmulatorConfig(latency_ms=80))
    http = served.http()
    started = time.perf_counter()
    http.get(served.url("/v1/Policies"))
    assert time.perf_counter() - started >= 0.08


@pytest.mark.parametrize(
    ("kind", "committed"),
    [("reset", False), ("commit-then-drop", True)],
)
def test_dropped_connections(serve, kind, committed):
    served = serve(config=EmulatorConfig(fault_rate=1.0, fault_kinds=(kind,), fault_seed=7))
    with pytest.raises(requests.ConnectionError):
        requests.post(served.url("/v1/EndUsers"), data=END_USER, auth=(ACCOUNT, TOKEN), timeout=5)
    served.emu.update_config(fault_rate=0.0)
    assert end_user_count(served) == (1 if committed else 0)
    stats = served.emu.stats()
    assert stats["faults"][kind] == 1 and stats["writes"] == (1 if committed else 0)


def test_injected_500_changes_nothing(serve):
    served = serve(config=EmulatorConfig(fault_rate=1.0, fault_kinds=("error-500",)))
    answer = served.http().post(served.url("/v1/EndUsers"), data=END_USER)
    assert answer.status_code == 500 and answer.json()["code"] == 20500
    served.emu.update_config(fault_rate=0.0)
    assert end_user_count(served) == 0


def test_sdk_sees_dropped_connections_as_errors(serve):
    served = serve(config=EmulatorConfig(fault_rate=1.0, fault_kinds=("reset",)))
    client = served.client()
    with pytest.raises(requests.ConnectionError):
        client.trusthub.v1.end_users.create(
            friendly_name="x", type="cnam_information", attributes={"cnam_display_name": "ACME"}
        )


def test_fault_draws_are_reproducible(serve):
    def run() -> list[int]:
        served = serve(
            config=EmulatorConfig(fault_rate=0.5, fault_kinds=("error-500",), fault_seed=42)
        )
        http = served.http()
        return [http.get(served.url("/v1/Policies")).status_code for _ in range(20)]

    first, second = run(), run()
    assert first == second and 500 in first and 200 in first
