"""API 2010 Accounts: fetch one account, as itself or as its parent.

Only what cnamctl needs for several accounts: a parent's credentials may fetch a
subaccount, and the answer carries the subaccount's ``auth_token`` (which is how
a parent acts on a subaccount's Trust Hub resources). Anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from cnamctl.emulator.http import Ctx, Reply
from cnamctl.emulator.routing import Router
from cnamctl.emulator.serialize import API_2010
from cnamctl.emulator.sids import is_sid
from cnamctl.emulator.timefmt import rfc2822

RESOURCE = "/2010-04-01/Accounts/{Sid}.json"


def register(router: Router) -> None:
    router.add("GET", RESOURCE, fetch_account)


def fetch_account(ctx: Ctx) -> Reply:
    sid = ctx.params["Sid"]
    row = None
    if is_sid(sid, "AC"):
        row = ctx.conn.execute(
            "SELECT * FROM accounts WHERE sid = ? AND (sid = ? OR owner_account_sid = ?)",
            (sid, ctx.account_sid, ctx.account_sid),
        ).fetchone()
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
