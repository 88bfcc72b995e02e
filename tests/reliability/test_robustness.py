"""Hostile and broken traffic: Twilio-shaped errors, no crash, state unchanged.

Three angles (the emulator's own request-by-request table is in
tests/emulator/test_hostile.py):

* what the twilio SDK makes of the errors: every refusal is a TwilioRestException
  carrying Twilio's code, message and more_info;
* the same hostile requests fired concurrently with snapshot reads: the reads
  all succeed and agree, nothing answers 5xx, the database is unchanged and the
  emulator logs no error;
* the CLI facing them: wrong credentials, another account's SID pinned in a
  manifest, a base URL whose paths do not exist. Each exits 1 with a readable
  error, no traceback, and writes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from twilio.base.exceptions import TwilioRestException

from cnamctl import CNAM_POLICY_SID
from cnamctl.live.reader import read_snapshot

from .live import (
    ACCOUNT,
    NUMBERS,
    OTHER_ACCOUNT,
    OTHER_TOKEN,
    TOKEN,
    Live,
    token_env,
)

ERROR_KEYS = {"code", "message", "more_info", "status"}
BIG = "a" * (1024 * 1024 + 1)
MINE = (ACCOUNT, TOKEN)


def their_sids(live: Live) -> dict[str, str]:
    trusthub = live.client(OTHER_ACCOUNT, OTHER_TOKEN).trusthub.v1
    product = trusthub.trust_products.list()[0]
    return {"product": product.sid, "profile": trusthub.customer_profiles.list()[0].sid}


def my_number(live: Live) -> str:
    account = live.client().api.v2010.accounts(ACCOUNT)
    return str(account.incoming_phone_numbers.list(phone_number=NUMBERS[0])[0].sid)


def hostile(live: Live) -> list[tuple[str, str, dict[str, Any], int]]:
    """(method, path, requests kwargs, expected status)."""
    theirs = their_sids(live)
    number = my_number(live)
    product = f"/v1/TrustProducts/{theirs['product']}"
    return [
        ("GET", "/v1/TrustProducts", {"auth": (ACCOUNT, "not-the-token")}, 401),
        ("POST", "/v1/EndUsers", {"auth": None, "data": {"FriendlyName": "x"}}, 401),
        ("GET", f"/2010-04-01/Accounts/{OTHER_ACCOUNT}/IncomingPhoneNumbers.json", {}, 401),
        ("GET", product, {}, 404),
        ("DELETE", product, {}, 404),
        ("POST", product, {"data": {"Email": "stolen@example.com"}}, 404),
        (
            "POST",
            f"/v1/CustomerProfiles/{theirs['profile']}/ChannelEndpointAssignments",
            {"data": {"ChannelEndpointType": "phone-number", "ChannelEndpointSid": number}},
            404,
        ),
        (
            "POST",
            "/v1/TrustProducts",
            {"data": {"FriendlyName": BIG, "Email": "a@b.example", "PolicySid": CNAM_POLICY_SID}},
            413,
        ),
        ("POST", "/v1/EndUsers", {"data": b"\xff\xfe%zz", "headers": _FORM}, 400),
        ("POST", "/v1/EndUsers", {"json": {"FriendlyName": "x", "Type": "cnam_information"}}, 400),
        ("GET", "/v1/NoSuchThing", {}, 404),
        ("GET", "/2010-04-01/Accounts.json/../../etc/passwd", {}, 404),
        ("DELETE", "/v1/EndUsers/IT-not-a-sid", {}, 404),
    ]


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def fire(session: requests.Session, live: Live, request: tuple[str, str, dict[str, Any], int]):
    method, path, kwargs, _ = request
    kwargs = {"auth": MINE, **kwargs}
    return session.request(method, live.base_url + path, timeout=10, **kwargs)


def assert_twilio_error(answer: requests.Response, expected: int) -> None:
    assert answer.status_code == expected, (answer.request.method, answer.url, answer.text[:200])
    body = answer.json()
    assert set(body) == ERROR_KEYS, body
    assert body["status"] == expected
    assert isinstance(body["code"], int)
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{body['code']}"


def test_the_sdk_reads_every_refusal_as_a_twilio_error(live: Live) -> None:
    """Fetches, creates and deletes raise TwilioRestException with Twilio's fields.
    (The SDK's list calls wrap any non-200 page in a plain TwilioException; the
    reader maps both, see cnamctl/live/reader.py.)"""
    before = live.dump()
    mine = live.client()
    theirs = their_sids(live)
    wrong = live.client(password="not-the-token")
    profile = mine.trusthub.v1.customer_profiles.list()[0].sid
    calls: list[tuple[Callable[[], object], int, int]] = [
        (lambda: wrong.trusthub.v1.customer_profiles(profile).fetch(), 401, 20003),
        (lambda: mine.trusthub.v1.trust_products(theirs["product"]).fetch(), 404, 20404),
        (lambda: mine.trusthub.v1.trust_products(theirs["product"]).delete(), 404, 20404),
        (
            lambda: mine.trusthub.v1.end_users.create(
                friendly_name=BIG, type="cnam_information", attributes={"cnam_display_name": "X"}
            ),
            413,
            20413,
        ),
        (
            lambda: mine.trusthub.v1.trust_products.create(
                friendly_name="x", email="a@b.example", policy_sid="RN" + "0" * 32
            ),
            400,
            20001,
        ),
    ]
    for call, status, code in calls:
        with pytest.raises(TwilioRestException) as info:
            call()
        assert (info.value.status, info.value.code) == (status, code), info.value
        assert info.value.msg
    answer = mine.request("GET", "https://trusthub.twilio.com/v1/NoSuchThing")
    assert answer.status_code == 404
    assert live.dump() == before
    assert live.writes() == 0


def test_hostile_traffic_during_reads_changes_nothing(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="cnamctl.emulator")
    requests_ = hostile(live)
    before = live.dump()
    reference = read_snapshot(live.client()).fingerprints()
    failures: list[str] = []
    snapshots: list[dict[str, str]] = []

    def attacker() -> None:
        with requests.Session() as session:
            for _ in range(3):
                for request in requests_:
                    try:
                        assert_twilio_error(fire(session, live, request), request[3])
                    except AssertionError as err:  # collected: threads cannot fail a test
                        failures.append(str(err))

    def reader() -> None:
        client = live.client()
        for _ in range(3):
            snapshots.append(read_snapshot(client, max_workers=4).fingerprints())

    threads = [threading.Thread(target=attacker) for _ in range(3)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert not failures, failures[:5]
    assert len(snapshots) == 6 and all(s == reference for s in snapshots)
    assert live.dump() == before
    stats = live.emulator.stats()
    assert stats["writes"] == 0
    assert not any(code.startswith("5") for code in stats["responses_by_status"])
    assert not caplog.records, [r.getMessage() for r in caplog.records]


def _write(directory: Path, *docs: dict[str, Any]) -> str:
    directory.mkdir(exist_ok=True)
    (directory / "m.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return str(directory)


def _business(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "cnamctl/v1", "kind": "BusinessProfile", "name": "acme", **fields}


def _cnam() -> dict[str, Any]:
    return {
        "apiVersion": "cnamctl/v1",
        "kind": "CnamProfile",
        "name": "acme-sales",
        "businessProfile": "acme",
        "displayName": "ACME SALES",
        "email": "trust@acme.example",
        "phoneNumbers": NUMBERS[:2],
    }


def test_the_cli_refuses_cleanly_and_writes_nothing(live: Live, tmp_path: Path) -> None:
    good = _write(tmp_path / "good", _business(friendlyName="Acme Corp"), _cnam())
    theirs = _write(tmp_path / "theirs", _business(sid=their_sids(live)["profile"]), _cnam())
    before = live.dump()
    env = token_env(live.base_url)
    cases = [
        (["plan", good], {**env, "TWILIO_AUTH_TOKEN": "not-the-token"}, "401"),
        (["apply", "--auto-approve", good], {**env, "TWILIO_AUTH_TOKEN": "nope"}, "401"),
        (["plan", theirs], env, "m.yaml:"),
        (["apply", "--auto-approve", theirs], env, "m.yaml:"),
        (["plan", good], {**env, "CNAMCTL_API_URL": live.base_url + "/nope"}, "404"),
        (
            ["apply", "--auto-approve", good],
            {**env, "CNAMCTL_API_URL": live.base_url + "/x"},
            "404",
        ),
    ]
    for args, case_env, hint in cases:
        result = live.cli(args, case_env)
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert result.stderr.startswith("error:"), result.stderr
        assert hint in result.stderr, (args, result.stderr)
    assert live.dump() == before
    assert live.writes() == 0
    assert live.cli(["plan", good], env).exit_code == 0, "and the emulator still serves"


def test_a_refused_read_is_described_in_words(live: Live, tmp_path: Path) -> None:
    good = _write(tmp_path / "good", _business(friendlyName="Acme Corp"), _cnam())
    env = {**token_env(live.base_url), "TWILIO_AUTH_TOKEN": "not-the-token"}
    result = live.cli(["plan", good], env)
    assert result.exit_code == 1
    assert "Unable to fetch page" not in result.stderr
    assert "refused the credentials (HTTP 401, code 20003)" in result.stderr
