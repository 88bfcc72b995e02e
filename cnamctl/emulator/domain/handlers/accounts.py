"""API 2010 Accounts: fetch one account, as itself or as its parent.

Only what cnamctl needs for several accounts. An account's auth token, or one of
its Main API keys, fetches the account itself and its subaccounts; the answer
carries the account's ``auth_token`` (which is how a parent acts on a
subaccount's Trust Hub resources). A Standard API key cannot use the Accounts
resource at all: 401 / 20003, as Twilio answers (twilio-python issue 259; error
20003 lists "a Standard API key for an endpoint that requires a Main API key,
such as /Accounts"). Anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from cnamctl.emulator.domain import errors
from cnamctl.emulator.domain.context import Ctx, Reply
from cnamctl.emulator.domain.serialize import API_2010
from cnamctl.emulator.domain.sids import is_sid
from cnamctl.emulator.domain.timefmt import rfc2822

RESOURCE = "/2010-04-01/Accounts/{Sid}.json"


def fetch_account(ctx: Ctx) -> Reply:
    if not ctx.principal.manages_accounts:
        raise errors.authenticate()
    sid = ctx.params["Sid"]
    row = None
    if is_sid(sid, "AC"):
        row = ctx.db.find("accounts", sid=sid)
        owner = ctx.principal.account_sid
        if row is not None and owner not in (row["sid"], row["owner_account_sid"]):
            row = None
    if row is None:
        raise ctx.not_found()
    return Reply(200, _account(row))


def _account(row: Any) -> dict[str, Any]:
    sid = row["sid"]
    base = f"{API_2010}/Accounts/{sid}"
    return {
        "auth_token": row["auth_token"],
        "date_created": rfc2822(row["date_created"]),
        "date_updated": rfc2822(row["date_created"]),
        "friendly_name": row["friendly_name"],
        "owner_account_sid": row["owner_account_sid"] or sid,
        "sid": sid,
        "status": "active",
        "subresource_uris": {
            "incoming_phone_numbers": f"{base}/IncomingPhoneNumbers.json",
            "outgoing_caller_ids": f"{base}/OutgoingCallerIds.json",
        },
        "type": "Full",
        "uri": f"{base}.json",
    }


ROUTES = [("GET", RESOURCE, fetch_account)]
