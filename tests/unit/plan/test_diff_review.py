"""Review state in the plan: draft, in review, rejected, and display-name changes."""

from __future__ import annotations

import pytest
from world import ACME, LiveWorld, manifests

from cnamctl import CNAM_POLICY_SID
from cnamctl.plan import compute_plan
from cnamctl.plan.model import Action, NoticeLevel


@pytest.fixture
def world() -> LiveWorld:
    return LiveWorld()


def _branded(world: LiveWorld, display: str, status: str, **kw):
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    product = world.product("sales", display, bp=bp, numbers=numbers, status=status, **kw)
    return bp, numbers, product


def test_draft_with_another_name_is_updated_in_place_and_submitted(tmp_path, world):
    _, _, product = _branded(world, "ACME OLD", "draft")
    user = world.snapshot.end_user_of(product)
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert [c.address for c in plan.changes] == ["cnam.sales.end-user", "cnam.sales.submit"]
    update, submit = plan.changes
    assert update.action is Action.UPDATE_END_USER
    assert update.params == {
        "end_user": user.sid,
        "type": "cnam_information",
        "attributes": {"cnam_display_name": "ACME SALES"},
        "trust_product": product.sid,
    }
    assert (update.before, update.after) == (
        {"cnam_display_name": "ACME OLD"},
        {"cnam_display_name": "ACME SALES"},
    )
    assert submit.params == {
        "trust_product": product.sid,
        "policy_sid": CNAM_POLICY_SID,
        "end_user_type": "cnam_information",
    }


def test_draft_that_matches_is_still_submitted(tmp_path, world):
    _, _, _product = _branded(world, "ACME SALES", "draft")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert [c.address for c in plan.changes] == ["cnam.sales.submit"]


def test_draft_without_end_user_gets_one(tmp_path, world):
    _, _, product = _branded(world, None, "draft")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert plan.summary() == {"create-end-user": 1, "assign-entity": 1, "submit-for-review": 1}
    entity = plan.by_address()['cnam.sales.entity["end-user"]']
    assert entity.params == {
        "trust_product": product.sid,
        "object": "@cnam.sales.end-user",
        "end_user_type": "cnam_information",
    }


@pytest.mark.parametrize("status", ["pending-review", "in-review"])
def test_product_in_review_is_reported_not_resubmitted(tmp_path, world, status):
    _branded(world, "ACME SALES", status)
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert plan.changes == []
    (notice,) = plan.notices
    assert (notice.level, notice.status) == (NoticeLevel.INFO, status)
    assert "not re-submitted" in notice.message


def test_name_change_during_review_waits(tmp_path, world):
    _branded(world, "ACME OLD", "in-review")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert plan.changes == []
    (notice,) = plan.notices
    assert notice.level is NoticeLevel.WARNING
    assert "60711" in notice.message
    assert notice.location.line == 10  # displayName


def test_rejected_and_unchanged_is_reported_with_codes_at_the_line(tmp_path, world):
    _branded(world, "ACME SALES", "twilio-rejected", errors=(11008,))
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert plan.changes == []
    (notice,) = plan.notices
    assert notice.level is NoticeLevel.ERROR
    assert notice.error_codes == (11008,)
    assert "11008" in notice.message
    assert notice.location.line == 10  # the displayName line the code concerns


def test_rejected_then_changed_is_updated_and_resubmitted(tmp_path, world):
    _, _, _product = _branded(world, "POLICE SALES", "twilio-rejected", errors=(11008,))
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert [c.action for c in plan.changes] == [Action.UPDATE_END_USER, Action.SUBMIT_FOR_REVIEW]
    assert plan.changes[1].before == "twilio-rejected"


def test_rejected_with_new_email_is_resubmitted(tmp_path, world):
    _, _, _product = _branded(world, "ACME SALES", "twilio-rejected", email="old@acme.example")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert [c.action for c in plan.changes] == [
        Action.UPDATE_TRUST_PRODUCT,
        Action.SUBMIT_FOR_REVIEW,
    ]


def test_name_change_on_approved_product_plans_a_replacement(tmp_path, world):
    _bp, _numbers, old = _branded(world, "ACME OLD", "twilio-approved")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert sorted(c.address for c in plan.changes) == sorted(
        [
            "cnam.sales.replacement",
            "cnam.sales.replacement.end-user",
            'cnam.sales.replacement.entity["business-profile"]',
            'cnam.sales.replacement.entity["end-user"]',
            "cnam.sales.replacement.submit",
        ]
    )
    by = plan.by_address()
    assert by["cnam.sales.replacement"].params["friendly_name"] == "sales"
    assert by["cnam.sales.replacement.end-user"].params["attributes"] == {
        "cnam_display_name": "ACME SALES"
    }
    # the numbers stay branded on the approved product
    assert not any(c.action is Action.UNASSIGN_CNAM_NUMBER for c in plan.changes)
    (notice,) = plan.notices
    assert notice.level is NoticeLevel.WARNING
    assert "review" in notice.message and old.sid in notice.message
    assert notice.location.line == 10


def test_replacement_in_review_is_reported_and_numbers_stay(tmp_path, world):
    bp, _numbers, _old = _branded(world, "ACME OLD", "twilio-approved")
    world.product("sales", "ACME SALES", bp=bp, status="in-review")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert plan.changes == []
    messages = " ".join(n.message for n in plan.notices)
    assert "in-review" in messages and "replace" in messages


def test_approved_replacement_takes_the_numbers_and_the_old_product_goes(tmp_path, world):
    bp, numbers, old = _branded(world, "ACME OLD", "twilio-approved")
    new = world.product("sales", "ACME SALES", bp=bp, status="twilio-approved")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    by = plan.by_address()
    for n in numbers:
        unassign = by[f'cnam.sales.product["{old.sid}"].number["{n.phone_number}"]']
        assert unassign.action is Action.UNASSIGN_CNAM_NUMBER
        assert unassign.params["assignment"] == old.number_assignments[n.sid]
        assign = by[f'cnam.sales.number["{n.phone_number}"]']
        assert assign.params["trust_product"] == new.sid
    delete = by[f'cnam.sales.product["{old.sid}"]']
    assert delete.action is Action.DELETE_TRUST_PRODUCT
    assert delete.params == {"trust_product": old.sid, "end_user_type": "cnam_information"}
    assert plan.summary() == {
        "unassign-cnam-number": 2,
        "assign-cnam-number": 2,
        "delete-trust-product": 1,
    }


def test_rejected_replacement_is_fixed_in_place(tmp_path, world):
    bp, _numbers, _old = _branded(world, "ACME OLD", "twilio-approved")
    rejected = world.product("sales", "POLICE", bp=bp, status="twilio-rejected", errors=(11008,))
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert [c.address for c in plan.changes] == [
        "cnam.sales.replacement.end-user",
        "cnam.sales.replacement.submit",
    ]
    assert plan.changes[1].params == {
        "trust_product": rejected.sid,
        "policy_sid": CNAM_POLICY_SID,
        "end_user_type": "cnam_information",
    }


def test_email_change_on_an_approved_product_is_reported_not_planned(tmp_path, world):
    _branded(world, "ACME SALES", "twilio-approved", email="old@acme.example")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert plan.changes == []
    (notice,) = plan.notices
    assert notice.level is NoticeLevel.WARNING and "60711" in notice.message
    assert notice.location.line == 11  # email


def test_email_change_on_a_draft_is_an_update(tmp_path, world):
    _, _, product = _branded(world, "ACME SALES", "draft", email="old@acme.example")
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    update = plan.by_address()["cnam.sales"]
    assert update.action is Action.UPDATE_TRUST_PRODUCT
    assert update.params == {"trust_product": product.sid, "email": "trust@acme.example"}


@pytest.mark.parametrize(
    ("code", "field"), [(11007, "displayName"), (11006, "businessProfile"), (11009, "displayName")]
)
def test_rejection_codes_point_at_the_field_they_concern(tmp_path, world, code, field):
    from cnamctl.policies import CNAM

    assert CNAM.field_of_code(code) == field
    assert "twilio.com/docs/api/errors" in CNAM.describe_code(code)
    _branded(world, "ACME SALES", "twilio-rejected", errors=(code,))
    desired = manifests(tmp_path, ACME)
    plan = compute_plan(desired, world.snapshot)
    (rejection,) = [n for n in plan.notices if n.level is NoticeLevel.ERROR]
    assert rejection.location == desired.cnam_profiles["sales"].loc(field)
    assert rejection.error_codes == (code,)
