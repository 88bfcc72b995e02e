"""A last check before any write: every existing object a change touches is in scope.

The planner only plans within the managed scope; this guard makes that hold for
any plan apply is given (a saved plan edited by hand, a planner bug), checked
against the live snapshot apply has just read:

* a trust product named by SID must be a CNAM-policy product (the snapshot holds
  only those), so non-CNAM products are never touched;
* an unassignment must name an assignment that product has for that number;
* a business profile, end user, number or caller ID named by SID must exist
  (and an end user updated must be of type cnam_information).

``@refs`` are objects created by the same run and always in scope.
Violations are not overridable by ``--force``.
"""

from __future__ import annotations

from cnamctl.live.model import Snapshot
from cnamctl.plan.model import Action, Change, Plan, is_ref


def scope_problems(plan: Plan, live: Snapshot) -> list[str]:
    problems: list[str] = []
    for change in plan.changes:
        problems.extend(f"{change.address}: {p}" for p in _change_problems(change, live))
    return problems


def _change_problems(change: Change, live: Snapshot) -> list[str]:
    p = change.params
    out: list[str] = []
    product = p.get("trust_product")
    if product and not is_ref(product) and product not in live.trust_products:
        out.append(f"trust product {product} is not a CNAM trust product of this account")
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
    if user and (user not in live.end_users or live.end_users[user].type != "cnam_information"):
        out.append(f"end user {user} is not a cnam_information end user")
    if change.action is Action.UNASSIGN_CNAM_NUMBER and product in live.trust_products:
        assigned = live.trust_products[product].number_assignments.get(number or "")
        if assigned != p.get("assignment"):
            out.append(f"assignment {p.get('assignment')} is not {number} on {product}")
    caller = p.get("caller_id")
    if change.action in (Action.UPDATE_CALLER_ID, Action.DELETE_CALLER_ID) and (
        caller not in live.caller_ids
    ):
        out.append(f"caller ID {caller} does not exist")
    return out
