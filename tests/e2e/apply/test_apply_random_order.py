"""Apply converges whatever order concurrent changes finish in.

Each scenario is applied with changes finishing in a seeded random order (the
executor's real code, a ``RandomOrderRunner`` in place of the thread pool), then
reviews are decided and the account planned and applied again, until the plan
is empty. Every run must apply without a failure, end with no duplicate object,
and submit each product with the display name declared at that moment.
"""

from __future__ import annotations

from typing import Any

import pytest
from apply_world import World, number, profile
from random_runner import RandomOrderRunner

from cnamctl.apply.executor import ApplySettings, Executor
from cnamctl.manifest import load_manifests
from cnamctl.plan import compute_plan

SEEDS = range(8)
SALES = [number(i) for i in range(0, 4)]
CARE = [number(i) for i in range(4, 7)]


def apply_in_random_order(world: World, seed: int) -> list[Any]:
    """One apply of the current manifests; returns the change results."""
    manifests = load_manifests([str(world.manifests)])
    live = world.snapshot()
    plan = compute_plan(manifests, live)
    executor = Executor(
        world.client,
        plan,
        live=live,
        manifests=manifests,
        settings=ApplySettings(concurrency=8, max_rps=None, settle_seconds=0.4),
        runner=RandomOrderRunner(seed),
    )
    result = executor.run()
    failed = [(r.address, r.message) for r in result.changes if not r.ok]
    assert not failed, f"seed {seed}: {failed}"
    return list(result.changes)


def submitted_names(world: World) -> dict[str, str | None]:
    live = world.snapshot()
    out = {}
    for p in live.trust_products.values():
        if p.status in ("pending-review", "in-review"):
            user = live.end_user_of(p)
            out[p.friendly_name] = user.cnam_display_name if user else None
    return out


def converge(world: World, seed: int, rounds: int = 4) -> None:
    for round_ in range(rounds):
        results = apply_in_random_order(world, seed * 100 + round_)
        for product in world.snapshot().trust_products.values():
            if product.status in ("pending-review", "in-review"):
                world.emulator.approve(product.sid)
        if not results:
            break
    world.assert_converged()


@pytest.mark.parametrize("seed", SEEDS)
def test_new_profiles_with_numbers(make_world: Any, seed: int) -> None:
    world = make_world(review_mode="manual")
    world.declare(profile("sales", "ACME SALES", SALES), profile("care", "ACME CARE", CARE))
    apply_in_random_order(world, seed)
    assert submitted_names(world) == {"sales": "ACME SALES", "care": "ACME CARE"}
    converge(world, seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_rejected_product_renamed_is_resubmitted_with_the_new_name(
    make_world: Any, seed: int
) -> None:
    """Issue 9: the end-user update must land before the submission, in every order."""
    world = make_world(review_mode="manual")
    world.declare(profile("sales", "ACME SALES", SALES))
    apply_in_random_order(world, seed)
    (product,) = world.products_named("sales")
    world.emulator.reject(product.sid, error_codes=[11009])
    world.declare(profile("sales", "ACME WEST", SALES))
    apply_in_random_order(world, seed)
    (after,) = world.products_named("sales")
    assert after.sid == product.sid, "edited in place, not replaced"
    assert submitted_names(world) == {"sales": "ACME WEST"}
    converge(world, seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_numbers_move_between_profiles_and_an_approved_name_is_replaced(
    make_world: Any, seed: int
) -> None:
    world = make_world(review_mode="manual")
    world.declare(profile("sales", "ACME SALES", SALES), profile("care", "ACME CARE", CARE))
    converge(world, seed)
    # two numbers move from sales to care, and sales gets a new display name
    world.declare(
        profile("sales", "ACME EAST", SALES[:2]), profile("care", "ACME CARE", CARE + SALES[2:])
    )
    converge(world, seed, rounds=5)
    live = world.snapshot()
    products = {p.friendly_name: p for p in live.trust_products.values()}
    assert live.end_user_of(products["sales"]).cnam_display_name == "ACME EAST"  # type: ignore[union-attr]
    on_care = {live.numbers[pn].phone_number for pn in products["care"].number_assignments}
    assert on_care == set(CARE + SALES[2:])
