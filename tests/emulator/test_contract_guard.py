"""The response guard itself: it must catch what does not conform."""

from __future__ import annotations

import copy

import pytest
from support.contract import OpenApi

from cnamctl.emulator.web.ratelimit import TokenBucket

SID = "BU" + "a" * 32
PATH = f"/v1/TrustProducts/{SID}"
GOOD = {
    "sid": SID,
    "account_sid": "AC" + "a" * 32,
    "policy_sid": "RN" + "a" * 32,
    "friendly_name": "x",
    "status": "draft",
    "email": "a@b.example",
    "status_callback": None,
    "valid_until": None,
    "date_created": "2019-07-30T22:29:24Z",
    "date_updated": "2019-07-30T22:29:24Z",
    "url": f"https://trusthub.twilio.com{PATH}",
    "links": {"trust_products_evaluations": f"https://trusthub.twilio.com{PATH}/Evaluations"},
    "errors": None,
}


@pytest.fixture(scope="module")
def api() -> OpenApi:
    return OpenApi()


def test_a_conforming_body_passes(api):
    assert api.problems("GET", PATH, 200, GOOD) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "approved"),  # not in the enum
        ("sid", "BU123"),  # pattern
        ("date_created", "Thu, 30 Jul 2015 23:19:04 +0000"),  # v1 dates are ISO 8601
        ("errors", "none"),  # array or null
        ("url", f"https://api.twilio.com{PATH}"),  # v1 URLs live on trusthub.twilio.com
    ],
)
def test_a_bad_field_is_caught(api, field, value):
    body = copy.deepcopy(GOOD)
    body[field] = value
    assert api.problems("GET", PATH, 200, body)


def test_fields_must_be_exactly_the_specs(api):
    assert api.problems("GET", PATH, 200, {**GOOD, "invented": 1})
    missing = copy.deepcopy(GOOD)
    del missing["status_callback"]
    assert api.problems("GET", PATH, 200, missing)


def test_error_bodies_must_be_exactly_twilio_shaped(api):
    good = {
        "code": 20404,
        "message": "x",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }
    assert api.problems("GET", PATH, 404, good) == []
    assert api.problems("GET", PATH, 404, {**good, "detail": "extra"})
    assert api.problems("GET", PATH, 400, good)  # status in body differs from HTTP status


def test_2010_dates_are_rfc2822(api):
    path = "/2010-04-01/Accounts/AC" + "a" * 32 + "/OutgoingCallerIds/PN" + "a" * 32 + ".json"
    body = {
        "sid": "PN" + "a" * 32,
        "date_created": "2019-07-30T22:29:24Z",
        "date_updated": "Thu, 30 Jul 2015 23:19:04 +0000",
        "friendly_name": "x",
        "account_sid": "AC" + "a" * 32,
        "phone_number": "+14155550100",
        "uri": "/2010-04-01/...",
    }
    problems = api.problems("GET", path, 200, body)
    assert len(problems) == 1 and "date_created" in problems[0]


def test_token_bucket_refills():
    now = [0.0]
    bucket = TokenBucket(2, clock=lambda: now[0])
    assert bucket.acquire() == 0 and bucket.acquire() == 0
    wait = bucket.acquire()
    assert wait == pytest.approx(0.5) and TokenBucket.retry_after(wait) == 1
    now[0] = 0.5
    assert bucket.acquire() == 0


def test_the_vendored_specs_cover_every_operation_served():
    """The contract travels with the project: no operation goes unchecked."""
    from cnamctl.emulator import Emulator

    api = OpenApi()
    with Emulator() as emu:
        missing = [
            (method, template)
            for method, template in emu.operations()
            if api.operation(method, template.replace("{", "x").replace("}", "")) is None
        ]
    assert missing == []


def test_the_vendored_specs_are_what_the_script_makes():
    """When Twilio's specs are beside the project, the vendored subset must match them."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "support" / "vendor_twilio_oai.py"
    source = script.parents[2].parent / "shared" / "twilio-oai"
    if not (source / "LICENSE").is_file():
        pytest.skip("no ../shared/twilio-oai to compare with (the vendored copy is used)")
    done = subprocess.run(
        [sys.executable, str(script), "--check", "--source", str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
