"""`cnamctl apply` end to end against the emulator: the lifecycle of CNAM profiles."""

from __future__ import annotations

import json
import time

from apply_world import World, number, profile, result_document, seed, settings

SALES = [number(i) for i in range(0, 4)]
SUPPORT = [number(i) for i in range(4, 6)]


def declare_acme(world: World, sales_display: str = "ACME SALES") -> None:
    world.declare(
        profile("acme-sales", sales_display, SALES, callerNameLookup=True),
        profile("acme-support", "ACME Support", SUPPORT),
    )


def wait_for(world: World, name: str, status: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while world.products()[name].status != status:
        assert time.monotonic() < deadline, f"{name} never reached {status}"
        time.sleep(0.1)


def test_from_empty_apply_creates_submits_and_converges(world: World):
    declare_acme(world)
    result = world.apply()
    assert result.exit_code == 0, result.output
    assert "Apply complete" in result.output
    assert "acme-sales" in result.output and "pending-review" in result.output
    products = world.products()
    assert set(products) == {"acme-sales", "acme-support"}
    assert world.numbers_of("acme-sales") == set(SALES)
    assert world.numbers_of("acme-support") == set(SUPPORT)
    assert all(p.status in ("pending-review", "in-review") for p in products.values())
    live = world.snapshot()
    assert all(live.number_by_e164(n).voice_caller_id_lookup for n in SALES)  # type: ignore[union-attr]
    world.assert_no_secret_in(result.output)
    world.assert_converged()


def test_reapply_is_a_no_op_without_writes(world: World):
    declare_acme(world)
    assert world.apply().exit_code == 0
    wait_for(world, "acme-sales", "twilio-approved")
    before = world.writes()
    again = world.apply()
    assert again.exit_code == 0, again.output
    assert "No changes" in again.output
    assert world.writes() == before
    world.assert_converged()


def test_json_result_document(world: World):
    declare_acme(world)
    result = world.apply("--format", "json")
    assert result.exit_code == 0, result.output
    doc = result_document(result)
    assert doc["ok"] is True
    assert doc["summary"]["applied"] == len(doc["changes"]) > 0
    for change in doc["changes"]:
        assert set(change) >= {"address", "action", "outcome", "sids", "attempts"}
        assert change["outcome"] == "applied"
    created = [c for c in doc["changes"] if c["action"] == "create-trust-product"]
    assert all(c["sids"][0].startswith("BU") for c in created)
    assert {r["product"] for r in doc["reviews"]} == {"acme-sales", "acme-support"}
    world.assert_no_secret_in(json.dumps(doc))


def test_display_name_change_on_an_approved_product(world: World):
    declare_acme(world)
    assert world.apply().exit_code == 0
    wait_for(world, "acme-sales", "twilio-approved")
    declare_acme(world, sales_display="ACME Deals")
    result = world.apply()
    assert result.exit_code == 0, result.output
    world.configure(review_delay=0.0)
    wait_for(world, "acme-sales", "twilio-approved")
    live = world.snapshot()
    product = world.products()["acme-sales"]
    user = live.end_user_of(product)
    assert user is not None and user.cnam_display_name == "ACME Deals"
    assert world.numbers_of("acme-sales") == set(SALES)
    world.assert_converged()


def test_numbers_move_between_products(world: World):
    declare_acme(world)
    assert world.apply().exit_code == 0
    moved = SALES[:2]
    world.declare(
        profile("acme-sales", "ACME SALES", SALES[2:], callerNameLookup=True),
        profile("acme-support", "ACME Support", SUPPORT + moved),
        business_numbers=SALES + SUPPORT,
    )
    result = world.apply()
    assert result.exit_code == 0, result.output
    assert world.numbers_of("acme-support") == set(SUPPORT + moved)
    assert world.numbers_of("acme-sales") == set(SALES[2:])
    world.assert_converged()


def test_rejected_product_is_fixed_and_resubmitted(make_world):
    world = make_world(review_mode="auto-reject", review_delay=0.0)
    declare_acme(world)
    assert world.apply().exit_code == 0
    wait_for(world, "acme-sales", "twilio-rejected")
    status = world.cli("status", str(world.manifests))
    assert status.exit_code == 0, status.output
    assert "twilio-rejected" in status.output and "11009" in status.output
    world.configure(review_mode="auto-approve")
    declare_acme(world, sales_display="ACME Sales Team")
    result = world.apply()
    assert result.exit_code == 0, result.output
    wait_for(world, "acme-sales", "twilio-approved")
    world.assert_converged()


def test_noncompliant_evaluation_is_reported_at_the_manifest_line(make_world):
    world = make_world(seed(profile_status="draft"))
    declare_acme(world)
    result = world.apply()
    assert result.exit_code == 1
    assert "noncompliant" in result.output
    assert "cnam.yaml:" in result.output  # findings point into the manifest
    assert "Re-running `cnamctl apply` is safe" in result.output
    assert all(p.status == "draft" for p in world.products().values())
    world.assert_no_duplicates()


def test_stale_saved_plan_is_refused(world: World, tmp_path):
    declare_acme(world)
    assert world.apply().exit_code == 0
    declare_acme(world, sales_display="ACME Deals")
    saved = tmp_path / "plan.json"
    planned = world.cli("plan", "-o", str(saved), str(world.manifests))
    assert planned.exit_code == 0, planned.output
    product = world.products()["acme-support"]
    world.client.trusthub.v1.trust_products(product.sid).update(email="changed@acme.example")
    before = world.writes()
    result = world.cli("apply", str(saved))
    assert result.exit_code == 1
    assert "stale plan" in result.output
    assert product.sid in result.output
    assert world.writes() == before


def test_fresh_saved_plan_applies_without_confirmation(world: World, tmp_path):
    declare_acme(world)
    saved = tmp_path / "plan.json"
    assert world.cli("plan", "-o", str(saved), str(world.manifests)).exit_code == 0
    result = world.cli("apply", str(saved))
    assert result.exit_code == 0, result.output
    world.assert_converged()


def test_without_tty_or_auto_approve_apply_refuses(world: World):
    declare_acme(world)
    result = world.cli("apply", str(world.manifests))
    assert result.exit_code == 1
    assert "--auto-approve" in result.output
    assert world.writes() == 0


def test_unassign_threshold_needs_force(world: World):
    numbers = [number(i) for i in range(12)]
    world.declare(profile("acme-sales", "ACME SALES", numbers))
    assert world.apply().exit_code == 0
    world.declare(
        profile("acme-sales", "ACME SALES", numbers[:2]),
        settings(cnamNumbers=True),
        business_numbers=numbers,
    )
    before = world.writes()
    refused = world.apply()
    assert refused.exit_code == 1
    assert "--force" in refused.output
    assert world.writes() == before
    forced = world.apply("--force")
    assert forced.exit_code == 0, forced.output
    assert world.numbers_of("acme-sales") == set(numbers[:2])
    world.assert_converged()


def test_non_cnam_products_are_never_touched(world: World):
    declare_acme(world)
    world.declare(
        profile("acme-sales", "ACME SALES", SALES),
        settings(cnamProfiles=True, cnamNumbers=True),
    )
    assert world.apply("--force").exit_code == 0
    shaken = [
        p
        for p in world.client.trusthub.v1.trust_products.list()
        if p.friendly_name == "Acme SHAKEN"
    ]
    assert len(shaken) == 1 and shaken[0].status == "twilio-approved"
    world.assert_converged()


def test_status_wait_returns_when_reviews_finish(world: World):
    declare_acme(world)
    assert world.apply().exit_code == 0
    result = world.cli(
        "status",
        "--wait",
        "--interval",
        "0.2",
        "--timeout",
        "20",
        "--format",
        "json",
        str(world.manifests),
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["pending"] == 0
    assert {p["status"] for p in doc["profiles"]} == {"twilio-approved"}


def test_status_wait_times_out(make_world):
    world = make_world(review_mode="manual")
    declare_acme(world)
    assert world.apply().exit_code == 0
    result = world.cli(
        "status", "--wait", "--interval", "0.1", "--timeout", "0.5", str(world.manifests)
    )
    assert result.exit_code == 1
    assert "timed out" in result.output
