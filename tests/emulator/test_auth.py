"""Authentication (auth token, API key, wrong credentials) and account isolation."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from .helpers import (
    ACCOUNT,
    API_KEY,
    API_SECRET,
    OTHER_ACCOUNT,
    OTHER_TOKEN,
    cnam_product,
    number_sid,
    profile_sid,
)


def test_auth_token_and_api_key_both_work(served):
    with_token = served.client()
    with_key = served.client(username=API_KEY, password=API_SECRET)
    assert [p.friendly_name for p in with_token.trusthub.v1.customer_profiles.list()] == [
        p.friendly_name for p in with_key.trusthub.v1.customer_profiles.list()
    ]
    assert len(with_key.api.v2010.accounts(ACCOUNT).incoming_phone_numbers.list()) == 8


@pytest.mark.parametrize(
    "auth",
    [
        None,
        (ACCOUNT, "wrong-token"),
        (API_KEY, "wrong-secret"),
        ("SK" + "b" * 32, API_SECRET),
        ("AC" + "9" * 32, "whatever"),
        ("someone", "else"),
    ],
)
@pytest.mark.parametrize(
    "path", ["/v1/TrustProducts", f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json"]
)
def test_bad_credentials_are_401_20003(served, auth, path):
    answer = served.http(auth=auth).get(served.url(path))
    assert answer.status_code == 401
    assert answer.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert answer.headers["WWW-Authenticate"].startswith("Basic")


def test_malformed_authorization_header(served):
    answer = served.http(auth=None).get(
        served.url("/v1/EndUsers"), headers={"Authorization": "Basic !!!"}
    )
    assert answer.status_code == 401 and answer.json()["code"] == 20003


def test_sdk_raises_on_wrong_token(served):
    client = served.client(password="nope")
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.policies("RNf3db3cd1fe25fcfd3c3ded065c8fea53").fetch()
    assert (err.value.status, err.value.code) == (401, 20003)


def test_2010_path_of_another_account_is_refused(served):
    client = served.client()
    with pytest.raises(TwilioRestException) as err:
        client.api.v2010.accounts(OTHER_ACCOUNT).incoming_phone_numbers("PN" + "0" * 32).fetch()
    assert (err.value.status, err.value.code) == (401, 20003)
    answer = served.http().get(
        served.url(f"/2010-04-01/Accounts/{OTHER_ACCOUNT}/OutgoingCallerIds.json")
    )
    assert (answer.status_code, answer.json()["code"]) == (401, 20003)


def test_accounts_see_only_their_own_objects(served):
    mine = served.client()
    theirs = served.client(account=OTHER_ACCOUNT, password=OTHER_TOKEN)
    product, end_user = cnam_product(mine)
    their_profile = profile_sid(theirs, "Other Corp")
    their_number = number_sid(theirs, "+12125550100", account=OTHER_ACCOUNT)
    assert theirs.trusthub.v1.trust_products.list() == []
    assert theirs.trusthub.v1.end_users.list() == []
    assert [p.friendly_name for p in theirs.trusthub.v1.customer_profiles.list()] == ["Other Corp"]
    their_numbers = theirs.api.v2010.accounts(OTHER_ACCOUNT).incoming_phone_numbers.list()
    assert [n.phone_number for n in their_numbers] == ["+12125550100"]
    assert theirs.api.v2010.accounts(OTHER_ACCOUNT).outgoing_caller_ids.list() == []
    assert mine.trusthub.v1.trust_products(product.sid).trust_products_entity_assignments.list()
    for attempt in (
        lambda: theirs.trusthub.v1.trust_products(product.sid).fetch(),
        lambda: theirs.trusthub.v1.end_users(end_user.sid).fetch(),
        lambda: theirs.trusthub.v1.trust_products(product.sid).delete(),
        lambda: theirs.trusthub.v1.trust_products(product.sid).trust_products_evaluations.create(
            policy_sid="RNf3db3cd1fe25fcfd3c3ded065c8fea53"
        ),
        lambda: mine.trusthub.v1.customer_profiles(their_profile).fetch(),
        lambda: mine.api.v2010.accounts(ACCOUNT).incoming_phone_numbers(their_number).fetch(),
    ):
        with pytest.raises(TwilioRestException) as err:
            attempt()
        assert (err.value.status, err.value.code) == (404, 20404)
    listing = served.http(auth=(OTHER_ACCOUNT, OTHER_TOKEN)).get(
        served.url(f"/v1/TrustProducts/{product.sid}/EntityAssignments")
    )
    assert (listing.status_code, listing.json()["code"]) == (404, 20404)
    # Another account's objects cannot be assigned either.
    tp = mine.trusthub.v1.trust_products(product.sid)
    with pytest.raises(TwilioRestException) as err:
        tp.trust_products_entity_assignments.create(object_sid=their_profile)
    assert err.value.code == 22205
    with pytest.raises(TwilioRestException) as err:
        tp.trust_products_channel_endpoint_assignment.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=their_number
        )
    assert err.value.status == 400
