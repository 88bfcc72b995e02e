"""`cnamctl verify` end to end: the real CLI and twilio SDK against the emulator, whose
CNAM database learns an approved name `cnam_propagation_delay` after approval. Time
moves only when a test advances the emulator's clock."""

from __future__ import annotations

import json
from typing import Any

import pytest
from verify_world import ACCOUNT, DISPLAY, HOUR, NUMBERS, TOKEN, VerifyWorld

from cnamctl.plan.render.layout import fits

SAMPLE = 3


def profile_of(document: dict[str, Any]) -> dict[str, Any]:
    (account,) = document["accounts"]
    assert account["error"] is None
    (profile,) = account["profiles"]
    return profile


def test_a_fresh_approval_reads_as_propagating_then_confirmed_after_the_delay(world):
    world.approve()  # 10 hours ago, for cnamctl; the name reaches Lookup an hour later
    first = world.verify(fmt="text")
    assert first.exit_code == 0, first.output
    sampled = NUMBERS[:SAMPLE]
    rows = [line.split()[:2] for line in first.stdout.splitlines() if line.startswith("  +")]
    assert rows == [[n, "propagating"] for n in sampled]
    assert "names take 48-72 hours: expect it by" in first.stdout
    assert all(fits(line) for line in first.stdout.splitlines())
    assert world.lookups() == SAMPLE

    world.clock.advance(HOUR)
    statuses = world.statuses("--no-cache")  # the cached "no name yet" answers are ignored
    assert [statuses[n] for n in sampled] == ["confirmed"] * SAMPLE
    assert [statuses[n] for n in NUMBERS[SAMPLE:]] == ["not-checked"] * (len(NUMBERS) - SAMPLE)
    assert world.lookups() == 2 * SAMPLE
    text = world.verify(fmt="text").stdout
    assert f"'{DISPLAY}' confirmed in Twilio Lookup (looked up just now, cached)" in text
    assert "shown on every phone" not in text


def test_not_branded_numbers_cost_no_lookup(world):
    statuses = world.statuses()
    assert set(statuses.values()) == {"not-branded"}
    assert world.lookups() == 0
    numbers = profile_of(world.report())["numbers"]
    assert numbers[0]["reason"] == f"on {world.product_sid()} (in-review), not approved yet"
    assert numbers[0]["lookup"] is None and numbers[0]["product"] is None
    assert "8 not branded yet." in world.verify(fmt="text").stdout


def test_approved_long_ago_without_the_name_is_a_mismatch(make_world):
    world = make_world(hours_back=100, cnam_propagation_delay=30 * 24 * HOUR)
    world.approve()
    world.clock.advance(HOUR)
    result = world.verify("--detailed-exitcode")
    assert result.exit_code == 2, result.output
    numbers = profile_of(json.loads(result.stdout))["numbers"]
    mismatched = [n for n in numbers if n["status"] == "mismatch"]
    assert len(mismatched) == SAMPLE
    assert mismatched[0]["lookup"]["caller_name"] is None
    assert "holds no name" in mismatched[0]["reason"] and "4 days after" in mismatched[0]["reason"]
    assert mismatched[0]["registered_since_from"] == "the product's date_updated"
    assert world.verify().exit_code == 0  # without --detailed-exitcode a mismatch is no error


def rename_in_the_console(world: VerifyWorld, name: str) -> None:
    """What a person does in the Console: an approved product cannot be edited (60711),
    so a new one with another name takes the numbers."""
    hub = world.client.trusthub.v1
    old = world.product_sid()
    user = hub.end_users.create(
        friendly_name="console", type="cnam_information", attributes={"cnam_display_name": name}
    )
    (profile,) = hub.customer_profiles.list(friendly_name="Acme Corp")
    product = hub.trust_products.create(
        friendly_name="console-brand",
        email="ops@acme.example",
        policy_sid="RNf3db3cd1fe25fcfd3c3ded065c8fea53",
    )
    hub.trust_products(product.sid).trust_products_entity_assignments.create(object_sid=profile.sid)
    hub.trust_products(product.sid).trust_products_entity_assignments.create(object_sid=user.sid)
    world.emu.catch_up()
    old_numbers = hub.trust_products(old).trust_products_channel_endpoint_assignment
    new_numbers = hub.trust_products(product.sid).trust_products_channel_endpoint_assignment
    for assignment in old_numbers.list():
        old_numbers(assignment.sid).delete()
        new_numbers.create(
            channel_endpoint_type="phone-number",
            channel_endpoint_sid=assignment.channel_endpoint_sid,
        )
    world.emu.approve(product.sid)


def test_a_product_renamed_out_of_band_reads_as_mismatch(make_world):
    world = make_world(hours_back=100)
    world.approve()
    world.clock.advance(HOUR)
    assert set(world.statuses().values()) == {"confirmed", "not-checked"}

    rename_in_the_console(world, "OTHER NAME")
    numbers = profile_of(world.report("--no-cache"))["numbers"]
    still = [n for n in numbers if n["status"] == "confirmed"]  # the old name answers
    assert len(still) == SAMPLE  # until the new one has propagated
    assert "Twilio now registers 'OTHER NAME'" in still[0]["reason"]

    world.clock.advance(HOUR)
    result = world.verify("--no-cache", "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    numbers = profile_of(json.loads(result.stdout))["numbers"]
    mismatched = [n for n in numbers if n["status"] == "mismatch"]
    assert len(mismatched) == SAMPLE
    assert mismatched[0]["lookup"]["caller_name"] == "OTHER NAME"
    assert mismatched[0]["registered_name"] == "OTHER NAME"
    assert "not the declared 'ACME SALES'" in mismatched[0]["reason"]


@pytest.mark.parametrize("budget", [0, 1, 3, 5])
def test_the_budget_is_never_exceeded(make_world, budget):
    world = make_world(cnam_propagation_delay=0)
    world.approve()
    document = world.report("--all", "--max-lookups", str(budget))
    assert world.lookups() == budget  # every attempt the emulator saw
    assert world.billed() == budget
    assert document["lookups"] == {
        "budget": budget,
        "from_cache": 0,
        "sample": None,
        "sent": budget,
    }
    statuses = [n["status"] for n in profile_of(document)["numbers"]]
    assert statuses.count("confirmed") == budget
    assert statuses.count("not-checked") == len(NUMBERS) - budget
    text = world.verify("--all", "--max-lookups", str(budget), "--no-cache", fmt="text").stdout
    if budget < len(NUMBERS):
        assert "the lookup budget is spent (raise --max-lookups)" in text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_retries_count_against_the_budget(make_world, seed):
    """Half the requests fail with 500: reads are retried as always, lookups only while
    the budget has room, and no attempt goes past it."""
    world = make_world(
        cnam_propagation_delay=0, fault_rate=0.5, fault_kinds=("error-500",), fault_seed=seed
    )
    world.emu.update_config(fault_rate=0.0)
    world.approve()
    world.emu.update_config(fault_rate=0.5)
    result = world.verify("--all", "--max-lookups", "4")
    world.emu.update_config(fault_rate=0.0)
    assert world.lookups() <= 4
    assert world.billed() <= 4
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert "could not be verified" in result.stderr
        assert "failed" in result.stdout


def test_a_second_run_inside_the_cache_window_makes_no_lookup(world):
    world.approve()
    world.clock.advance(HOUR)
    first = world.report()
    assert world.lookups() == SAMPLE and first["lookups"]["sent"] == SAMPLE
    second = world.report()
    assert world.lookups() == SAMPLE  # nothing was sent
    assert second["lookups"] == {"budget": 100, "from_cache": SAMPLE, "sample": SAMPLE, "sent": 0}
    assert [n["status"] for n in profile_of(second)["numbers"][:SAMPLE]] == ["confirmed"] * SAMPLE
    assert all(n["lookup"]["cached"] for n in profile_of(second)["numbers"][:SAMPLE])

    world.report("--cache-ttl", "0s")  # nothing is young enough: the sample moves on
    assert world.lookups() == 2 * SAMPLE
    cleared = world.verify("--clear-cache", fmt="text")
    assert "Deleted the lookup cache" in cleared.stderr
    assert world.lookups() == 3 * SAMPLE


def test_the_cache_holds_no_credential(world):
    world.approve()
    world.report()
    (cache,) = world.cache.iterdir()
    text = cache.read_text()
    assert TOKEN not in text and ACCOUNT in text
    assert cache.stat().st_mode & 0o077 == 0
    entries = json.loads(text)["entries"]
    assert {e["phone_number"] for e in entries} == set(NUMBERS[:SAMPLE])
    assert {e["target"] for e in entries} == {world.running.base_url}


def test_a_corrupt_cache_is_a_warning_and_is_rewritten(world):
    world.approve()
    world.cache.mkdir()
    (world.cache / "lookups.json").write_text('{"format": "cnamctl-lookup-cache", "entries": [')
    result = world.verify(fmt="text")
    assert result.exit_code == 0, result.output
    assert "warning: ignoring the lookup cache" in result.stderr and "not JSON" in result.stderr
    assert world.lookups() == SAMPLE
    assert json.loads((world.cache / "lookups.json").read_text())["version"] == 1


def test_markdown_for_a_pull_request(world):
    world.approve()
    result = world.verify(fmt="markdown")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.startswith("## cnamctl verify: caller names in Twilio Lookup\n")
    assert "| number | status | Twilio Lookup holds | details |" in md
    assert f"| {NUMBERS[0]} | propagating | no name |" in md
    assert "5 more branded numbers not looked up" in md
