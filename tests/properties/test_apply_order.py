"""The apply graph orders every write as Twilio requires: stated as properties.

Plans come from the real planner, over generated manifests and live accounts
(``worlds.py``). Each plan's graph must be acyclic, and *every* order it allows
must be accepted by a model of Twilio's rules (``api_model.py``, which knows
nothing of the graph): hypothesis draws the orders by completing ready changes
at random, as uneven network latency does. Reviews are then decided and the
account planned again, until nothing is left to do: the plans converge, each
submission carries the declared display name, and no name ends with two products.
"""

from __future__ import annotations

import random

from api_model import FROZEN, ApiModel
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from worlds import World, worlds

from cnamctl.apply.graph import DependencyGraph
from cnamctl.errors import PlanningError
from cnamctl.plan import compute_plan
from cnamctl.plan.attributes import declared_attributes
from cnamctl.plan.model import Action, Change
from cnamctl.plan.render.text import render_text
from cnamctl.policies import BY_KIND

MAX_ROUNDS = 6  # a replacement takes three: replace, move numbers, delete the old one


def random_order(graph: DependencyGraph, rng: random.Random) -> list[Change]:
    """One order the graph allows, chosen by completing ready changes at random."""
    waiting = {a: len(needs) for a, needs in graph.needs.items()}
    ready = sorted(a for a, n in waiting.items() if n == 0)
    order: list[Change] = []
    while ready:
        address = ready.pop(rng.randrange(len(ready)))
        order.append(graph.changes[address])
        for dependent in sorted(graph.dependents[address]):
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                ready.append(dependent)
    assert len(order) == len(graph.changes), "some changes can never run"
    return order


def _plan(world: World, model: ApiModel):
    try:
        return compute_plan(world.desired, model.snapshot())
    except PlanningError:
        return None


def _ancestors(graph: DependencyGraph, address: str) -> set[str]:
    seen: set[str] = set()
    stack = list(graph.needs[address])
    while stack:
        a = stack.pop()
        if a not in seen:
            seen.add(a)
            stack.extend(graph.needs[a])
    return seen


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds(), seed=st.integers(0, 2**32 - 1))
def test_every_allowed_order_is_accepted_and_plans_converge(world: World, seed: int) -> None:
    rng = random.Random(seed)
    note(repr(world))
    model = ApiModel.from_snapshot(world.live)
    plan = _plan(world, model)
    if plan is None:
        return  # not plannable (e.g. a product on another business profile): no writes
    for _ in range(MAX_ROUNDS):
        note(render_text(plan, color=False))
        if not plan.changes and not model.under_review():
            break
        graph = DependencyGraph(plan.changes)  # raises on a cycle or unknown address
        for change in random_order(graph, rng):
            model.apply(change)  # raises Violation where Twilio would refuse
        model.finish_reviews()
        plan = _plan(world, model)
        assert plan is not None, "a plan that applied cleanly must plan again"
    assert plan.changes == [], f"not converged after {MAX_ROUNDS} rounds: {plan.changes}"

    rejected = {
        (n.resource.kind.value, n.resource.name)
        for n in plan.notices
        if n.status == "twilio-rejected" and n.resource is not None
    }
    for profile in world.desired.trust_profiles():
        name, kind = profile.name, profile.kind
        spec = BY_KIND[kind]
        products = [
            p for p in model.products.values() if p.name == name and p.policy_sid == spec.policy_sid
        ]
        approved = [p for p in products if p.status == "twilio-approved"]
        others = [p for p in products if p.status != "twilio-approved"]
        # no duplicates: one approved product, and at most one other, which is then a
        # rejected product (or replacement) waiting for a manifest fix, and reported
        assert len(approved) <= 1 and len(others) <= 1, f"{kind} {name}: duplicates {products}"
        assert products, f"{kind} {name}: no product"
        if others:
            assert others[0].status == "twilio-rejected" and (kind, name) in rejected, others
        declared = {k: str(v) for k, v in declared_attributes(spec, profile).items()}
        for product in products:
            for seen in product.submitted:  # review saw what is declared, nothing older
                shown = {k: str(seen.get(k)) for k in declared}
                assert shown == declared, f"{kind} {name}: review saw {seen}, declared {declared}"


@settings(max_examples=300, deadline=None)
@given(world=worlds())
def test_what_a_products_review_sees_is_settled_before_it_is_submitted(world: World) -> None:
    """Pairwise: a change to a product's end user (found from the live assignments,
    not from the change's params), entities, numbers or email precedes that
    product's submission and deletion in the graph."""
    live = world.live
    try:
        plan = compute_plan(world.desired, live)
    except PlanningError:
        return
    graph = DependencyGraph(plan.changes)
    by_product: dict[str, list[Change]] = {}
    for change in plan.changes:
        products = set()
        if "trust_product" in change.params:
            products.add(str(change.params["trust_product"]))
        user = change.params.get("end_user")
        if user:
            products |= {
                sid for sid, p in live.trust_products.items() if user in p.entity_assignments
            }
        for product in products:
            by_product.setdefault(product, []).append(change)
    for changes in by_product.values():
        finals = [
            c
            for c in changes
            if c.action in (Action.SUBMIT_FOR_REVIEW, Action.DELETE_TRUST_PRODUCT)
        ]
        for final in finals:
            before = _ancestors(graph, final.address)
            for other in changes:
                if other is final or other.action.phase >= final.action.phase:
                    continue
                assert other.address in before, f"{other.address} is not before {final.address}"


def test_the_model_refuses_an_end_user_update_of_a_product_in_review() -> None:
    """The oracle itself can fail: the issue-9 race, replayed in the wrong order."""
    from api_model import Product, Violation

    model = ApiModel("AC1", {}, {}, {}, {}, {}, {})
    model.products["BU1"] = Product("sales", "twilio-rejected", "e", entities={"IT1": "BV1"})
    from api_model import EndUser

    model.end_users["IT1"] = EndUser("sales", "cnam_information", {"cnam_display_name": "OLD"})
    model.products["BU1"].entities["BU9"] = "BV2"
    model.business_profiles["BU9"] = None  # type: ignore[assignment]
    submit = Change("s", Action.SUBMIT_FOR_REVIEW, params={"trust_product": "BU1"})
    update = Change(
        "u",
        Action.UPDATE_END_USER,
        params={"end_user": "IT1", "attributes": {"cnam_display_name": "NEW"}},
    )
    model.apply(submit)
    assert model.products["BU1"].status in FROZEN
    try:
        model.apply(update)
    except Violation as err:
        assert "60711" in str(err)
    else:
        raise AssertionError("the model accepted an edit during review")
