"""API 2010 Accounts and credentials: an account sees itself, a parent its subaccounts;
API keys have a kind (Standard, Main), as on Twilio."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

from .helpers import (
    ACCOUNT,
    API_KEY,
    API_SECRET,
    MAIN_KEY,
    MAIN_SECRET,
    OTHER_ACCOUNT,
    OTHER_TOKEN,
    SUB_ACCOUNT,
    SUB_NUMBER,
    SUB_TOKEN,
    TOKEN,
)


def test_an_account_fetches_itself(served):
    me = served.client().api.v2010.accounts(ACCOUNT).fetch()
    assert (me.sid, me.owner_account_sid, me.status) == (ACCOUNT, ACCOUNT, "active")
    assert me.auth_token == TOKEN


def test_a_parent_fetches_its_subaccount_with_its_token(served):
    sub = served.client().api.v2010.accounts(SUB_ACCOUNT).fetch()
    assert sub.owner_account_sid == ACCOUNT
    assert sub.auth_token == SUB_TOKEN
    # and that token works for the subaccount's own Trust Hub
    as_sub = served.client(SUB_ACCOUNT, password=sub.auth_token)
    assert as_sub.trusthub.v1.customer_profiles.list() == []


@pytest.mark.parametrize(
    ("who", "token", "target"),
    [
        (SUB_ACCOUNT, SUB_TOKEN, ACCOUNT),  # a subaccount cannot see its parent
        (OTHER_ACCOUNT, OTHER_TOKEN, SUB_ACCOUNT),  # nor a stranger the subaccount
        (ACCOUNT, TOKEN, OTHER_ACCOUNT),  # nor a parent another main account
    ],
)
def test_nobody_else_sees_an_account(served, who, token, target):
    with pytest.raises(TwilioRestException) as err:
        served.client(who, password=token).api.v2010.accounts(target).fetch()
    assert (err.value.status, err.value.code) == (404, 20404)


# -- credentials as Twilio has them ----------------------------------------------


def test_a_parents_auth_token_reaches_its_subaccounts_2010_resources(served):
    numbers = served.client().api.v2010.accounts(SUB_ACCOUNT).incoming_phone_numbers.list()
    assert [n.phone_number for n in numbers] == [SUB_NUMBER]
    assert all(n.account_sid == SUB_ACCOUNT for n in numbers)


@pytest.mark.parametrize(("key", "secret"), [(API_KEY, API_SECRET), (MAIN_KEY, MAIN_SECRET)])
def test_a_parents_api_keys_do_not_reach_a_subaccounts_resources(served, key, secret):
    client = served.client(username=key, password=secret)
    with pytest.raises(TwilioException, match=r"HTTP 401.*20003"):
        client.api.v2010.accounts(SUB_ACCOUNT).incoming_phone_numbers.list()


def test_a_subaccount_cannot_reach_its_parents_resources(served):
    client = served.client(SUB_ACCOUNT, password=SUB_TOKEN)
    with pytest.raises(TwilioException, match=r"HTTP 401.*20003"):
        client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers.list()


@pytest.mark.parametrize("target", [ACCOUNT, SUB_ACCOUNT])
def test_a_standard_key_cannot_use_the_accounts_resource(served, target):
    client = served.client(username=API_KEY, password=API_SECRET)
    with pytest.raises(TwilioRestException) as err:
        client.api.v2010.accounts(target).fetch()
    assert (err.value.status, err.value.code) == (401, 20003)
    # ... while its other resources are open to it
    assert client.trusthub.v1.customer_profiles.list()


def test_a_main_key_reads_the_account_and_its_subaccounts(served):
    client = served.client(username=MAIN_KEY, password=MAIN_SECRET)
    assert client.api.v2010.accounts(ACCOUNT).fetch().auth_token == TOKEN
    assert client.api.v2010.accounts(SUB_ACCOUNT).fetch().auth_token == SUB_TOKEN
