"""`plan -o FILE` then `apply FILE` end to end: the stale check names each field that
moved, another account's plan is called that, a changed file is refused, and a signed
plan needs its key. Nothing is written in any refused case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apply_world import ACCOUNT, TOKEN, World, number, profile, result_document, seed

from cnamctl.plan.saved import KEY_ENV

SALES = [number(i) for i in range(0, 4)]
OTHER = "AC" + "d" * 32


def declare(world: World) -> None:
    world.declare(profile("acme-sales", "ACME SALES", SALES, callerNameLookup=True))


def saved_plan(world: World, tmp_path: Path, *options: str) -> Path:
    path = tmp_path / "plan.json"
    result = world.cli("plan", *options, "-o", str(path), str(world.manifests))
    assert result.exit_code == 0, result.output
    assert (
        f"Plan saved to {path}; apply it with: cnamctl apply --api-url {world.base_url} {path}"
        in (result.stderr)
    )
    return path


def test_a_fresh_saved_plan_applies_without_confirmation(world: World, tmp_path: Path):
    declare(world)
    path = saved_plan(world, tmp_path)
    result = world.cli("apply", "--format", "json", str(path))
    assert result.exit_code == 0, result.output
    assert result_document(result)["summary"]["applied"] > 0
    world.assert_converged()


def test_a_stale_plan_names_each_object_and_field_that_moved(world: World, tmp_path: Path):
    declare(world)
    path = saved_plan(world, tmp_path)
    live = world.snapshot()
    touched = live.number_by_e164(SALES[0])
    assert touched is not None
    api = world.client.api.v2010.accounts(ACCOUNT)
    api.incoming_phone_numbers(touched.sid).update(voice_caller_id_lookup=True)
    before = world.writes()
    result = world.cli("apply", str(path))
    assert result.exit_code == 1
    assert world.writes() == before
    assert "stale plan: 1 object changed since" in result.stderr
    assert f"number '{SALES[0]}' ({touched.sid}):" in result.stderr
    assert "    voice_caller_id_lookup: false -> true" in result.stderr
    assert f"Save the plan again (cnamctl plan --api-url {world.base_url}" in result.stderr


def test_another_accounts_plan_is_called_that(make_world: Any, tmp_path: Path):
    doc = seed()
    doc["accounts"].append({"sid": OTHER, "auth_token": "other-token"})
    world = make_world(doc)
    declare(world)
    path = saved_plan(world, tmp_path)
    world.env.update(TWILIO_ACCOUNT_SID=OTHER, TWILIO_AUTH_TOKEN="other-token")
    before = world.writes()
    result = world.cli("apply", str(path))
    assert result.exit_code == 1
    assert f"{path} holds the plan of another account: default account is {ACCOUNT}" in (
        result.stderr
    )
    assert f"the credentials are for {OTHER}" in result.stderr
    assert "stale" not in result.stderr  # not mistaken for objects that changed
    assert world.writes() == before


def _edit(path: Path, change: Any) -> None:
    doc = json.loads(path.read_text())
    change(doc["accounts"][0]["plan"])
    path.write_text(json.dumps(doc, indent=2))


def test_a_hand_edited_email_or_raised_threshold_is_refused(world: World, tmp_path: Path):
    declare(world)
    path = saved_plan(world, tmp_path)
    original = path.read_text()

    def email(plan: dict[str, Any]) -> None:
        for change in plan["changes"]:
            if change["action"] == "create-trust-product":
                change["params"]["email"] = "attacker@evil.example"

    def thresholds(plan: dict[str, Any]) -> None:
        plan["safety"] = {"max_delete_percent": 100, "max_unassign_percent": 100, "min_existing": 1}

    for edit in (email, thresholds):
        path.write_text(original)
        _edit(path, edit)
        result = world.cli("apply", str(path))
        assert result.exit_code == 1
        assert f"{path} is not a usable cnamctl plan: it was changed after `cnamctl plan`" in (
            result.stderr
        )
        assert world.writes() == 0


def test_a_signed_plan_needs_the_key(world: World, tmp_path: Path):
    declare(world)
    world.env[KEY_ENV] = "a-long-random-ci-secret-0123456789"
    path = saved_plan(world, tmp_path)
    assert json.loads(path.read_text())["integrity"]["method"] == "hmac-sha256"
    del world.env[KEY_ENV]
    refused = world.cli("apply", str(path))
    assert refused.exit_code == 1 and "it is signed (hmac-sha256)" in refused.stderr
    assert world.writes() == 0
    world.env[KEY_ENV] = "a-long-random-ci-secret-0123456789"
    result = world.cli("apply", str(path))
    assert result.exit_code == 0, result.output
    assert TOKEN not in path.read_text()
    world.assert_converged()
