"""Credentials for each Account a workspace declares.

* ``credentials`` in the Account document names environment variables holding
  the account's own auth token or API key and secret.
* Otherwise the environment's credentials (TWILIO_ACCOUNT_SID with its token or
  API key) are used directly when they are for that account, or, for a
  subaccount, as its parent: Twilio lets a parent read a subaccount's auth token
  through the v2010 Accounts resource, and Trust Hub needs the subaccount's own
  credentials (parent credentials only reach a subaccount's v2010 resources).
"""

from __future__ import annotations

from collections.abc import Mapping

from twilio.base.exceptions import TwilioRestException

from cnamctl.errors import TwilioAccessError, UsageError
from cnamctl.manifest.model import Account
from cnamctl.twilio.client import make_client
from cnamctl.twilio.credentials import Credentials


def account_credentials(
    account: Account,
    env: Mapping[str, str],
    api_url: str | None,
    parent: Credentials | None = None,
) -> Credentials:
    """``parent``: the credentials to fall back on (default: from ``env``)."""
    spec = account.credentials
    if spec is not None:
        if spec.api_key_env and spec.api_secret_env:
            return Credentials(
                account.sid,
                _required(env, spec.api_key_env, account),
                _required(env, spec.api_secret_env, account),
            )
        assert spec.auth_token_env is not None  # the model requires one way
        return Credentials(account.sid, account.sid, _required(env, spec.auth_token_env, account))

    parent = parent or Credentials.from_env(env)
    if parent.account_sid == account.sid:
        return parent
    client = make_client(parent, api_url)
    try:
        sub = client.api.v2010.accounts(account.sid).fetch()
    except TwilioRestException as err:
        raise TwilioAccessError(
            f"account {account.name} ({account.sid}): the credentials of {parent.account_sid} "
            f"cannot act on it (HTTP {err.status}, code {err.code}); is it a subaccount of "
            "theirs? Otherwise give the Account `credentials:`"
        ) from None
    if not sub.auth_token:
        raise TwilioAccessError(
            f"account {account.name} ({account.sid}): Twilio did not return its auth token "
            "to the parent credentials; give the Account `credentials:`"
        )
    return Credentials(account.sid, account.sid, sub.auth_token)


def _required(env: Mapping[str, str], name: str, account: Account) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise UsageError(
            f"account {account.name} ({account.sid}): environment variable {name} is not set"
        )
    return value
