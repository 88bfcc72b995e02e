"""Plan every account a set of manifests declares, concurrently and independently.

One account failing (bad credentials, an unplannable manifest) does not stop or
hide the others: its error is kept beside their plans. Without Account
documents there is one unnamed account, from the environment, and its error is
raised as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from twilio.rest import Client

from cnamctl.errors import CnamctlError
from cnamctl.live.model import Snapshot
from cnamctl.live.reader import read_snapshot
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan import compute_plan
from cnamctl.plan.model import Plan
from cnamctl.twilio.target import Endpoint

MAX_ACCOUNTS_AT_ONCE = 4


@dataclass
class AccountPlan:
    manifests: ManifestSet
    client: Client | None = None
    live: Snapshot | None = None
    plan: Plan | None = None
    error: CnamctlError | None = None

    @property
    def name(self) -> str:
        return self.manifests.label


def plan_accounts(sets: Sequence[ManifestSet], endpoint: Endpoint) -> list[AccountPlan]:
    results = [AccountPlan(s) for s in sets]
    if len(results) == 1 and results[0].manifests.account is None:
        _plan_one(results[0], endpoint)
        if results[0].error is not None:
            raise results[0].error
        return results
    with ThreadPoolExecutor(min(MAX_ACCOUNTS_AT_ONCE, len(results))) as pool:
        list(pool.map(lambda r: _plan_one(r, endpoint), results))
    return results


def _plan_one(result: AccountPlan, endpoint: Endpoint) -> None:
    try:
        result.client = endpoint.client_for(result.manifests.account)
        result.live = read_snapshot(result.client)
        expected = result.manifests.account
        if expected is not None and result.live.account_sid != expected.sid:
            raise CnamctlError(
                f"the credentials are for {result.live.account_sid}, not {expected.sid}"
            )
        result.plan = compute_plan(result.manifests, result.live)
    except CnamctlError as err:
        result.error = err
