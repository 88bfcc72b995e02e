"""The accounts of a run: planned (or read) concurrently and independently.

The one place that decides what "several accounts" means, for every command:

* Manifests without Account documents are **one unnamed account** (the
  environment's credentials). Its error is raised, as any command's error is.
* With Account documents every account is **named**, and one account failing
  (bad credentials, an unplannable manifest, a stale saved plan) does not stop or
  hide the others: its error is kept beside their results.
* Either way a run is a list of accounts: JSON output is always a list of
  accounts (the unnamed account is a list of one); text shows a header per
  account only when the accounts are named (``named``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from twilio.rest import Client

from cnamctl.apply.defaults import DEFAULT_ACCOUNTS_AT_ONCE
from cnamctl.errors import CnamctlError
from cnamctl.live.early import EarlyRead
from cnamctl.live.model import Snapshot
from cnamctl.live.reader import read_snapshot
from cnamctl.manifest.model import Account, ManifestSet
from cnamctl.plan import compute_plan
from cnamctl.plan.model import Plan
from cnamctl.plan.scope import policies_of
from cnamctl.policies import DEFAULT_POLICIES
from cnamctl.twilio.target import Endpoint

DEFAULT_ACCOUNT = "default account"


@dataclass
class AccountPlan:
    """One account of a run: what it is, and how far it got (or why not)."""

    name: str  # for people: "acme (AC...)", or "default account"
    account: Account | None  # None: the account the environment's credentials name
    manifests: ManifestSet | None = None  # None when the plan came from a saved file
    client: Client | None = None
    live: Snapshot | None = None
    plan: Plan | None = None
    error: CnamctlError | None = None

    @classmethod
    def of(cls, manifests: ManifestSet) -> AccountPlan:
        return cls(manifests.label, manifests.account, manifests)

    @property
    def account_sid(self) -> str | None:
        """The SID the account was found to have, else the one it was declared with."""
        if self.live is not None:
            return self.live.account_sid
        if self.plan is not None:
            return self.plan.account_sid
        return self.account.sid if self.account else None


def account_name(account: Account | None) -> str:
    return f"{account.name} ({account.sid})" if account else DEFAULT_ACCOUNT


class _OfAccount(Protocol):
    @property
    def account(self) -> Account | None: ...


def named(accounts: Iterable[_OfAccount]) -> bool:
    """True when the accounts come from Account documents (see the module docstring)."""
    return any(a.account is not None for a in accounts)


def for_each_account(
    accounts: Sequence[AccountPlan],
    work: Callable[[AccountPlan], None],
    *,
    at_once: int = DEFAULT_ACCOUNTS_AT_ONCE,
) -> None:
    """``work`` on every account, ``at_once`` at a time; a CnamctlError it raises
    becomes that account's ``error`` (for the unnamed account: is raised)."""

    def one(account: AccountPlan) -> None:
        try:
            work(account)
        except CnamctlError as err:
            account.error = err

    if not named(accounts):
        for account in accounts:
            work(account)
        return
    with ThreadPoolExecutor(max(1, min(at_once, len(accounts)))) as pool:
        list(pool.map(one, accounts))


def connect(account: AccountPlan, endpoint: Endpoint) -> Snapshot:
    """The account's client and live snapshot, checked to be the account declared."""
    account.client = endpoint.client_for(account.account)
    policies = policies_of(account.manifests) if account.manifests else DEFAULT_POLICIES
    account.live = read_snapshot(account.client, policies=policies)
    expected = account.account
    if expected is not None and account.live.account_sid != expected.sid:
        raise CnamctlError(
            f"the credentials are for {account.live.account_sid}, not {expected.sid}"
        )
    return account.live


def plan_accounts(
    sets: Sequence[ManifestSet],
    endpoint: Endpoint,
    early: EarlyRead | None = None,
    *,
    at_once: int = DEFAULT_ACCOUNTS_AT_ONCE,
) -> list[AccountPlan]:
    """``early``: the environment's account, read while ``sets`` loaded: the snapshot
    of the unnamed account; dropped when the manifests name accounts (live/early.py)."""
    results = [AccountPlan.of(s) for s in sets]
    if early is not None and named(results):
        early.abandon()
        early = None
    for_each_account(results, lambda r: _plan_one(r, endpoint, early), at_once=at_once)
    return results


def _plan_one(result: AccountPlan, endpoint: Endpoint, early: EarlyRead | None = None) -> None:
    assert result.manifests is not None
    if early is not None:
        if set(early.policies) == set(policies_of(result.manifests)):
            result.client, result.live = early.take()
        else:  # the manifests manage policies the early read did not read: read again
            early.abandon()
    live = result.live or connect(result, endpoint)
    result.plan = compute_plan(result.manifests, live)
