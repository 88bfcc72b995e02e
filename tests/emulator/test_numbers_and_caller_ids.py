"""API 2010: IncomingPhoneNumbers, OutgoingCallerIds and ValidationRequests."""

from __future__ import annotations

import re

import pytest
from twilio.base.exceptions import TwilioRestException

from cnamctl.emulator import EmulatorConfig

from .helpers import ACCOUNT, CANADIAN, LOCAL, TOLL_FREE, number_sid


def test_incoming_numbers_are_classified(client):
    numbers = {
        n.phone_number: n for n in client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers.list()
    }
    assert numbers[LOCAL[0]].type == "local"
    assert numbers[TOLL_FREE].type == "tollfree"
    assert numbers[LOCAL[0]].friendly_name == "(415) 555-0100"
    assert numbers[CANADIAN].uri.startswith(
        f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/PN"
    )


def test_incoming_number_filters_fetch_and_update(client):
    numbers = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers
    sid = number_sid(client, LOCAL[1])
    assert [n.sid for n in numbers.list(phone_number="(415) 555-0101")] == [sid]
    updated = numbers(sid).update(voice_caller_id_lookup=True, friendly_name="Sales")
    assert updated.voice_caller_id_lookup is True and updated.friendly_name == "Sales"
    assert numbers(sid).fetch().voice_caller_id_lookup is True
    assert [n.sid for n in numbers.list(friendly_name="Sales")] == [sid]
    assert numbers(sid).update(voice_caller_id_lookup=False).voice_caller_id_lookup is False


def test_incoming_number_update_validation(served):
    sid = number_sid(served.client(), LOCAL[0])
    url = served.url(f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{sid}.json")
    http = served.http()
    for data in ({"VoiceCallerIdLookup": "maybe"}, {"FriendlyName": "x" * 65}):
        answer = http.post(url, data=data)
        assert (answer.status_code, answer.json()["code"]) == (400, 20001)


def test_caller_ids_list_filter_update_delete(client):
    caller_ids = client.api.v2010.accounts(ACCOUNT).outgoing_caller_ids
    assert {c.friendly_name for c in caller_ids.list()} == {"Front desk", "Old line"}
    front = caller_ids.list(phone_number="+14155550199")
    assert [c.friendly_name for c in front] == ["Front desk"]
    assert [c.phone_number for c in caller_ids.list(friendly_name="Old line")] == ["+14155550150"]
    assert caller_ids(front[0].sid).update(friendly_name="Reception").friendly_name == "Reception"
    assert caller_ids(front[0].sid).delete() is True
    with pytest.raises(TwilioRestException) as err:
        caller_ids(front[0].sid).fetch()
    assert err.value.code == 20404


def test_validation_request_then_admin_completion(served):
    client = served.client()
    request = client.validation_requests.create(
        phone_number="(415) 555-0198", friendly_name="Reception"
    )
    assert re.fullmatch(r"\d{6}", request.validation_code)
    assert request.phone_number == "+14155550198" and request.call_sid.startswith("CA")
    caller_ids = client.api.v2010.accounts(ACCOUNT).outgoing_caller_ids
    assert caller_ids.list(phone_number="+14155550198") == []
    http = served.http(auth=None)
    pending = http.get(
        served.url("/_emulator/validation-requests"), params={"account_sid": ACCOUNT}
    ).json()
    assert [p["validation_code"] for p in pending["validation_requests"]] == [
        request.validation_code
    ]
    done = http.post(
        served.url("/_emulator/validation-requests/complete"),
        json={"validation_code": request.validation_code},
    )
    assert done.status_code == 200 and done.json()["friendly_name"] == "Reception"
    assert [c.sid for c in caller_ids.list(phone_number="+14155550198")] == [done.json()["sid"]]
    again = http.post(
        served.url("/_emulator/validation-requests/complete"),
        json={"account_sid": ACCOUNT, "phone_number": "+14155550198"},
    )
    assert again.status_code == 404


def test_auto_verify_creates_the_caller_id_at_once(serve):
    client = serve(config=EmulatorConfig(auto_verify_caller_ids=True)).client()
    client.validation_requests.create(phone_number="+14155550198")
    created = client.api.v2010.accounts(ACCOUNT).outgoing_caller_ids.list(
        phone_number="+14155550198"
    )
    assert [c.friendly_name for c in created] == ["(415) 555-0198"]


def test_validation_request_errors(served):
    client = served.client()
    with pytest.raises(TwilioRestException) as err:
        client.validation_requests.create(phone_number="+14155550199")
    assert (err.value.status, err.value.code) == (400, 21450)
    with pytest.raises(TwilioRestException) as err:
        client.validation_requests.create(phone_number="12")
    assert (err.value.status, err.value.code) == (400, 21217)
    with pytest.raises(TwilioRestException) as err:
        client.validation_requests.create(phone_number="+14155550198", call_delay=61)
    assert err.value.code == 20001
    answer = served.http().post(
        served.url(f"/2010-04-01/Accounts/{ACCOUNT}/OutgoingCallerIds.json"), data={}
    )
    assert answer.json() == {
        "code": 20001,
        "message": "Missing required parameter PhoneNumber in the post body",
        "more_info": "https://www.twilio.com/docs/errors/20001",
        "status": 400,
    }


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("+14155550101", [LOCAL[1]]),  # a whole number: exact
        ("4155550101", [LOCAL[1]]),
        ("415555010", [*LOCAL, "+14155550109"]),  # a part of the number
        ("+1415555010*", [*LOCAL, "+14155550109"]),  # '*': any digit
        ("*800*", [TOLL_FREE]),
        ("604", [CANADIAN]),
        ("+1212", []),
        ("no digits", []),
    ],
)
def test_incoming_number_phone_number_filter(client, pattern, expected):
    numbers = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers
    assert sorted(n.phone_number for n in numbers.list(phone_number=pattern)) == sorted(expected)


def test_incoming_number_origin_and_beta_filters(served):
    client = served.client()
    numbers = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers
    assert len(numbers.list(origin="twilio")) == 8
    assert numbers.list(origin="hosted") == []
    assert len(numbers.list(beta=False)) == len(numbers.list(beta=True)) == 8
    answer = served.http().get(
        served.url(f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json"),
        params={"Beta": "perhaps"},
    )
    assert (answer.status_code, answer.json()["code"]) == (400, 20001)


@pytest.mark.parametrize(
    "data",
    [
        {"VoiceMethod": "PUT"},
        {"SmsFallbackMethod": "get"},
        {"EmergencyStatus": "On"},
        {"VoiceReceiveMode": "sms"},
        {"TrunkSid": "TR" + "0" * 32},
        {"BundleSid": "not-a-sid"},
        {"AccountSid": "AC" + "f" * 32},
    ],
)
def test_incoming_number_update_checks_the_spec_enums(served, data):
    client = served.client()
    sid = number_sid(client, LOCAL[2])
    url = served.url(f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{sid}.json")
    before = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers(sid).fetch()
    answer = served.http().post(url, data={**data, "FriendlyName": "changed"})
    assert (answer.status_code, answer.json()["code"]) == (400, 20001)
    after = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers(sid).fetch()
    assert after.friendly_name == before.friendly_name


def test_incoming_number_update_accepts_the_other_spec_parameters(client):
    numbers = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers
    sid = number_sid(client, LOCAL[3])
    updated = numbers(sid).update(
        voice_method="GET",
        voice_url="https://example.com/voice",
        emergency_status="Inactive",
        voice_receive_mode="voice",
        trunk_sid="TK" + "0" * 32,
    )
    assert updated.sid == sid and updated.voice_caller_id_lookup is False


def test_unset_number_fields_are_as_twilio_prints_them(client):
    """The seeds' printed IncomingPhoneNumber: empty strings, and beta null."""
    number = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers.list(limit=1)[0]
    for field in (
        "sms_url",
        "sms_fallback_url",
        "status_callback",
        "sms_application_sid",
        "voice_application_sid",
    ):
        assert getattr(number, field) == "", field
    assert number.beta is None
    assert number.voice_url is None and number.trunk_sid is None


def test_incoming_number_filter_answers_every_shard_pattern_as_documented(client):
    """The patterns cnamctl's reader shards the list with (live/shards.py): a prefix
    with '*' for any digit; each answers exactly the numbers it matches."""
    from cnamctl.live.shards import plan_shards

    numbers = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers
    every = [n.phone_number for n in numbers.list()]
    shards = plan_shards(every)
    assert shards is not None
    for shard in shards:
        answered = sorted(n.phone_number for n in numbers.list(phone_number=shard.pattern))
        assert answered == sorted(n for n in every if shard.holds(n)), shard.pattern
    assert sum(len(numbers.list(phone_number=s.pattern)) for s in shards) == len(every)
