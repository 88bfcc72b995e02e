"""mock_twilio() and the TwilioEmulator handle, driven through the real twilio SDK."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from cnamctl.testkit import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    EmulatorConfig,
    SeedError,
    UnsupportedTwilioRequest,
    mock_twilio,
)
from cnamctl.twilio import Credentials, make_client

CNAM = "RNf3db3cd1fe25fcfd3c3ded065c8fea53"
ORIGINAL_REQUEST = TwilioHttpClient.__dict__["request"]


def default_client(**kwargs) -> Client:
    return Client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, **kwargs)


def new_product(client: Client, name: str = "p") -> str:
    product = client.trusthub.v1.trust_products.create(
        friendly_name=name, email="t@example.com", policy_sid=CNAM
    )
    return str(product.sid)


def test_clients_made_before_and_inside_the_block_reach_the_emulator() -> None:
    before = default_client()
    with mock_twilio():
        inside = Client()  # credentials from the environment the block set
        names = {p.friendly_name for p in before.trusthub.v1.customer_profiles.list()}
        assert names == {"Example Business", "Pending Business"}
        assert [
            n.phone_number for n in inside.incoming_phone_numbers.list(phone_number="+14155550100")
        ] == ["+14155550100"]
    assert TwilioHttpClient.__dict__["request"] is ORIGINAL_REQUEST  # unpatched after


def test_each_block_starts_fresh_and_the_innermost_block_answers() -> None:
    client = default_client()
    with mock_twilio():
        new_product(client, "outer")
        with mock_twilio():
            assert client.trusthub.v1.trust_products.list() == []
            new_product(client, "inner")
        assert [p.friendly_name for p in client.trusthub.v1.trust_products.list()] == ["outer"]


def test_the_environment_is_set_for_the_block_and_restored(monkeypatch) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "ACreal")
    monkeypatch.setenv("TWILIO_API_KEY", "SKreal")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with mock_twilio() as twilio:
        assert os.environ["TWILIO_ACCOUNT_SID"] == twilio.account_sid == DEFAULT_ACCOUNT_SID
        assert os.environ["TWILIO_AUTH_TOKEN"] == twilio.auth_token == DEFAULT_AUTH_TOKEN
        assert "TWILIO_API_KEY" not in os.environ
    assert os.environ["TWILIO_ACCOUNT_SID"] == "ACreal"
    assert os.environ["TWILIO_API_KEY"] == "SKreal"
    assert "TWILIO_AUTH_TOKEN" not in os.environ
    with mock_twilio(set_env=False):
        assert os.environ["TWILIO_ACCOUNT_SID"] == "ACreal"


def test_wrong_credentials_are_refused_as_twilio_would() -> None:
    with mock_twilio(), pytest.raises(TwilioRestException) as err:
        Client(DEFAULT_ACCOUNT_SID, "wrong").trusthub.v1.trust_products.create(
            friendly_name="p", email="t@example.com", policy_sid=CNAM
        )
    assert (err.value.status, err.value.code) == (401, 20003)


def test_a_twilio_api_the_emulator_does_not_model_is_refused_offline() -> None:
    with (
        mock_twilio(),
        pytest.raises(UnsupportedTwilioRequest, match=r"Messages\.json is not emulated"),
    ):
        Client().messages.create(to="+14155550100", from_="+14155550101", body="hi")
    with mock_twilio(), pytest.raises(UnsupportedTwilioRequest, match=r"messaging\.twilio\.com"):
        Client().messaging.v1.services.list()


def test_other_hosts_pass_through_to_the_network_stack() -> None:
    """cnamctl's own client with --api-url calls super().request with a loopback URL:
    that request is not Twilio's, so it really goes over HTTP (to the served emulator)."""
    with mock_twilio() as twilio:
        creds = Credentials(twilio.account_sid, twilio.account_sid, twilio.auth_token)
        client = make_client(creds, api_url=twilio.base_url)
        new_product(client)
        assert twilio.stats()["requests"] == {"POST /v1/TrustProducts": 1}


def test_review_decisions_and_their_error_codes() -> None:
    with mock_twilio() as twilio:
        client = default_client()
        first, second = new_product(client, "a"), new_product(client, "b")
        assert twilio.approve(first)["status"] == "twilio-approved"
        rejected = twilio.reject(second, error_codes=[11008])
        assert rejected["status"] == "twilio-rejected"
        fetched = client.trusthub.v1.trust_products(second).fetch()
        assert [e["code"] for e in fetched.errors] == [11008]
        with pytest.raises(LookupError):
            twilio.approve("BU" + "0" * 32)


def test_submitted_products_wait_for_the_test_by_default() -> None:
    with mock_twilio() as twilio:
        assert twilio.config.review_mode == "manual"
    with mock_twilio(review_mode="auto-approve") as twilio:
        assert twilio.config.review_mode == "auto-approve"


def test_completing_a_caller_id_validation() -> None:
    with mock_twilio() as twilio:
        client = Client()
        client.validation_requests.create(phone_number="+14155550123", friendly_name="New")
        assert client.outgoing_caller_ids.list(phone_number="+14155550123") == []
        done = twilio.complete_validation("+14155550123")
        assert done["phone_number"] == "+14155550123"
        (caller_id,) = client.outgoing_caller_ids.list(phone_number="+14155550123")
        assert caller_id.friendly_name == "New"


def test_a_reset_raises_the_connection_error_a_socket_would() -> None:
    with mock_twilio() as twilio:
        twilio.set_faults(1.0, kinds=["reset"], seed=1)
        with pytest.raises(requests.exceptions.ConnectionError, match="Connection aborted"):
            default_client().trusthub.v1.trust_products.list()
        assert twilio.stats()["faults"]["reset"] == 1


def test_a_lost_answer_leaves_the_write_done() -> None:
    with mock_twilio() as twilio:
        client = default_client()
        twilio.set_faults(1.0, kinds=["commit-then-drop"])
        with pytest.raises(requests.exceptions.ConnectionError):
            new_product(client, "lost")
        twilio.set_faults(0)
        assert [p.friendly_name for p in client.trusthub.v1.trust_products.list()] == ["lost"]


def test_an_answer_slower_than_the_client_timeout_is_a_read_timeout() -> None:
    with mock_twilio() as twilio:
        twilio.set_latency(50)
        client = default_client(http_client=TwilioHttpClient(timeout=0.001))
        with pytest.raises(requests.exceptions.ReadTimeout):
            client.trusthub.v1.trust_products.list()
        assert twilio.config.latency_ms == 50


def test_jitter_is_passed_to_the_emulator_as_it_is() -> None:
    with mock_twilio() as twilio:
        if "jitter_ms" in {f.name for f in dataclasses.fields(EmulatorConfig)}:
            twilio.set_latency(1, jitter_ms=2)
            assert twilio.config.jitter_ms == 2  # type: ignore[attr-defined]
        else:  # an emulator without jitter says so, naming the option
            with pytest.raises(ValueError, match="jitter_ms"):
                twilio.set_latency(1, jitter_ms=2)


def test_any_emulator_option_goes_through_and_a_wrong_one_is_named() -> None:
    with mock_twilio(rate_limit=1000, auto_verify_caller_ids=True) as twilio:
        assert twilio.config.rate_limit == 1000
        assert twilio.configure(fault_rate=0.5).fault_rate == 0.5
    with pytest.raises(
        TypeError, match=r"unknown emulator option.*review_moed.*known:.*review_mode"
    ):
        mock_twilio(review_moed="manual")


def test_stats_count_requests_by_operation_and_reset() -> None:
    with mock_twilio() as twilio:
        client = default_client()
        new_product(client)
        client.trusthub.v1.trust_products.list()
        stats = twilio.stats()
        assert stats["requests"] == {"GET /v1/TrustProducts": 1, "POST /v1/TrustProducts": 1}
        assert stats["writes"] == 1
        twilio.reset_stats()
        assert twilio.stats()["total_requests"] == 0


def test_threads_of_the_code_under_test_are_covered() -> None:
    with mock_twilio() as twilio:
        client = default_client()
        with ThreadPoolExecutor(4) as pool:
            sids = list(pool.map(lambda i: new_product(client, f"p{i}"), range(8)))
        assert len(set(sids)) == 8
        assert twilio.stats()["writes"] == 8


def test_the_async_client_is_covered() -> None:
    async def names() -> list[str]:
        client = default_client(http_client=AsyncTwilioHttpClient())
        try:
            profiles = await client.trusthub.v1.customer_profiles.list_async()
            return sorted(p.friendly_name for p in profiles)
        finally:
            await client.http_client.close()

    with mock_twilio():
        assert asyncio.run(names()) == ["Example Business", "Pending Business"]


def test_the_decorator_gives_each_call_a_fresh_emulator() -> None:
    @mock_twilio()
    def make_one() -> int:
        client = default_client()
        new_product(client)
        return len(client.trusthub.v1.trust_products.list())

    assert [make_one(), make_one()] == [1, 1]
    assert TwilioHttpClient.__dict__["request"] is ORIGINAL_REQUEST


def test_the_decorator_on_a_coroutine_function() -> None:
    @mock_twilio()
    async def count() -> int:
        client = default_client(http_client=AsyncTwilioHttpClient())
        try:
            return len(await client.trusthub.v1.customer_profiles.list_async())
        finally:
            await client.http_client.close()

    assert asyncio.run(count()) == 2


def test_a_seed_dict_and_a_bad_seed() -> None:
    seed = {
        "accounts": [
            {"sid": "AC" + "1" * 32, "auth_token": "t1", "incoming_numbers": ["+12125550100"]},
            {"sid": "AC" + "2" * 32, "auth_token": "t2"},
        ]
    }
    with mock_twilio(seed) as twilio:
        assert twilio.accounts == {"AC" + "1" * 32: "t1", "AC" + "2" * 32: "t2"}
        assert len(twilio.client("AC" + "1" * 32).incoming_phone_numbers.list()) == 1
        assert twilio.client("AC" + "2" * 32).incoming_phone_numbers.list() == []
    with pytest.raises(SeedError), mock_twilio({"accounts": [{"sid": "nope"}]}):
        pass  # pragma: no cover
    assert TwilioHttpClient.__dict__["request"] is ORIGINAL_REQUEST


def test_the_fixture_is_registered_by_the_plugin(twilio_emulator) -> None:
    assert twilio_emulator.account_sid == DEFAULT_ACCOUNT_SID
    new_product(Client())
    assert twilio_emulator.stats()["writes"] == 1


def test_cnamctl_itself_reads_the_kit_through_base_url(tmp_path) -> None:
    """cnamctl's own HTTP client sends its requests itself, so it is pointed at the
    kit with --api-url; the credentials come from the environment the block set."""
    from click.testing import CliRunner

    from cnamctl.cli.app import main

    (tmp_path / "cnam.yaml").write_text(
        "apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: example\n"
        "friendlyName: Example Business\nphoneNumbers: ['+14155550100']\n"
    )
    with mock_twilio() as twilio:
        args = ["plan", "--format", "json", "--api-url", twilio.base_url, str(tmp_path)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        plan = json.dumps(json.loads(result.output))  # one account's plan, whatever its shape
        assert f'"account_sid": "{twilio.account_sid}"' in plan
        assert '"changes": []' in plan  # the seeded profile already holds the number
        assert twilio.stats()["total_requests"] > 0
