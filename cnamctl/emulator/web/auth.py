"""HTTP Basic authentication and which account a request may act on.

Credentials are an Account SID with its Auth Token, or an API key SID (``SK...``)
with its secret; a key has a kind, ``standard`` (the default, as the keys Twilio's
REST API creates) or ``main`` (created in the Console). Anything else: 401 / 20003
"Authenticate".

On API 2010 paths, the ``{AccountSid}`` of the path is the account acted on. It
may be the authenticated account itself or, with that account's auth token, one
of its subaccounts: Twilio's subaccount docs say the main account's credentials
reach "v2010 API resources for any of your subaccounts". API keys do not reach a
subaccount's resources (reported with Main keys in twilio-csharp issue 577 and
estuary/connectors issue 4441). Trust Hub paths carry no account: they act on
the authenticated account.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from cnamctl.emulator.domain import errors
from cnamctl.emulator.domain.context import Principal
from cnamctl.emulator.storage.db import Db

KEY_KINDS = ("standard", "main")


def authenticate(db: Db, header: str | None) -> Principal:
    """Who the ``Authorization`` header authenticates as; else 401 / 20003."""
    if not header or not header[:6].lower() == "basic ":
        raise errors.authenticate()
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise errors.authenticate() from None
    username, sep, password = decoded.partition(":")
    if not sep:
        raise errors.authenticate()
    if username.startswith("AC"):
        account = db.find("accounts", sid=username)
        if account is not None and _same(account["auth_token"], password):
            return Principal(account["sid"])
    elif username.startswith("SK"):
        key = db.find("api_keys", sid=username)
        if key is not None and _same(key["secret"], password):
            return Principal(key["account_sid"], key_kind=key["kind"])
    raise errors.authenticate()


def account_acted_on(db: Db, principal: Principal, path_account: str | None) -> str:
    """The account a request acts on (see the module docstring); else 401 / 20003."""
    if path_account is None or path_account == principal.account_sid:
        return principal.account_sid
    if principal.key_kind is None:
        sub = db.find("accounts", sid=path_account, owner_account_sid=principal.account_sid)
        if sub is not None:
            return path_account
    raise errors.authenticate()


def _same(secret: object, given: str) -> bool:
    return hmac.compare_digest(str(secret).encode(), given.encode())
