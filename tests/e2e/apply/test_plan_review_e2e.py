"""What a reviewer and a drift check see of a plan, end to end on the emulator:
the safety verdict apply will enforce, drift that counts rejected and overdue
products, and notices summarised by kind."""

from __future__ import annotations

import json
import time
from typing import Any

from apply_world import World, number, profile, settings

NUMBERS = [number(i) for i in range(12)]


def wait_for_status(world: World, name: str, status: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while (product := world.products()[name]).status != status:
        assert time.monotonic() < deadline, f"{name} is {product.status}, never {status}"
        time.sleep(0.05)
    return product


def test_plan_shows_the_refusal_apply_then_meets(world: World):
    world.declare(profile("acme-sales", "ACME SALES", NUMBERS))
    assert world.apply().exit_code == 0
    for product in world.snapshot().trust_products.values():
        if product.status != "twilio-approved":
            world.emulator.approve(product.sid)
    world.declare(
        profile("acme-sales", "ACME SALES", NUMBERS[:2]),
        settings(cnamNumbers=True),
        business_numbers=NUMBERS,
    )
    refusal = (
        "the plan unassigns 10 of 12 existing CNAM number assignments (83.3%), more than "
        "safety.maxUnassignPercent 30%"
    )
    plan = world.cli("plan", str(world.manifests))
    assert plan.exit_code == 0, plan.output
    lines = plan.stdout.splitlines()
    assert lines[2] == "apply will refuse this without --force:"
    assert " ".join(" ".join(lines[3:5]).split()) == "- " + refusal
    markdown = world.cli("plan", "--format", "markdown", str(world.manifests))
    assert f"> - {refusal}" in markdown.stdout
    document = json.loads(world.cli("plan", "--format", "json", str(world.manifests)).stdout)
    assert document["accounts"][0]["plan"]["safety"]["refusals"] == [refusal]

    refused = world.apply()
    assert refused.exit_code == 1
    assert refusal in refused.output  # the very words the reviewer saw


def test_a_rejected_product_makes_the_drift_check_exit_2(make_world):
    world = make_world(review_mode="auto-reject", review_delay=0.0)
    world.declare(profile("acme-sales", "ACME SALES", NUMBERS[:2]))
    assert world.apply().exit_code == 0
    wait_for_status(world, "acme-sales", "twilio-rejected")

    assert world.cli("plan", str(world.manifests)).exit_code == 0  # no flag: a plan was made
    drift = world.cli("plan", "--detailed-exitcode", str(world.manifests))
    assert drift.exit_code == 2, drift.output
    text = " ".join(drift.stdout.split())
    assert "! CnamProfile acme-sales" in text
    assert "11009 (display name does not meet requirements" in text
    assert f"(line {world.line_of('acme-sales', 'displayName').split(':')[1]})" in text
    assert text.endswith("No changes to make, but not as declared: 1 product rejected by Twilio.")


def test_a_product_in_review_longer_than_the_allowed_age_is_drift(make_world):
    world = make_world(review_mode="manual")
    world.declare(profile("acme-sales", "ACME SALES", NUMBERS[:2]))
    assert world.apply().exit_code == 0
    wait_for_status(world, "acme-sales", "pending-review")
    manifests = str(world.manifests)

    assert world.cli("plan", "--detailed-exitcode", manifests).exit_code == 0
    young = world.cli("plan", "--detailed-exitcode", "--review-max-age", "30d", manifests)
    assert young.exit_code == 0, young.output
    old = world.cli("plan", "--detailed-exitcode", "--review-max-age", "0s", manifests)
    assert old.exit_code == 2, old.output
    shown = " ".join(old.stdout.split())  # a line may wrap anywhere
    assert "has been pending-review for" in shown or "has been in-review for" in shown
    assert "not as declared: 1 product in review too long" in old.stdout

    bad = world.cli("plan", "--review-max-age", "soon", manifests)
    assert bad.exit_code == 1
    assert "'soon' is not an age such as 36h, 3d or 2w" in bad.output


def test_unmanaged_objects_are_counted_and_listed_with_full(world: World):
    world.declare(profile("acme-sales", "ACME SALES", NUMBERS[:2]))
    plan = world.cli("plan", str(world.manifests))
    assert plan.exit_code == 0, plan.output
    notices = plan.stdout.split("Notices:\n")[1]
    assert "38 numbers of the account in no manifest, left alone" in notices
    assert "+14155550039" not in plan.stdout
    full = world.cli("plan", "--full", str(world.manifests))
    assert " ".join(full.stdout.split()).count(" is in no manifest; left alone") == 38
    assert all(len(line) <= 100 for line in full.stdout.splitlines())
