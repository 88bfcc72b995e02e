"""Number moves, pruning, unmanaged products, caller IDs, and unplannable input."""

from __future__ import annotations

import pytest
from world import ACME, LiveWorld, manifests

from cnamctl.errors import PlanningError
from cnamctl.plan import compute_plan
from cnamctl.plan.caller_ids import awaiting_verification
from cnamctl.plan.model import Action, NoticeLevel

SUPPORT = """\
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: support
businessProfile: acme
displayName: ACME HELP
email: trust@acme.example
phoneNumbers: ["+14155550102"]
"""

PRUNE = """\
---
apiVersion: cnamctl/v1
kind: Settings
prune:
  cnamProfiles: true
  cnamNumbers: true
  outgoingCallerIds: true
safety:
  minExisting: 100
"""


@pytest.fixture
def world() -> LiveWorld:
    return LiveWorld()


def test_number_moving_between_profiles_is_unassigned_then_assigned(tmp_path, world):
    numbers = world.numbers("+14155550100", "+14155550101", "+14155550102")
    bp = world.business_profile(numbers=numbers)
    sales = world.product("sales", "ACME SALES", bp=bp, numbers=numbers[:2])
    support = world.product("support", "ACME HELP", bp=bp, numbers=[numbers[2]])
    moved = ACME.replace('"+14155550101"]', '"+14155550102"]') + SUPPORT.replace(
        '"+14155550102"', '"+14155550101"'
    )
    plan = compute_plan(manifests(tmp_path, moved), world.snapshot)
    by = plan.by_address()
    out_of_support = by['cnam.support.number["+14155550102"]']
    into_sales = by['cnam.sales.number["+14155550102"]']
    assert out_of_support.action is Action.UNASSIGN_CNAM_NUMBER
    assert out_of_support.params["trust_product"] == support.sid
    assert into_sales.action is Action.ASSIGN_CNAM_NUMBER
    assert (into_sales.before, into_sales.after) == (
        f"support ({support.sid})",
        f"sales ({sales.sid})",
    )
    assert by['cnam.sales.number["+14155550101"]'].action is Action.UNASSIGN_CNAM_NUMBER
    assert by['cnam.support.number["+14155550101"]'].params["trust_product"] == support.sid
    assert plan.summary() == {"unassign-cnam-number": 2, "assign-cnam-number": 2}
    assert sales.sid in plan.fingerprints and support.sid in plan.fingerprints


def test_undeclared_numbers_stay_unless_pruning(tmp_path, world):
    numbers = world.numbers("+14155550100", "+14155550101", "+14155550109")
    bp = world.business_profile(numbers=numbers)
    product = world.product("sales", "ACME SALES", bp=bp, numbers=numbers)
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert plan.changes == []
    (notice,) = plan.notices
    assert "+14155550109" in notice.message and "prune.cnamNumbers" in notice.message

    plan = compute_plan(manifests(tmp_path, ACME + PRUNE), world.snapshot)
    (change,) = plan.changes
    assert change.address == 'cnam.sales.number["+14155550109"]'
    assert change.params["assignment"] == product.number_assignments[numbers[2].sid]


def test_unmanaged_products_are_listed_or_pruned(tmp_path, world):
    numbers = world.numbers("+14155550100", "+14155550101", "+14155550150")
    bp = world.business_profile(numbers=numbers)
    world.product("sales", "ACME SALES", bp=bp, numbers=numbers[:2])
    legacy = world.product("Legacy brand", "LEGACY", bp=bp, numbers=[numbers[2]])
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert plan.changes == []
    (notice,) = plan.notices
    assert notice.address == f'cnam-product["{legacy.sid}"]'
    assert "unmanaged" in notice.message

    plan = compute_plan(manifests(tmp_path, ACME + PRUNE), world.snapshot)
    assert [c.address for c in plan.changes] == [
        f'cnam-product["{legacy.sid}"].number["+14155550150"]',
        f'cnam-product["{legacy.sid}"]',
    ]


def test_number_held_by_an_unmanaged_product_is_a_problem(tmp_path, world):
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    world.product("Legacy brand", "LEGACY", bp=bp, numbers=[numbers[1]])
    with pytest.raises(PlanningError) as err:
        compute_plan(manifests(tmp_path, ACME), world.snapshot)
    (problem,) = err.value.problems
    assert problem.location.line == 12
    assert "Legacy brand" in problem.message and "no manifest manages" in problem.message


def test_missing_things_are_problems_at_their_lines(tmp_path, world):
    world.number("+14155550100")
    world.business_profile(name="Someone Else")
    with pytest.raises(PlanningError) as err:
        compute_plan(manifests(tmp_path, ACME), world.snapshot)
    messages = {(p.location.line, p.message.split(" ")[0]) for p in err.value.problems}
    assert (4, "no") in messages  # friendlyName: no business profile named 'Acme Corp'
    assert (12, "+14155550101") in messages  # not a number of the account


def test_unapproved_or_ambiguous_business_profiles_are_problems(tmp_path, world):
    world.numbers("+14155550100", "+14155550101")
    world.business_profile(status="in-review")
    with pytest.raises(PlanningError, match="in-review, not twilio-approved"):
        compute_plan(manifests(tmp_path, ACME), world.snapshot)
    world.business_profile()
    with pytest.raises(PlanningError, match="pin one with `sid:`"):
        compute_plan(manifests(tmp_path, ACME), world.snapshot)


def test_number_on_another_business_profile_is_a_problem(tmp_path, world):
    numbers = world.numbers("+14155550100", "+14155550101")
    world.business_profile()
    world.business_profile(name="Other Co", numbers=[numbers[0]])
    with pytest.raises(PlanningError, match="'Other Co'") as err:
        compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert err.value.problems[0].location.line == 12


def test_caller_ids_are_verified_renamed_and_pruned(tmp_path, world):
    world.caller_id("+14155550199", "Front desk (old)")
    stale = world.caller_id("+14155550150", "Old line")
    text = """\
apiVersion: cnamctl/v1
kind: OutgoingCallerId
phoneNumber: "+14155550199"
friendlyName: Front desk
---
apiVersion: cnamctl/v1
kind: OutgoingCallerId
phoneNumber: "(415) 555-0198"
friendlyName: Reception
"""
    plan = compute_plan(manifests(tmp_path, text), world.snapshot)
    by = plan.by_address()
    assert list(by) == ['caller-id["+14155550199"]']  # no change verifies: a person must
    assert by['caller-id["+14155550199"]'].action is Action.UPDATE_CALLER_ID
    notices = {n.address: n for n in plan.notices}
    assert notices.keys() == {'caller-id["+14155550150"]', 'caller-id["+14155550198"]'}
    assert notices['caller-id["+14155550150"]'].level is NoticeLevel.INFO
    waiting = notices['caller-id["+14155550198"]']
    assert (waiting.level, waiting.status) == (NoticeLevel.WARNING, "unverified")
    assert "waiting for a person" in waiting.message and "verify-caller-ids" in waiting.message
    assert waiting.location is not None and waiting.location.line == 6
    assert awaiting_verification(plan) == ['caller-id["+14155550198"]']

    plan = compute_plan(manifests(tmp_path, text + PRUNE), world.snapshot)
    delete = plan.by_address()['caller-id["+14155550150"]']
    assert delete.action is Action.DELETE_CALLER_ID
    assert delete.params == {"caller_id": stale.sid, "phone_number": "+14155550150"}
