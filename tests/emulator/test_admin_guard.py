"""Issue 11: the unauthenticated admin API refuses what a web page or a rebinding
DNS name can send it, bounds every knob, and is not exposed without a token."""

from __future__ import annotations

import time

import pytest
import requests
from click.testing import CliRunner

from cnamctl.cli import main
from cnamctl.emulator import Emulator, EmulatorConfig

CONFIG = "/_emulator/config"


def patch(served, body: str, headers: dict[str, str]) -> requests.Response:
    return requests.post(served.url(CONFIG), data=body, headers=headers, timeout=5)


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/plain", "Origin": "https://evil.example"},
        {"Content-Type": "text/plain", "Origin": "null"},
        {"Content-Type": "application/json", "Origin": "http://localhost:9999"},
        {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_site_requests_are_refused(served, headers):
    answer = patch(served, '{"review_mode": "manual"}', headers)
    assert answer.status_code == 403 and "error" in answer.json()
    assert served.emu.config.review_mode == "auto-approve"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_simple_request_bodies_are_refused(served, content_type):
    answer = patch(served, '{"review_mode": "manual"}', {"Content-Type": content_type})
    assert answer.status_code == 415
    assert served.emu.config.review_mode == "auto-approve"


def test_same_origin_json_is_accepted(served):
    origin = served.base_url
    answer = patch(
        served, '{"review_mode": "manual"}', {"Content-Type": "application/json", "Origin": origin}
    )
    assert answer.status_code == 200 and served.emu.config.review_mode == "manual"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:4010", "10.0.0.8:4010", ""])
def test_foreign_host_headers_are_refused(served, host):
    answer = requests.get(served.url("/_emulator/health"), headers={"Host": host}, timeout=5)
    assert answer.status_code == 403


@pytest.mark.parametrize("host", ["localhost", "localhost:4010", "127.0.0.1:1", "[::1]:4010"])
def test_loopback_host_headers_are_accepted(served, host):
    answer = requests.get(served.url("/_emulator/health"), headers={"Host": host}, timeout=5)
    assert answer.status_code == 200


def test_an_admin_token_is_required_when_set(serve):
    served = serve(config=EmulatorConfig(admin_token="s3cret"))
    health = served.url("/_emulator/health")
    assert requests.get(health, timeout=5).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert requests.get(health, headers=wrong, timeout=5).status_code == 401
    right = {"Authorization": "Bearer s3cret", "Host": "emulator.lan:4010"}
    assert requests.get(health, headers=right, timeout=5).status_code == 200
    config = requests.get(served.url(CONFIG), headers=right, timeout=5).json()
    assert "admin_token" not in config and "s3cret" not in str(config)
    answer = requests.patch(
        served.url(CONFIG), json={"admin_token": None}, headers=right, timeout=5
    )
    assert answer.status_code == 400 and served.emu.config.admin_token == "s3cret"


def test_the_admin_api_can_be_off(serve):
    served = serve(config=EmulatorConfig(admin_api=False))
    assert requests.get(served.url("/_emulator/health"), timeout=5).status_code == 404


@pytest.mark.parametrize(
    "bad",
    [
        {"latency_ms": 1e9},
        {"jitter_ms": 60_001},
        {"lag_ms": -1},
        {"rate_limit": 0},
        {"review_delay": 1e12},
        {"max_body_bytes": 10**12},
        {"human_rejection_rate": 1.5},
        {"human_rejection_codes": [0]},
        {"reject_error_code": 10**9},
        {"fault_kinds": []},
    ],
)
def test_absurd_values_are_refused_and_requests_stay_fast(served, bad):
    answer = served.http(auth=None).patch(served.url(CONFIG), json=bad)
    assert answer.status_code == 400 and "must" in answer.json()["error"]
    started = time.perf_counter()
    assert served.http().get(served.url("/v1/Policies")).status_code == 200
    assert time.perf_counter() - started < 5  # not hanging: the value was refused


def test_non_finite_numbers_are_refused():
    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="finite"):
            EmulatorConfig(latency_ms=value)


def test_the_cli_refuses_absurd_values():
    result = CliRunner().invoke(main, ["emulator", "serve", "--port", "0", "--latency-ms", "1e9"])
    assert result.exit_code != 0 and "--latency-ms" in result.output
    assert "60000" in result.output  # the bound is named


def test_serving_beyond_loopback_needs_a_token_or_no_admin_api():
    with Emulator() as emu, pytest.raises(ValueError, match="admin token"):
        emu.make_server("0.0.0.0", 0)
    result = CliRunner().invoke(main, ["emulator", "serve", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 1 and "--admin-token" in result.output
    with Emulator(config=EmulatorConfig(admin_token="t")) as emu:
        assert "reachable from the network" in (emu.exposure_warning("0.0.0.0") or "")
        server = emu.make_server("0.0.0.0", 0)
        server.server_close()
    with Emulator(config=EmulatorConfig(admin_api=False)) as emu:
        assert emu.exposure_warning("0.0.0.0")
    with Emulator() as emu:
        assert emu.exposure_warning("127.0.0.1") is None
