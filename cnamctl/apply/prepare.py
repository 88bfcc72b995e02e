"""Getting to a plan that is safe to apply: from manifests, or from a saved plan.

Both ways read the live account first: manifests are planned per account by
``cnamctl.workspace.plan_accounts`` (as ``cnamctl plan`` does), a saved plan is
compared with what is live now and refused when any object it was computed from
changed since (stale). Either plan is refused when it removes more than the
safety thresholds allow (unless forced), and always when it touches anything
outside the managed scope (``guard.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from twilio.rest import Client

from cnamctl.apply.guard import scope_problems
from cnamctl.errors import StalePlanError, UnsafePlanError
from cnamctl.live.model import Snapshot
from cnamctl.live.reader import read_snapshot
from cnamctl.manifest.model import ManifestSet, SafetySettings
from cnamctl.plan.model import Plan
from cnamctl.plan.safety import check_safety
from cnamctl.plan.saved import load_plan, stale_objects
from cnamctl.workspace import AccountPlan

_SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Prepared:
    """One account's plan, checked and ready to run, with what it was made from."""

    plan: Plan
    live: Snapshot
    client: Client
    manifests: ManifestSet | None  # None for a saved plan
    safety: SafetySettings


def is_saved_plan(paths: Sequence[str]) -> bool:
    """One path naming a JSON file (saved plans are JSON; manifests are YAML)."""
    if len(paths) != 1:
        return False
    path = Path(paths[0])
    if not path.is_file():
        return False
    head = path.read_bytes()[:_SNIFF_BYTES].lstrip()
    if not head.startswith(b"{"):
        return False
    try:
        doc = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(doc, dict) and "changes" in doc and "fingerprints" in doc


def from_account(planned: AccountPlan, *, force: bool) -> Prepared:
    """A planned account, checked; raises the error that kept it from being planned."""
    if planned.error is not None:
        raise planned.error
    assert planned.plan is not None and planned.live is not None and planned.client is not None
    prepared = Prepared(
        planned.plan, planned.live, planned.client, planned.manifests, planned.manifests.safety
    )
    check(prepared, force=force)
    return prepared


def from_saved(path: str, client: Client, *, force: bool) -> Prepared:
    plan = load_plan(path)
    live = read_snapshot(client)
    stale = stale_objects(plan, live)
    if stale:
        listed = "\n".join(f"  {item}" for item in stale)
        raise StalePlanError(
            f"stale plan: {len(stale)} object(s) changed since {path} was computed:\n"
            f"{listed}\nRun `cnamctl plan` again and review the new plan."
        )
    prepared = Prepared(plan, live, client, None, plan.safety or SafetySettings())
    check(prepared, force=force)
    return prepared


def check(prepared: Prepared, *, force: bool) -> None:
    """Refuse out-of-scope changes always, over-threshold removals unless forced."""
    if account_mismatch(prepared.plan, prepared.live):
        raise UnsafePlanError(
            f"the plan is for account {prepared.plan.account_sid}, "
            f"but the credentials are for {prepared.live.account_sid}"
        )
    out_of_scope = scope_problems(prepared.plan, prepared.live)
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


def account_mismatch(plan: Plan, live: Snapshot) -> bool:
    return bool(plan.account_sid) and plan.account_sid != live.account_sid
