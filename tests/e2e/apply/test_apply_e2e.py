"""`cnamctl apply` and `cnamctl status` end to end against the emulator: the
lifecycle of CNAM profiles, saved plans, safety, scope and output."""

from __future__ import annotations

import json
import time
from typing import Any

import yaml
from apply_world import (
    ACCOUNT,
    TOKEN,
    World,
    number,
    numbers_on,
    profile,
    result_document,
    seed,
    settings,
    status_document,
)

SALES = [number(i) for i in range(0, 4)]
SUPPORT = [number(i) for i in range(4, 6)]


def declare_acme(world: World, sales_display: str = "ACME SALES") -> None:
    world.declare(
        profile("acme-sales", sales_display, SALES, callerNameLookup=True),
        profile("acme-support", "ACME Support", SUPPORT),
    )


def wait_for(world: World, name: str, status: str, timeout: float = 10.0) -> Any:
    """Wait until the (single) product ``name`` has ``status``; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        product = world.products()[name]
        if product.status == status:
            return product
        assert time.monotonic() < deadline, f"{name} is {product.status}, never {status}"
        time.sleep(0.1)


def approve_all(world: World) -> None:
    for product in world.snapshot().trust_products.values():
        if product.status != "twilio-approved":
            world.emulator.approve(product.sid)


def test_from_empty_apply_creates_submits_and_converges(make_world):
    world = make_world(review_mode="manual")
    declare_acme(world)
    result = world.apply()
    assert result.exit_code == 0, result.output
    assert "Apply complete" in result.output
    assert "Review status:" in result.output
    assert "acme-sales" in result.output and "pending-review" in result.output
    products = world.products()
    assert set(products) == {"acme-sales", "acme-support"}
    assert world.numbers_of("acme-sales") == set(SALES)
    assert world.numbers_of("acme-support") == set(SUPPORT)
    assert all(p.status in ("pending-review", "in-review") for p in products.values())
    live = world.snapshot()
    acme = world.business_profile_sid("Acme Corp")
    assert numbers_on(live, live.business_profiles[acme]) == set(SALES + SUPPORT)
    for name in products:
        user = live.end_user_of(products[name])
        assert user is not None and acme in products[name].entity_assignments
    assert all(live.number_by_e164(n).voice_caller_id_lookup for n in SALES)  # type: ignore[union-attr]
    world.assert_no_secret_in(result.output)
    world.assert_converged()


def test_plain_log_shows_each_change_in_dependency_order(world: World):
    declare_acme(world)
    result = world.apply()
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("applied ")]
    order = [line.split()[2] for line in lines]
    assert len(order) == 26
    for name in ("acme-sales", "acme-support"):
        mine = [a for a in order if a.startswith(f"cnam.{name}")]
        position = {a: order.index(a) for a in mine}
        product = position[f"cnam.{name}"]
        entities = [i for a, i in position.items() if ".entity[" in a]
        numbers = [i for a, i in position.items() if ".number[" in a]
        submit = position[f"cnam.{name}.submit"]
        assert position[f"cnam.{name}.end-user"] < max(entities)
        assert product < min(entities) and max(entities) < min(numbers)
        assert max(numbers) < submit
    for e164 in SALES + SUPPORT:
        business = order.index(f'business-profile.acme.number["{e164}"]')
        cnam = next(
            i for i, a in enumerate(order) if a.startswith("cnam.") and a.endswith(f'"{e164}"]')
        )
        assert business < cnam


def test_reapply_and_plan_make_no_write_requests(world: World):
    declare_acme(world)
    assert world.apply().exit_code == 0
    wait_for(world, "acme-sales", "twilio-approved")
    wait_for(world, "acme-support", "twilio-approved")
    before = world.writes()
    again = world.apply()
    assert again.exit_code == 0, again.output
    assert "No changes" in again.output
    assert world.writes() == before
    world.assert_converged()  # the plan after it: empty, no write
    assert world.writes() == before


def test_json_result_document(world: World):
    declare_acme(world)
    result = world.apply("--format", "json")
    assert result.exit_code == 0, result.output
    doc = result_document(result)
    assert doc["ok"] is True
    assert doc["summary"]["applied"] == len(doc["changes"]) == 26
    for change in doc["changes"]:
        assert set(change) >= {"address", "action", "outcome", "sids", "attempts"}
        assert change["outcome"] == "applied" and change["attempts"] == 1
    created = [c for c in doc["changes"] if c["action"] == "create-trust-product"]
    assert all(c["sids"][0].startswith("BU") for c in created)
    products = world.products()
    assert {c["sids"][0] for c in created} == {p.sid for p in products.values()}
    assert {r["product"]: r["sid"] for r in doc["reviews"]} == {
        name: p.sid for name, p in products.items()
    }
    assert doc["requests"]["POST"] == 28  # 26 changes, plus an evaluation per submit
    world.assert_no_secret_in(json.dumps(doc))


def test_credentials_never_appear_even_in_debug_logs(world: World):
    declare_acme(world)
    result = world.cli(
        "apply", "--auto-approve", "--format", "json", str(world.manifests), options=("-vv",)
    )
    assert result.exit_code == 0, result.output
    assert "POST" in result.stderr  # -vv logs every request
    assert TOKEN not in result.stdout and TOKEN not in result.stderr
    status = world.cli("status", "--format", "json", str(world.manifests), options=("-vv",))
    assert status.exit_code == 0, status.output
    assert TOKEN not in status.output


def test_display_name_change_on_an_approved_product(make_world):
    world = make_world(review_mode="manual")
    declare_acme(world)
    assert world.apply().exit_code == 0
    approve_all(world)
    old = world.products()["acme-sales"]
    old_user = world.snapshot().end_user_of(old)
    assert old_user is not None

    # 1. the rename: a replacement is created and submitted; numbers stay branded
    declare_acme(world, sales_display="ACME Deals")
    result = world.apply()
    assert result.exit_code == 0, result.output
    assert "cnam.acme-sales.replacement" in result.output
    live = world.snapshot()
    both = [p for p in live.trust_products.values() if p.friendly_name == "acme-sales"]
    assert len(both) == 2
    new = next(p for p in both if p.sid != old.sid)
    assert live.trust_products[old.sid].status == "twilio-approved"
    assert numbers_on(live, live.trust_products[old.sid]) == set(SALES)
    assert new.status in ("pending-review", "in-review") and not new.number_assignments
    assert live.end_user_of(new).cnam_display_name == "ACME Deals"  # type: ignore[union-attr]

    # 2. while the replacement is in review, apply has nothing to do
    before = world.writes()
    waiting = world.apply()
    assert waiting.exit_code == 0, waiting.output
    assert world.writes() == before

    # 3. once approved, the next apply moves the numbers and deletes the old product
    world.emulator.approve(new.sid)
    moved = world.apply("--format", "json")
    assert moved.exit_code == 0, moved.output
    actions = {c["action"] for c in result_document(moved)["changes"]}
    assert actions == {"unassign-cnam-number", "assign-cnam-number", "delete-trust-product"}
    live = world.snapshot()
    assert old.sid not in live.trust_products
    assert old_user.sid not in live.end_users  # the old product's end user went with it
    product = world.products()["acme-sales"]
    assert product.sid == new.sid and product.status == "twilio-approved"
    assert world.numbers_of("acme-sales") == set(SALES)
    world.assert_converged()


def test_numbers_move_between_products(world: World):
    declare_acme(world)
    assert world.apply().exit_code == 0
    approve_all(world)
    moved = SALES[:2]
    world.declare(
        profile("acme-sales", "ACME SALES", SALES[2:], callerNameLookup=True),
        profile("acme-support", "ACME Support", SUPPORT + moved),
        business_numbers=SALES + SUPPORT,
    )
    result = world.apply("--format", "json")
    assert result.exit_code == 0, result.output
    changes = result_document(result)["changes"]
    assert (
        sorted(c["action"] for c in changes)
        == ["assign-cnam-number"] * 2 + ["unassign-cnam-number"] * 2
    )
    assert world.numbers_of("acme-support") == set(SUPPORT + moved)
    assert world.numbers_of("acme-sales") == set(SALES[2:])
    world.assert_converged()


def test_rejected_product_is_fixed_and_resubmitted(make_world):
    world = make_world(review_mode="auto-reject", review_delay=0.0)
    declare_acme(world)
    assert world.apply().exit_code == 0
    rejected = wait_for(world, "acme-sales", "twilio-rejected")
    status = world.cli("status", str(world.manifests))
    assert status.exit_code == 0, status.output
    assert "twilio-rejected" in status.output and "11009" in status.output
    assert world.line_of("acme-sales", "displayName") in status.output

    world.configure(review_mode="auto-approve")
    declare_acme(world, sales_display="ACME Sales Team")
    result = world.apply("--format", "json")
    assert result.exit_code == 0, result.output
    actions = {c["address"]: c["action"] for c in result_document(result)["changes"]}
    assert actions == {
        "cnam.acme-sales.end-user": "update-end-user",
        "cnam.acme-sales.submit": "submit-for-review",
    }
    approved = wait_for(world, "acme-sales", "twilio-approved")
    assert approved.sid == rejected.sid
    assert world.products()["acme-support"].status == "twilio-rejected"  # unchanged: left alone
    world.assert_converged()


def test_noncompliant_evaluation_stops_only_that_product(world: World):
    """Beta Corp's approval is revoked while apply runs (before the first
    evaluation): that product is evaluated noncompliant and not submitted, with
    Twilio's findings at its manifest line; the other product is submitted."""
    world.declare(
        profile("acme-sales", "ACME SALES", SALES),
        profile("beta-sales", "BETA SALES", SUPPORT, business="beta"),
    )
    beta = world.business_profile_sid("Beta Corp")

    def revoke(environ: dict[str, Any]) -> None:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/Evaluations"):
            world.before_request = None
            world.emulator.reject(beta, [22217])

    world.before_request = revoke
    result = world.apply()
    assert result.exit_code == 1
    assert "noncompliant" in result.output
    assert world.line_of("beta-sales", "businessProfile") in result.output
    assert "twilio-approved" in result.output  # Twilio's reason, quoted
    rerun = f"`cnamctl apply --api-url {world.base_url} --auto-approve {world.manifests}` is safe"
    assert f"re-running {rerun}" in result.output.lower()  # the hint has this run's flags
    products = world.products()
    assert products["beta-sales"].status == "draft"
    assert products["acme-sales"].status in ("pending-review", "in-review", "twilio-approved")
    assert world.numbers_of("beta-sales") == set(SUPPORT)  # done before the evaluation
    status = world.cli("status", "--format", "json", str(world.manifests))
    beta_status = next(p for p in status_document(status)["profiles"] if p["name"] == "beta-sales")
    assert (beta_status["status"], beta_status["evaluation"]) == ("draft", "noncompliant")
    assert world.line_of("beta-sales", "businessProfile") in json.dumps(beta_status["problems"])

    world.emulator.approve(beta)
    again = world.apply()
    assert again.exit_code == 0, again.output
    assert world.products()["beta-sales"].status in ("pending-review", "in-review")
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
    approve_all(world)
    world.declare(
        profile("acme-sales", "ACME SALES", numbers[:2]),
        settings(cnamNumbers=True),
        business_numbers=numbers,
    )
    before = world.writes()
    refused = world.apply()
    assert refused.exit_code == 1
    assert "--force" in refused.output and "maxUnassignPercent" in refused.output
    assert world.writes() == before
    forced = world.apply("--force")
    assert forced.exit_code == 0, forced.output
    assert world.numbers_of("acme-sales") == set(numbers[:2])
    world.assert_converged()


def test_pruning_deletes_unmanaged_cnam_products_but_never_other_products(world: World):
    declare_acme(world)
    assert world.apply().exit_code == 0
    approve_all(world)
    shaken_before = [
        p
        for p in world.client.trusthub.v1.trust_products.list()
        if p.friendly_name == "Acme SHAKEN"
    ]
    world.declare(
        profile("acme-sales", "ACME SALES", SALES, callerNameLookup=True),
        settings(cnamProfiles=True),
        business_numbers=SALES + SUPPORT,
    )
    result = world.apply("--force", "--format", "json")
    assert result.exit_code == 0, result.output
    deleted = [c for c in result_document(result)["changes"] if c["outcome"] == "applied"]
    assert {c["action"] for c in deleted} == {"unassign-cnam-number", "delete-trust-product"}
    assert set(world.products()) == {"acme-sales"}
    shaken = [
        p
        for p in world.client.trusthub.v1.trust_products.list()
        if p.friendly_name == "Acme SHAKEN"
    ]
    assert len(shaken) == 1
    assert (shaken[0].sid, shaken[0].status, shaken[0].date_updated) == (
        shaken_before[0].sid,
        "twilio-approved",
        shaken_before[0].date_updated,
    )
    world.assert_converged()


def test_status_reports_every_profile(world: World):
    declare_acme(world)
    before = world.cli("status", "--format", "json", str(world.manifests))
    assert before.exit_code == 0, before.output
    assert {p["status"] for p in status_document(before)["profiles"]} == {"absent"}
    assert world.apply().exit_code == 0
    result = world.cli("status", "--format", "json", str(world.manifests))
    assert result.exit_code == 0, result.output
    doc = status_document(result)
    assert {p["name"] for p in doc["profiles"]} == {"acme-sales", "acme-support"}
    assert {p["evaluation"] for p in doc["profiles"]} == {"compliant"}
    assert doc["pending"] == 2


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
    doc = status_document(result)
    assert doc["pending"] == 0
    assert {p["status"] for p in doc["profiles"]} == {"twilio-approved"}


def test_status_wait_times_out(make_world):
    world = make_world(review_mode="manual")
    declare_acme(world)
    assert world.apply().exit_code == 0
    started = time.monotonic()
    result = world.cli(
        "status", "--wait", "--interval", "0.1", "--timeout", "0.5", str(world.manifests)
    )
    assert result.exit_code == 1
    assert "timed out" in result.output and "acme-sales" in result.output
    assert time.monotonic() - started < 10


def test_an_account_document_picks_the_credentials(world: World):
    """Manifests scoped by an Account document are applied with that account's
    credentials (here: its auth token from the variable the document names)."""
    declare_acme(world)
    account = {
        "apiVersion": "cnamctl/v1",
        "kind": "Account",
        "name": "main",
        "sid": ACCOUNT,
        "credentials": {"authTokenEnv": "E2E_MAIN_TOKEN"},
    }
    path = world.manifests / "cnam.yaml"
    path.write_text(yaml.safe_dump(account, sort_keys=False) + "---\n" + path.read_text())
    world.env.update(TWILIO_AUTH_TOKEN="not-the-token", E2E_MAIN_TOKEN=TOKEN)
    result = world.apply()
    assert result.exit_code == 0, result.output
    assert set(world.products()) == {"acme-sales", "acme-support"}
    status = world.cli("status", str(world.manifests))
    assert status.exit_code == 0, status.output
    assert "acme-sales" in status.output
    world.assert_no_secret_in(result.output + status.output)


def test_several_accounts_one_failing_does_not_stop_the_others(make_world):
    """Two Account directories; the second one's token is wrong. The first is
    applied, the second reported, the exit code is 1, and JSON has both."""
    other = "AC" + "f" * 32
    doc = seed()
    doc["accounts"].append(
        {
            "sid": other,
            "auth_token": "other-token",
            "incoming_numbers": [number(90)],
            "business_profiles": [{"friendly_name": "Acme Corp", "status": "twilio-approved"}],
        }
    )
    world = make_world(doc)
    for name, sid, token_env in (("first", ACCOUNT, "E2E_FIRST"), ("second", other, "E2E_SECOND")):
        folder = world.manifests / name
        folder.mkdir()
        account = {
            "apiVersion": "cnamctl/v1",
            "kind": "Account",
            "name": name,
            "sid": sid,
            "credentials": {"authTokenEnv": token_env},
        }
        cnam = profile("brand", "ACME BRAND", [number(90 if name == "second" else 0)])
        business = {
            "apiVersion": "cnamctl/v1",
            "kind": "BusinessProfile",
            "name": "acme",
            "friendlyName": "Acme Corp",
            "phoneNumbers": cnam["phoneNumbers"],
        }
        (folder / "cnam.yaml").write_text(yaml.safe_dump_all([account, business, cnam]))
    world.env.update(E2E_FIRST=TOKEN, E2E_SECOND="wrong-token")

    result = world.apply("--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    first, second = doc["accounts"]
    assert first["account_sid"] == ACCOUNT and first["error"] is None
    assert first["result"]["ok"] and first["result"]["summary"]["applied"] == 7
    assert second["result"] is None and "401" in second["error"]
    assert "second" in result.stderr and "wrong-token" not in result.output
    assert world.numbers_of("brand") == {number(0)}

    text = world.apply()  # first: nothing left to do; second: still failing
    assert text.exit_code == 1
    assert "=== first" in text.output and "=== second" in text.output
    assert "No changes" in text.output
