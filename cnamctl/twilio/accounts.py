"""Credentials for each Account a workspace declares.

* ``credentials`` in the Account document names environment variables holding
  the account's own auth token or API key and secret.
* Otherwise the environment's credentials (TWILIO_ACCOUNT_SID with its token or
  API key) are used directly when they are for that account, or, for a
  subaccount, as its parent's: the parent reads the subaccount's auth token from
  the API 2010 Accounts resource (``GET /2010-04-01/Accounts/{Sid}.json``), which
  is then used for everything. Parent credentials alone would not do: they reach
  a subaccount's API 2010 resources, but Trust Hub wants the subaccount's own.

Reading ``Accounts/{Sid}`` takes the parent's auth token or a *Main* API key;
Twilio refuses a *Standard* (or Restricted) key there with HTTP 401, code 20003
(sources in docs/exit-codes.md). cnamctl cannot ask Twilio which kind a key
is (listing keys needs a Main key too), so a key refused there gets a message
naming every way out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from requests.exceptions import RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException

from cnamctl.errors import TwilioAccessError, UsageError
from cnamctl.twilio.client import make_client
from cnamctl.twilio.credentials import Credentials, check_sendable
from cnamctl.twilio.failures import access_error
from cnamctl.twilio.timeouts import Timeouts
from cnamctl.twilio.url import ApiUrl

if TYPE_CHECKING:  # the manifest models (pydantic) load only where they are needed
    from cnamctl.manifest.model import Account

REFUSED_STATUS = (401, 403)
AUTHENTICATE_CODE = 20003  # "Permission Denied": also a Standard key on /Accounts


def account_credentials(
    account: Account,
    env: Mapping[str, str],
    api_url: str | ApiUrl | None,
    parent: Credentials | None = None,
    *,
    timeouts: Timeouts | None = None,
) -> Credentials:
    """``parent``: the credentials to fall back on (default: from ``env``);
    ``timeouts``: of the request reading a subaccount's auth token."""
    spec = account.credentials
    where = f"account {account.name} ({account.sid})"
    if spec is not None:
        if spec.api_key_env and spec.api_secret_env:
            return Credentials(
                account.sid,
                _required(env, spec.api_key_env, account),
                _required(env, spec.api_secret_env, account),
                f"{where}: {spec.api_key_env}/{spec.api_secret_env}",
            )
        assert spec.auth_token_env is not None  # the model requires one way
        token = _required(env, spec.auth_token_env, account)
        return Credentials(account.sid, account.sid, token, f"{where}: {spec.auth_token_env}")

    parent = parent or Credentials.from_env(env)
    if parent.account_sid == account.sid:
        return parent
    client = make_client(parent, api_url, timeout=timeouts)
    try:
        sub = client.api.v2010.accounts(account.sid).fetch()
    except TwilioRestException as err:
        raise _refused(account, parent, err) from None
    except (TwilioException, RequestException) as err:
        raise _prefixed(where, access_error(err)) from None
    except TwilioAccessError as err:  # e.g. not Twilio's API at all
        raise _prefixed(where, err) from None
    if not sub.auth_token:
        raise TwilioAccessError(
            f"{where}: Twilio did not return its auth token to the parent credentials; "
            "give the Account `credentials:`"
        )
    return Credentials(account.sid, account.sid, sub.auth_token, f"{where}: its auth token")


def _refused(account: Account, parent: Credentials, err: TwilioRestException) -> TwilioAccessError:
    where = f"account {account.name} ({account.sid})"
    answer = f"HTTP {err.status}, code {err.code}"
    own = (
        "or give the Account its own `credentials:` (authTokenEnv, or apiKeyEnv with "
        "apiSecretEnv: a key made in the subaccount)"
    )
    if parent.is_api_key and err.status in REFUSED_STATUS:
        return TwilioAccessError(
            f"{where}: the API key in {parent.source} may not read the subaccount's auth "
            f"token ({answer}): Twilio lets only a Main API key or the parent's auth token "
            "read Accounts/{Sid}, and Standard or Restricted keys get this answer. Give the "
            f"parent's Main API key (created in the Console as type Main) in {parent.source}, "
            f"or the parent's auth token in TWILIO_AUTH_TOKEN (without TWILIO_API_KEY), {own}"
        )
    return TwilioAccessError(
        f"{where}: the credentials of {parent.account_sid} cannot act on it ({answer}); "
        f"is it a subaccount of theirs? Otherwise {own.removeprefix('or ')}"
    )


def _prefixed(where: str, err: TwilioAccessError) -> TwilioAccessError:
    """``err`` with the account it concerns in front, keeping its class."""
    return type(err)(f"{where}: reading its auth token: {err}")


def _required(env: Mapping[str, str], name: str, account: Account) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise UsageError(
            f"account {account.name} ({account.sid}): environment variable {name} is not set"
        )
    check_sendable(f"account {account.name} ({account.sid}): {name}", value)
    return value
