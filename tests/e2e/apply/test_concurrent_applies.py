"""Two applies at once (a person and a CI job, or several CI jobs) on one account.

Twilio has no locks, so each `cnamctl apply` heals what the others do: after
creating a product it checks for a same-name product another run made, and the
oldest stays (cnamctl/apply/operations.py, "Two applies at once"). Every run
here is a real `cnamctl apply` process started at the same moment, against an
emulator that answers each request after a random (seeded) delay, so the runs
interleave differently each time. They must all succeed and leave one end user
and one product per profile, and the next plan must be empty.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest
from apply_world import World, number, profile


def jitter(world: World, seed: int, most: float = 0.12) -> None:
    rng = random.Random(seed)
    lock = threading.Lock()

    def delay(environ: dict[str, Any]) -> None:
        if environ.get("PATH_INFO", "").startswith("/_emulator"):
            return
        with lock:
            pause = rng.uniform(0, most)
        time.sleep(pause)

    world.before_request = delay


def apply_together(world: World, runs: int) -> list[tuple[int, str, str]]:
    world.env.pop("CNAMCTL_SETTLE_SECONDS", None)  # the default wait, as users run it
    children = [world.spawn_apply() for _ in range(runs)]
    outcomes = []
    for child in children:
        out, err = child.communicate(timeout=120)
        outcomes.append((child.returncode, out, err))
    return outcomes


@pytest.mark.slow
@pytest.mark.parametrize("runs", [2, 4])
@pytest.mark.parametrize("with_numbers", [True, False])
def test_simultaneous_applies_leave_no_duplicate(
    make_world: Any, runs: int, with_numbers: bool
) -> None:
    world = make_world(review_mode="manual")
    jitter(world, seed=runs * 10 + with_numbers)
    sales = [number(i) for i in range(0, 3)] if with_numbers else []
    care = [number(i) for i in range(3, 5)] if with_numbers else []
    world.declare(profile("sales", "ACME SALES", sales), profile("care", "ACME CARE", care))

    outcomes = apply_together(world, runs)

    # A run that planned against another run's product just before that run removed
    # it as a duplicate fails those changes, saying why; the others did the work.
    for code, out, err in outcomes:
        assert code == 0 or "deleted since the plan was made" in out, f"{out}\n{err}"
    assert any(code == 0 for code, _, _ in outcomes)
    world.before_request = None
    world.assert_no_duplicates()
    products = world.products()  # asserts one product per name
    assert set(products) == {"sales", "care"}
    live = world.snapshot()
    for name, display in (("sales", "ACME SALES"), ("care", "ACME CARE")):
        product = products[name]
        assert product.status in ("pending-review", "in-review")
        user = live.end_user_of(product)
        assert user is not None and user.cnam_display_name == display
    if with_numbers:
        assert world.numbers_of("sales") == set(sales)
        assert world.numbers_of("care") == set(care)
    for product in products.values():
        world.emulator.approve(product.sid)
    world.assert_converged()
