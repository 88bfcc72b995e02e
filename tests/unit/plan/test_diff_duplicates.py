"""Several products of one profile's name that are not a replacement: duplicates
(two applies at once can each create one) are removed, the oldest is kept."""

from __future__ import annotations

import dataclasses

import pytest
from world import ACME, LiveWorld, manifests

from cnamctl import CNAM_POLICY_SID
from cnamctl.plan import compute_plan
from cnamctl.plan.model import Action, NoticeLevel


@pytest.fixture
def world() -> LiveWorld:
    return LiveWorld()


def _aged(world: LiveWorld, product, created: str):
    aged = dataclasses.replace(product, date_created=created)
    world.snapshot.trust_products[product.sid] = aged
    return aged


def test_of_two_drafts_the_oldest_is_kept_and_the_other_deleted(tmp_path, world):
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    young = _aged(world, world.product("sales", "ACME SALES", bp=bp, status="draft"), "2026-02-02")
    old = _aged(world, world.product("sales", "ACME SALES", bp=bp, status="draft"), "2026-01-01")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    changes = plan.by_address()
    delete = changes[f'cnam.sales.product["{young.sid}"]']
    assert delete.action is Action.DELETE_TRUST_PRODUCT
    assert changes["cnam.sales.submit"].params == {
        "trust_product": old.sid,
        "policy_sid": CNAM_POLICY_SID,
        "end_user_type": "cnam_information",
    }
    assert {c.params.get("trust_product") for c in plan.changes} == {old.sid, young.sid}


def test_a_duplicate_under_review_waits_for_its_review(tmp_path, world):
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    kept = world.product("sales", "ACME SALES", bp=bp, status="pending-review")
    other = world.product("sales", "ACME SALES", bp=bp, status="in-review")
    kept = _aged(world, kept, "2026-01-01")
    _aged(world, other, "2026-01-02")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert not [c for c in plan.changes if c.action is Action.DELETE_TRUST_PRODUCT]
    (warning,) = [n for n in plan.notices if n.level is NoticeLevel.WARNING]
    assert other.sid in warning.message and "deleted once its review ends" in warning.message


def test_a_second_approved_product_is_emptied_into_the_first_and_deleted(tmp_path, world):
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    holder = world.product("sales", "ACME SALES", bp=bp, numbers=numbers[:1])
    extra = world.product("sales", "ACME SALES", bp=bp, numbers=numbers[1:])
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    by_action = {c.action: c for c in plan.changes}
    assert by_action[Action.DELETE_TRUST_PRODUCT].params == {
        "trust_product": extra.sid,
        "end_user_type": "cnam_information",
    }
    assert by_action[Action.UNASSIGN_CNAM_NUMBER].params["trust_product"] == extra.sid
    assert by_action[Action.ASSIGN_CNAM_NUMBER].params == {
        "trust_product": holder.sid,
        "number": numbers[1].sid,
        "phone_number": "+14155550101",
    }


def test_a_replacement_is_never_an_approved_product(tmp_path, world):
    """Two approved products with an old name: one keeps the numbers, the other is
    deleted, and the new name goes to a new product (an approved one cannot be
    edited: 60711)."""
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    world.product("sales", "ACME OLD", bp=bp, numbers=numbers)
    extra = world.product("sales", "ACME OLD", bp=bp)
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert not [c for c in plan.changes if c.action is Action.UPDATE_END_USER]
    actions = {c.action for c in plan.changes}
    assert Action.CREATE_TRUST_PRODUCT in actions
    deletes = [c for c in plan.changes if c.action is Action.DELETE_TRUST_PRODUCT]
    assert [c.params["trust_product"] for c in deletes] == [extra.sid]
