"""``compute_plan``: desired state (manifests) + live snapshot -> Plan.

Pure and deterministic: no I/O, and the same inputs give the same plan. Steps:
resolve what the manifests name, diff each CnamProfile's products, then numbers
(business profiles, CNAM moves, pruning), caller-name lookup, caller IDs, and
unmanaged products. Anything that cannot be planned is collected and raised as
one PlanningError with manifest locations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from cnamctl.errors import PlanningError
from cnamctl.live.model import LiveTrustProduct, Snapshot, fingerprint
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan import addresses as addr
from cnamctl.plan.builder import PlanBuilder
from cnamctl.plan.caller_ids import plan_caller_ids
from cnamctl.plan.cnam import NumberHome, plan_profile
from cnamctl.plan.context import describe
from cnamctl.plan.model import Change, Plan
from cnamctl.plan.numbers import (
    plan_business_profile_numbers,
    plan_caller_name_lookup,
    plan_cnam_numbers,
)
from cnamctl.plan.resolve import resolve
from cnamctl.plan.unmanaged import delete_product, plan_unmanaged_products


def compute_plan(desired: ManifestSet, live: Snapshot) -> Plan:
    out = PlanBuilder()
    resolved = resolve(desired, live, out)

    by_name: dict[str, list[LiveTrustProduct]] = defaultdict(list)
    for product in live.trust_products.values():
        by_name[product.friendly_name].append(product)

    homes: dict[str, NumberHome] = {}
    for name, profile in sorted(desired.cnam_profiles.items()):
        business_profile = resolved.business_profiles.get(profile.business_profile)
        if business_profile is None:
            continue  # already a problem at the BusinessProfile manifest
        homes[name] = plan_profile(profile, by_name.get(name, []), business_profile, live, out)

    released: set[str] = set()
    for name, home in sorted(homes.items()):
        for old in home.superseded:
            delete_product(
                old,
                addr.other_product(name, old.sid),
                f"{name!r} keeps {home.product}; other products of its name are removed",
                home.profile.loc("displayName"),
                out,
            )
            released.add(old.sid)
    unmanaged = [p for n, ps in by_name.items() if n not in desired.cnam_profiles for p in ps]
    released |= plan_unmanaged_products(desired, unmanaged, out)

    plan_business_profile_numbers(desired, resolved, live, out)
    plan_cnam_numbers(desired, homes, resolved, live, released, out)
    plan_caller_name_lookup(desired, resolved, out)
    plan_caller_ids(desired, live, out)

    if out.problems:
        raise PlanningError(out.problems)
    return Plan(
        account_sid=live.account_sid,
        changes=list(out.changes.values()),
        notices=out.notices,
        fingerprints=_fingerprints(desired, live, out.changes.values()),
        unchanged=out.unchanged,
        safety=desired.safety,
        context=describe(desired, live),
    )


def _fingerprints(
    desired: ManifestSet, live: Snapshot, changes: Iterable[Change]
) -> dict[str, str]:
    """What the plan was computed from, object by object: every business profile,
    CNAM product, end user and caller ID (assignments are part of the profiles'
    and products' fingerprints), and the numbers whose own fields the plan used:
    those its changes name and those whose caller-name lookup is declared."""
    records: dict[str, object] = {}
    for group in (live.business_profiles, live.trust_products, live.end_users, live.caller_ids):
        records.update(group)
    numbers = {c.params["number"] for c in changes if "number" in c.params}
    for profile in desired.cnam_profiles.values():
        if profile.caller_name_lookup is not None:
            numbers.update(
                n.sid for e164 in profile.phone_numbers if (n := live.number_by_e164(e164))
            )
    records.update((sid, live.numbers[sid]) for sid in numbers if sid in live.numbers)
    return {sid: fingerprint(records[sid]) for sid in sorted(records)}
