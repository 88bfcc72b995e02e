"""The safety verdict is one evaluation: what plan shows is what apply enforces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from world import LiveWorld

from cnamctl.manifest.model import SafetySettings
from cnamctl.plan import addresses as addr
from cnamctl.plan.context import PlanContext, existing_of
from cnamctl.plan.model import Action, Change, Plan
from cnamctl.plan.safety import check_safety, verdict_of


@settings(max_examples=60, deadline=None)
@given(
    products=st.integers(1, 6),
    numbers_each=st.integers(0, 5),
    unassigned=st.integers(0, 30),
    moved=st.integers(0, 30),
    deleted=st.integers(0, 6),
    limit=st.floats(0, 100),
    minimum=st.integers(0, 20),
)
def test_the_plan_shows_exactly_what_apply_refuses(
    products, numbers_each, unassigned, moved, deleted, limit, minimum
):
    world = LiveWorld()
    bp = world.business_profile()
    for p in range(products):
        numbers = world.numbers(*(f"+1415555{p}{i:03d}" for i in range(numbers_each)))
        world.product(f"p{p}", "ACME", bp=bp, numbers=numbers)
    live = world.snapshot
    assigned = [(pn, sid) for sid, p in live.trust_products.items() for pn in p.number_assignments]
    changes = [
        Change(f"u{i}", Action.UNASSIGN_CNAM_NUMBER, params={"number": pn, "trust_product": sid})
        for i, (pn, sid) in enumerate(assigned[:unassigned])
    ]
    changes += [
        Change(f"a{i}", Action.ASSIGN_CNAM_NUMBER, params={"number": pn})
        for i, (pn, _) in enumerate(assigned[:moved])
    ]
    changes += [
        Change(
            addr.other_product(None, sid),
            Action.DELETE_TRUST_PRODUCT,
            params={"trust_product": sid},
        )
        for sid in list(live.trust_products)[:deleted]
    ]
    safety = SafetySettings(
        max_delete_percent=limit, max_unassign_percent=limit, min_existing=minimum
    )
    plan = Plan(
        live.account_sid, changes, safety=safety, context=PlanContext(existing=existing_of(live))
    )
    shown = [c.message for c in verdict_of(plan).refusals]
    assert shown == check_safety(plan, live, safety)
    assert verdict_of(plan).needs_force == bool(shown)


def test_without_the_counts_no_threshold_is_guessed():
    plan = Plan("AC1", [Change("u", Action.UNASSIGN_CNAM_NUMBER, params={"number": "PN1"})])
    verdict = verdict_of(plan)
    assert verdict.checks == () and not verdict.needs_force


def test_deleting_a_superseded_product_loses_no_vetting(tmp_path):
    change = Change(
        addr.other_product("sales", "BU1"),
        Action.DELETE_TRUST_PRODUCT,
        before={"friendly_name": "sales", "status": "twilio-approved", "numbers": 2},
        params={"trust_product": "BU1"},
    )
    assert verdict_of(Plan("AC1", [change])).vetting == ()
    undeclared = Change(
        addr.other_product(None, "BU2"),
        Action.DELETE_TRUST_PRODUCT,
        before={"friendly_name": "legacy", "status": "twilio-approved", "numbers": 3},
        params={"trust_product": "BU2"},
    )
    (loss,) = verdict_of(Plan("AC1", [undeclared])).vetting
    assert loss.what.startswith("deletes approved CNAM product 'legacy' (BU2) with its 3")
    draft = Change(
        addr.other_product(None, "BU3"),
        Action.DELETE_TRUST_PRODUCT,
        before={"friendly_name": "old", "status": "draft", "numbers": 0},
        params={"trust_product": "BU3"},
    )
    assert verdict_of(Plan("AC1", [draft])).vetting == ()
