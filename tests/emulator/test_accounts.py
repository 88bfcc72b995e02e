"""API 2010 Accounts: an account sees itself, a parent sees its subaccounts."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from .helpers import ACCOUNT, OTHER_ACCOUNT, OTHER_TOKEN, SUB_ACCOUNT, SUB_TOKEN, TOKEN


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
