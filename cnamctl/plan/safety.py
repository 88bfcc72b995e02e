"""octoDNS-style safety thresholds: how much a plan may take away without --force.

Two shares are checked, each only once at least ``min_existing`` items exist:

* deletes (CNAM trust products and outgoing caller IDs) against the CNAM
  products and caller IDs that exist;
* unassignments of numbers from CNAM products against the CNAM number
  assignments that exist. A number that moves (unassigned from one product and
  assigned to another in the same plan) keeps its branding and is not counted.
"""

from __future__ import annotations

from cnamctl.live.model import Snapshot
from cnamctl.manifest.model import SafetySettings
from cnamctl.plan.model import Action, Plan


def check_safety(plan: Plan, live: Snapshot, safety: SafetySettings) -> list[str]:
    """Human-readable violations; empty when the plan is within the thresholds."""
    violations: list[str] = []
    deletes = sum(
        c.action in (Action.DELETE_TRUST_PRODUCT, Action.DELETE_CALLER_ID) for c in plan.changes
    )
    existing = len(live.trust_products) + len(live.caller_ids)
    violation = _over(
        "deletes", deletes, existing, safety.max_delete_percent, "maxDeletePercent", safety
    )
    if violation:
        violations.append(violation)

    reassigned = {
        c.params.get("number") for c in plan.changes if c.action is Action.ASSIGN_CNAM_NUMBER
    }
    unassigns = sum(
        c.action is Action.UNASSIGN_CNAM_NUMBER and c.params.get("number") not in reassigned
        for c in plan.changes
    )
    assigned = sum(len(p.number_assignments) for p in live.trust_products.values())
    violation = _over(
        "unassigns", unassigns, assigned, safety.max_unassign_percent, "maxUnassignPercent", safety
    )
    if violation:
        violations.append(violation)
    return violations


def _over(
    verb: str, count: int, existing: int, limit: float, setting: str, safety: SafetySettings
) -> str | None:
    if count == 0 or existing < safety.min_existing:
        return None
    share = 100.0 * count / existing
    if share <= limit:
        return None
    return (
        f"the plan {verb} {count} of {existing} existing ({share:.1f}%), "
        f"more than safety.{setting} {limit:g}%"
    )
