"""``compute_plan``: desired state (manifests) + live snapshot -> Plan.

Pure and deterministic: no I/O, and the same inputs give the same plan. Steps:
resolve what the manifests name; for each policy in scope (``scope.py``: CNAM, and
SHAKEN/STIR and Voice Integrity where declared) diff each declared profile's
products (``trust_product.py``) and the products no profile claims; then numbers
(business profiles, moves between products of a policy, pruning), caller-name
lookup and caller IDs. Anything that cannot be planned is collected and raised as
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
from cnamctl.plan.context import describe
from cnamctl.plan.model import Change, Plan
from cnamctl.plan.numbers import (
    plan_business_profile_numbers,
    plan_caller_name_lookup,
    plan_product_numbers,
)
from cnamctl.plan.resolve import Resolved, resolve
from cnamctl.plan.scope import in_scope
from cnamctl.plan.trust_product import NumberHome, plan_product
from cnamctl.plan.unmanaged import delete_product, plan_unmanaged_products
from cnamctl.policies import ProductSpec


def compute_plan(desired: ManifestSet, live: Snapshot) -> Plan:
    scope = in_scope(desired)
    unread = [s.label for s in scope if s.policy_sid not in live.policies]
    if unread:  # a caller error, not the user's: read_snapshot(policies=policies_of(desired))
        raise ValueError(f"the snapshot holds no {', '.join(unread)} products: they were not read")
    out = PlanBuilder()
    resolved = resolve(desired, live, out)
    policies = [(spec, *_plan_products(spec, desired, resolved, live, out)) for spec in scope]
    plan_business_profile_numbers(desired, resolved, live, out)
    for spec, homes, released in policies:
        plan_product_numbers(spec, desired, homes, resolved, live, released, out)
    plan_caller_name_lookup(desired, resolved, out)
    plan_caller_ids(desired, live, out)

    if out.problems:
        raise PlanningError(out.problems)
    return Plan(
        account_sid=live.account_sid,
        changes=list(out.changes.values()),
        notices=out.notices,
        fingerprints=_fingerprints(desired, live, out.changes.values(), scope),
        unchanged=out.unchanged,
        safety=desired.safety,
        context=describe(desired, live, scope),
    )


def _plan_products(
    spec: ProductSpec, desired: ManifestSet, resolved: Resolved, live: Snapshot, out: PlanBuilder
) -> tuple[dict[str, NumberHome], set[str]]:
    """Every declared profile of ``spec``'s kind, and the products of its policy that
    no profile claims; returns where each profile's numbers belong, and the SIDs of
    the products to be emptied and deleted."""
    declared = desired.profiles(spec)
    by_name: dict[str, list[LiveTrustProduct]] = defaultdict(list)
    for product in live.products_of(spec.policy_sid):
        by_name[product.friendly_name].append(product)

    homes: dict[str, NumberHome] = {}
    for name, profile in sorted(declared.items()):
        business_profile = resolved.business_profiles.get(profile.business_profile)
        if business_profile is None:
            continue  # already a problem at the BusinessProfile manifest
        products = by_name.get(name, [])
        homes[name] = plan_product(spec, profile, products, business_profile, live, out)

    released: set[str] = set()
    for name, home in sorted(homes.items()):
        for old in home.superseded:
            delete_product(
                spec,
                old,
                addr.other_product(name, old.sid, spec),
                f"{name!r} keeps {home.product}; other products of its name are removed",
                home.profile.loc(spec.end_user.attributes[0].field)
                if spec.end_user
                else home.profile.source,
                out,
            )
            released.add(old.sid)
    unmanaged = [p for n, ps in by_name.items() if n not in declared for p in ps]
    released |= plan_unmanaged_products(spec, desired, unmanaged, out)
    return homes, released


def _fingerprints(
    desired: ManifestSet,
    live: Snapshot,
    changes: Iterable[Change],
    scope: tuple[ProductSpec, ...],
) -> dict[str, str]:
    """What the plan was computed from, object by object: every business profile,
    end user and caller ID, the products of the policies in scope (assignments are
    part of the profiles' and products' fingerprints), and the numbers whose own
    fields the plan used: those its changes name and those whose caller-name lookup
    is declared."""
    records: dict[str, object] = {}
    for group in (live.business_profiles, live.end_users, live.caller_ids):
        records.update(group)
    for spec in scope:
        records.update((p.sid, p) for p in live.products_of(spec.policy_sid))
    numbers = {c.params["number"] for c in changes if "number" in c.params}
    for profile in desired.cnam_profiles.values():
        if profile.caller_name_lookup is not None:
            numbers.update(
                n.sid for e164 in profile.phone_numbers if (n := live.number_by_e164(e164))
            )
    records.update((sid, live.numbers[sid]) for sid in numbers if sid in live.numbers)
    return {sid: fingerprint(records[sid]) for sid in sorted(records)}
