"""Getting every account to a plan that is safe to apply: from manifests, or from a saved plan.

Both ways read the live account first: manifests are planned per account by
``cnamctl.workspace.plan_accounts`` (as ``cnamctl plan`` does); a saved plan's
accounts are each read and checked, concurrently (``prepare_saved``):

1. the credentials reach the account the plan is for (else: another account's plan);
2. no object the plan was computed from changed since (else: stale, each object
   and field named);
3. the checks every plan gets (``check``): nothing outside the managed scope
   (``guard.py``), no verification call (only ``cnamctl verify-caller-ids`` places
   those), removals within the safety thresholds unless forced.

An account that fails any of these is kept with its error beside the others
(``cnamctl.workspace`` decides when an error is raised instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from twilio.rest import Client

from cnamctl.apply.guard import scope_problems
from cnamctl.errors import CnamctlError, StalePlanError, UnsafePlanError
from cnamctl.live.model import Snapshot
from cnamctl.live.reader import read_snapshot
from cnamctl.manifest.files import SUFFIXES as MANIFEST_SUFFIXES
from cnamctl.manifest.model import Account, ManifestSet, SafetySettings
from cnamctl.plan.model import Action, Plan
from cnamctl.plan.safety import check_safety
from cnamctl.plan.saved import SavedAccount, SavedPlan, StaleObject, stale_objects
from cnamctl.policies import DEFAULT_POLICIES
from cnamctl.twilio.target import Endpoint
from cnamctl.workspace import DEFAULT_ACCOUNTS_AT_ONCE, AccountPlan, for_each_account

_SNIFF_BYTES = 64
MAX_STALE_LISTED = 20


@dataclass(frozen=True)
class Prepared:
    """One account's plan, checked and ready to run, with what it was made from."""

    plan: Plan
    live: Snapshot
    client: Client
    manifests: ManifestSet | None  # None for a saved plan
    safety: SafetySettings


@dataclass
class PreparedAccount:
    """One account of an apply: ready to run, or the reason it is not."""

    name: str
    account: Account | None  # None: the account the environment's credentials name
    account_sid: str | None
    prepared: Prepared | None = None
    error: CnamctlError | None = None

    @property
    def plan(self) -> Plan | None:
        return self.prepared.plan if self.prepared else None


def looks_like_saved_plan(paths: Sequence[str]) -> bool:
    """One path that is not a directory or a manifest (``.yaml``/``.yml``) and is
    named ``*.json`` or starts with ``{``: apply then reads it as a saved plan, so a
    damaged plan file is reported as such, never as a manifest."""
    if len(paths) != 1:
        return False
    path = Path(paths[0])
    if path.is_dir() or path.suffix.lower() in MANIFEST_SUFFIXES:
        return False
    if path.suffix.lower() == ".json":
        return True
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


# --- from manifests ------------------------------------------------------------------


def prepare_planned(accounts: Sequence[AccountPlan], *, force: bool) -> list[PreparedAccount]:
    """Planned accounts, each checked; one failing is kept beside the others (the
    unnamed account's error was already raised while planning)."""
    out = []
    for planned in accounts:
        ready = PreparedAccount(
            planned.name, planned.account, planned.account_sid, error=planned.error
        )
        if planned.error is None:
            assert planned.plan and planned.live and planned.client and planned.manifests
            prepared = Prepared(
                planned.plan,
                planned.live,
                planned.client,
                planned.manifests,
                planned.manifests.safety,
            )
            try:
                check(prepared, force=force)
                ready.prepared = prepared
            except CnamctlError as err:
                if planned.account is None:
                    raise
                ready.error = err
        out.append(ready)
    return out


# --- from a saved plan ---------------------------------------------------------------


def prepare_saved(
    saved: SavedPlan,
    endpoint: Endpoint,
    *,
    force: bool,
    replan: str,
    at_once: int = DEFAULT_ACCOUNTS_AT_ONCE,
) -> list[PreparedAccount]:
    """Every account of ``saved``, read and checked ``at_once`` at a time. ``replan``:
    the command that saves a new plan, for the stale message."""
    accounts = [AccountPlan(e.name, e.account, plan=e.plan) for e in saved.accounts]
    entry_of = {id(a): e for a, e in zip(accounts, saved.accounts, strict=True)}
    ready: dict[int, Prepared] = {}

    def one(account: AccountPlan) -> None:
        entry = entry_of[id(account)]
        if entry.plan is None:
            raise CnamctlError(f"it was not planned when {saved.path} was saved: {entry.error}")
        ready[id(account)] = _prepare_one(
            account, entry.plan, entry, saved.path, endpoint, force, replan
        )

    for_each_account(accounts, one, at_once=at_once)
    return [
        PreparedAccount(a.name, a.account, a.account_sid, ready.get(id(a)), a.error)
        for a in accounts
    ]


def _prepare_one(
    account: AccountPlan,
    plan: Plan,
    entry: SavedAccount,
    path: str,
    endpoint: Endpoint,
    force: bool,
    replan: str,
) -> Prepared:
    client = account.client = endpoint.client_for(account.account)
    policies = plan.context.policies if plan.context else DEFAULT_POLICIES
    live = account.live = read_snapshot(client, policies=policies)
    if plan.account_sid != live.account_sid:  # checked before anything else is compared
        raise UnsafePlanError(
            f"{path} holds the plan of another account: {account.name} is "
            f"{plan.account_sid}, and the credentials are for {live.account_sid}; apply it "
            "with the credentials it was planned with, or plan this account"
        )
    stale = stale_objects(entry, live)
    if stale:
        raise StalePlanError(stale_message(stale, path, replan))
    prepared = Prepared(plan, live, client, None, plan.safety or SafetySettings())
    check(prepared, force=force)
    return prepared


def stale_message(stale: Sequence[StaleObject], path: str, replan: str) -> str:
    noun = "object" if len(stale) == 1 else "objects"
    lines = [f"stale plan: {len(stale)} {noun} changed since {path} was saved:"]
    for item in stale[:MAX_STALE_LISTED]:
        lines.extend(f"  {line}" for line in item.lines())
    if len(stale) > MAX_STALE_LISTED:
        lines.append(f"  ... and {len(stale) - MAX_STALE_LISTED} more")
    lines.append(f"Save the plan again ({replan}) and review it.")
    return "\n".join(lines)


# --- the checks every plan gets ------------------------------------------------------


def check(prepared: Prepared, *, force: bool) -> None:
    """Refuse out-of-scope changes and verification calls always, over-threshold
    removals unless forced."""
    if account_mismatch(prepared.plan, prepared.live):
        raise UnsafePlanError(
            f"the plan is for account {prepared.plan.account_sid}, "
            f"but the credentials are for {prepared.live.account_sid}"
        )
    out_of_scope = scope_problems(prepared.plan, prepared.live)
    calls = [c.address for c in prepared.plan.changes if c.action in HUMAN_STEPS]
    if calls:
        out_of_scope.append(
            f"{', '.join(calls)}: apply never places verification calls; "
            "`cnamctl verify-caller-ids` does, in a terminal"
        )
    if out_of_scope:
        raise UnsafePlanError(
            "refusing a plan that touches objects outside the managed scope:\n"
            + "\n".join(f"  {p}" for p in out_of_scope)
        )
    violations = check_safety(prepared.plan, prepared.live, prepared.safety)
    if violations and not force:
        raise UnsafePlanError(
            "refusing to apply without --force:\n"
            + "\n".join(f"  {v}" for v in violations)
            + "\n(thresholds: Settings.safety in the manifests)"
        )


HUMAN_STEPS = frozenset({Action.CREATE_VALIDATION_REQUEST})
"""Actions that need a person (Twilio phones the number): never run by ``apply``."""


def account_mismatch(plan: Plan, live: Snapshot) -> bool:
    return bool(plan.account_sid) and plan.account_sid != live.account_sid
