"""A last check before any write: every existing object a change touches is in scope.

The planner only plans within the managed scope; this guard makes that hold for
any plan apply is given (a saved plan edited by hand, a planner bug), checked
against the live snapshot apply has just read:

* a trust product named by SID must be a product of a policy the plan manages
  (``PlanContext.policies``: CNAM, and SHAKEN/STIR or Voice Integrity where
  declared), so products of other policies are never touched;
* a change's policy and end-user type (which apply takes from its params, never
  from a default) must be those of a managed policy, and of the product it names;
* an unassignment must name an assignment that product has for that number;
* a business profile, end user, number or caller ID named by SID must exist
  (and an end user updated must be of the type its change names).

``@refs`` are objects created by the same run and always in scope.
Violations are not overridable by ``--force``.
"""

from __future__ import annotations

from cnamctl.live.model import Snapshot
from cnamctl.plan.model import UNASSIGNS_NUMBER, Action, Change, Plan, is_ref
from cnamctl.policies import BY_POLICY, DEFAULT_POLICIES, ProductSpec


def scope_problems(plan: Plan, live: Snapshot) -> list[str]:
    policies = plan.context.policies if plan.context else DEFAULT_POLICIES
    managed = {sid: BY_POLICY[sid] for sid in policies if sid in BY_POLICY}
    problems: list[str] = []
    for change in plan.changes:
        problems.extend(f"{change.address}: {p}" for p in _change_problems(change, live, managed))
    return problems


def _change_problems(change: Change, live: Snapshot, managed: dict[str, ProductSpec]) -> list[str]:
    p = change.params
    out: list[str] = []
    product = p.get("trust_product")
    spec: ProductSpec | None = None
    if product and not is_ref(product):
        found = live.trust_products.get(product)
        spec = managed.get(found.policy_sid) if found else None
        if spec is None:
            labels = ", ".join(s.label for s in managed.values())
            out.append(f"trust product {product} is not a {labels} trust product of this account")
    out += _policy_problems(change, spec, managed)
    profile = p.get("business_profile")
    if profile and profile not in live.business_profiles:
        out.append(f"business profile {profile} does not exist")
    number = p.get("number")
    if number and number not in live.numbers:
        out.append(f"phone number {number} is not in this account")
    obj = p.get("object")
    if obj and not is_ref(obj) and obj not in live.business_profiles and obj not in live.end_users:
        out.append(f"object {obj} is neither a business profile nor an end user")
    user = p.get("end_user")
    if user and (user not in live.end_users or live.end_users[user].type != p.get("type")):
        out.append(f"end user {user} is not a {p.get('type')} end user")
    if change.action in UNASSIGNS_NUMBER and product in live.trust_products:
        assigned = live.trust_products[product].number_assignments.get(number or "")
        if assigned != p.get("assignment"):
            out.append(f"assignment {p.get('assignment')} is not {number} on {product}")
    caller = p.get("caller_id")
    if change.action in (Action.UPDATE_CALLER_ID, Action.DELETE_CALLER_ID) and (
        caller not in live.caller_ids
    ):
        out.append(f"caller ID {caller} does not exist")
    return out


def _policy_problems(
    change: Change, spec: ProductSpec | None, managed: dict[str, ProductSpec]
) -> list[str]:
    """The policy and end-user type a change names are a managed policy's, and those of
    the existing product it names (``spec``; None for a product this run creates)."""
    p = change.params
    types = {s.end_user_type for s in managed.values() if s.end_user_type}
    out = []
    if "policy_sid" in p or change.action is Action.SUBMIT_FOR_REVIEW:
        named = managed.get(str(p.get("policy_sid")))
        if named is None:
            out.append(f"policy {p.get('policy_sid')} is not a policy this plan manages")
        elif spec is not None and named is not spec:
            out.append(f"policy {named.policy_sid} is not the product's ({spec.policy_sid})")
    wants_type = change.action in (Action.SUBMIT_FOR_REVIEW, Action.DELETE_TRUST_PRODUCT) or (
        change.action is Action.ASSIGN_ENTITY and not str(p.get("object", "")).startswith("BU")
    )
    if wants_type:
        if "end_user_type" not in p:
            out.append("names no end_user_type")
        elif spec is not None and p["end_user_type"] != spec.end_user_type:
            out.append(f"end user type {p['end_user_type']} is not the {spec.label} one")
    for key in ("type", "end_user_type"):
        value = p.get(key)
        if value is not None and value not in types:
            out.append(f"end user type {value} belongs to no policy this plan manages")
    return out
