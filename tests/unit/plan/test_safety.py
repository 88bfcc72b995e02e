from __future__ import annotations

from world import LiveWorld

from cnamctl.manifest.model import SafetySettings
from cnamctl.plan.model import Action, Change, Plan
from cnamctl.plan.safety import check_safety


def _world(products: int, numbers_each: int) -> LiveWorld:
    world = LiveWorld()
    bp = world.business_profile()
    for p in range(products):
        numbers = world.numbers(*(f"+1415{p:03d}{i:04d}" for i in range(numbers_each)))
        world.product(f"p{p}", "ACME", bp=bp, numbers=numbers)
    return world


def _unassign(number: str) -> Change:
    return Change(f"u{number}", Action.UNASSIGN_CNAM_NUMBER, params={"number": number})


def test_unassigns_over_the_threshold_are_refused():
    world = _world(2, 10)  # 20 assignments
    pns = list(world.snapshot.numbers)
    plan = Plan(world.snapshot.account_sid, [_unassign(pn) for pn in pns[:7]])
    (violation,) = check_safety(plan, world.snapshot, SafetySettings())
    assert "7 of 20" in violation and "35.0%" in violation and "maxUnassignPercent 30%" in violation
    assert check_safety(plan, world.snapshot, SafetySettings(max_unassign_percent=40)) == []


def test_moves_are_not_counted_as_unassigns():
    world = _world(2, 10)
    pns = list(world.snapshot.numbers)
    moves = [_unassign(pn) for pn in pns[:10]] + [
        Change(f"a{pn}", Action.ASSIGN_CNAM_NUMBER, params={"number": pn}) for pn in pns[:10]
    ]
    assert check_safety(Plan("AC", moves), world.snapshot, SafetySettings()) == []


def test_deletes_over_the_threshold_and_the_minimum():
    world = _world(12, 1)
    sids = list(world.snapshot.trust_products)
    deletes = [
        Change(f"d{s}", Action.DELETE_TRUST_PRODUCT, params={"trust_product": s}) for s in sids[:4]
    ]
    (violation,) = check_safety(Plan("AC", deletes), world.snapshot, SafetySettings())
    assert "4 of 12" in violation
    assert check_safety(Plan("AC", deletes), world.snapshot, SafetySettings(min_existing=13)) == []
