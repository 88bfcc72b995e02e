"""Protocol-level behaviour: unknown paths, methods, bodies, malformed SIDs, params."""

from __future__ import annotations

import pytest

from cnamctl.emulator import Emulator

from .helpers import ACCOUNT, small_seed


@pytest.mark.parametrize(
    "path",
    [
        "/v1/Nothing",
        "/v1/TrustProducts/BU123",  # malformed SID
        "/v1/TrustProducts/BU" + "0" * 32,  # well-formed, unknown
        "/v1/TrustProducts/BU" + "0" * 32 + "/EntityAssignments",
        "/v1/EndUsers/IT" + "0" * 32,
        "/v1/Policies/RN" + "0" * 32,
        f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json",
        f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/PNnope.json",
        "/favicon.ico",
    ],
)
def test_unknown_paths_are_twilio_404s(served, path):
    answer = served.http().get(served.url(path))
    assert answer.status_code == 404
    assert answer.json() == {
        "code": 20404,
        "message": f"The requested resource {path} was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }


def test_wrong_method_is_405(served):
    answer = served.http().put(served.url("/v1/TrustProducts"))
    assert answer.status_code == 405 and answer.json()["code"] == 20004


def test_missing_required_params(served):
    answer = served.http().post(served.url("/v1/TrustProducts"), data={"FriendlyName": "x"})
    assert answer.status_code == 400
    assert answer.json()["message"] == "Missing required parameter Email in the post body"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"FriendlyName": "x", "Email": "a@b.example", "PolicySid": "nope"}, 20001),
        ({"FriendlyName": "x", "Email": "a@b.example", "PolicySid": "RN" + "0" * 32}, 20001),
        (
            {
                "FriendlyName": "x",
                "Email": "not-an-email",
                "PolicySid": "RNf3db3cd1fe25fcfd3c3ded065c8fea53",
            },
            20001,
        ),
        # a customer-profile policy cannot make a trust product
        (
            {
                "FriendlyName": "x",
                "Email": "a@b.example",
                "PolicySid": "RN6433641899984f951173ef1738c3bdd0",
            },
            20001,
        ),
    ],
)
def test_invalid_params(served, data, code):
    answer = served.http().post(served.url("/v1/TrustProducts"), data=data)
    assert answer.status_code == 400 and answer.json()["code"] == code


def test_bad_enum_in_filter_and_update(served):
    http = served.http()
    assert (
        http.get(served.url("/v1/TrustProducts"), params={"Status": "approved"}).json()["code"]
        == 20001
    )
    created = http.post(
        served.url("/v1/TrustProducts"),
        data={
            "FriendlyName": "x",
            "Email": "a@b.example",
            "PolicySid": "RNf3db3cd1fe25fcfd3c3ded065c8fea53",
        },
    ).json()
    answer = http.post(
        served.url(f"/v1/TrustProducts/{created['sid']}"), data={"Status": "approved"}
    )
    assert answer.status_code == 400 and answer.json()["code"] == 22203


def test_oversized_body_is_413_and_changes_nothing(served):
    http = served.http()
    before = http.get(served.url("/v1/EndUsers")).json()["results"]
    answer = http.post(
        served.url("/v1/EndUsers"),
        data={
            "FriendlyName": "x",
            "Type": "cnam_information",
            "Attributes": "{" + " " * (1024 * 1024) + "}",
        },
    )
    assert answer.status_code == 413 and answer.json()["code"] == 20413
    assert http.get(served.url("/v1/EndUsers")).json()["results"] == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b'{"FriendlyName": "x"}', "application/json"),
        (b"--broken\r\nContent-Disposition: form-data\r\n", "multipart/form-data; boundary=broken"),
    ],
)
def test_malformed_bodies_are_4xx(served, body, content_type):
    answer = served.http().post(
        served.url("/v1/EndUsers"), data=body, headers={"Content-Type": content_type}
    )
    assert 400 <= answer.status_code < 500
    assert set(answer.json()) == {"code", "message", "more_info", "status"}
    assert served.http().get(served.url("/v1/EndUsers")).json()["results"] == []


def test_wsgi_app_works_without_a_server(oas):
    from werkzeug.test import Client

    with Emulator(seed=small_seed()) as emu:
        answer = Client(emu.wsgi_app).get("/v1/Policies", auth=(ACCOUNT, "test-auth-token"))
    assert answer.status_code == 200
    assert {p["friendly_name"] for p in answer.json["results"]} >= {"CNAM Trust Product"}
    if oas is not None:
        assert oas.problems("GET", "/v1/Policies", 200, answer.json) == []


def test_policies(client):
    policies = {p.sid: p for p in client.trusthub.v1.policies.list()}
    cnam = policies["RNf3db3cd1fe25fcfd3c3ded065c8fea53"]
    assert cnam.requirements["end_user"][0]["type"] == "cnam_information"
    assert (
        cnam.requirements["supporting_customer_profiles"][0]["requirement_name"]
        == "customer_profile"
    )
    assert "RN7a97559effdf62d00f4298208492a5ea" in policies
    assert client.trusthub.v1.policies(cnam.sid).fetch().friendly_name == cnam.friendly_name
