"""Trusted calling end to end: CNAM, SHAKEN/STIR and Voice Integrity from one set of
manifests, against the emulator through the real twilio SDK.

The scenarios of issue 14: from empty, an idempotent re-apply, a rejected Voice
Integrity product fixed in place, a SHAKEN/STIR product whose numbers move, and
(test_trust_import.py) the import round trip. In each, the Console-made SHAKEN/STIR
product "Acme SHAKEN" that no manifest declares is left exactly as it was.
"""

from __future__ import annotations

import json
from typing import Any

from trust_world import (
    CNAM,
    CONSOLE_SHAKEN,
    NUMBERS,
    SHAKEN_STIR,
    TOLL_FREE,
    VOICE_INTEGRITY,
    World,
    cnam,
    shaken,
    voice,
)

SALES = NUMBERS[:4]
CALLS = [*NUMBERS[:6], TOLL_FREE]
REACH = NUMBERS[:3]


def declare_stack(world: World, **voice_fields: Any) -> None:
    world.declare(
        cnam("acme-sales", "ACME SALES", SALES),
        shaken("acme-calls", CALLS),
        voice("acme-reach", REACH, **voice_fields),
    )


def wait_for_reviews(world: World) -> None:
    result = world.cli(
        "status", "--wait", "--interval", "0.1", "--timeout", "30", str(world.manifests)
    )
    assert result.exit_code == 0, result.output


def test_from_empty_the_whole_stack_is_created_submitted_and_approved(world: World):
    console = world.products(SHAKEN_STIR)[CONSOLE_SHAKEN]
    declare_stack(world)

    plan = world.plan()
    assert plan.exit_code == 0, plan.output
    text = plan.output
    assert "+ ShakenStirProfile acme-calls" in text and "+ VoiceIntegrityProfile acme-reach" in text
    assert "Trust stack of acme: 7 numbers" in text
    assert "! 1 number in no CNAM product" not in text  # the toll-free one may not be on CNAM
    assert "n/a" in text  # ... and the stack says so
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "unmanaged SHAKEN/STIR product" in text  # the Console's, left alone

    result = world.apply()
    assert result.exit_code == 0, result.output
    wait_for_reviews(world)

    assert world.numbers_of(CNAM, "acme-sales") == set(SALES)
    assert world.numbers_of(SHAKEN_STIR, "acme-calls") == set(CALLS)
    assert world.numbers_of(VOICE_INTEGRITY, "acme-reach") == set(REACH)
    assert world.end_user_of(VOICE_INTEGRITY, "acme-reach") == {
        "use_case": "Appointment reminders",
        "business_employee_count": "40",
        "average_business_day_call_volume": "1200",
    }
    assert world.end_user_of(CNAM, "acme-sales") == {"cnam_display_name": "ACME SALES"}
    statuses = {
        spec.label: {name: p.status for name, p in world.products(spec).items()}
        for spec in (CNAM, SHAKEN_STIR, VOICE_INTEGRITY)
    }
    assert statuses == {
        "CNAM": {"acme-sales": "twilio-approved"},
        "SHAKEN/STIR": {"acme-calls": "twilio-approved", CONSOLE_SHAKEN: "twilio-approved"},
        "Voice Integrity": {"acme-reach": "twilio-approved"},
    }
    plan = world.assert_converged()
    (stack,) = plan["trust_stacks"]
    holders = {n["phone_number"]: n["products"] for n in stack["numbers"]}
    assert holders[NUMBERS[0]] == {
        "CnamProfile": "acme-sales",
        "ShakenStirProfile": "acme-calls",
        "VoiceIntegrityProfile": "acme-reach",
    }
    assert stack["missing"] == {
        "CnamProfile": NUMBERS[4:6],
        "VoiceIntegrityProfile": [*NUMBERS[3:6], TOLL_FREE],
    }
    world.console_shaken_untouched(console)

    status = world.cli("status", str(world.manifests))
    assert "acme-calls (SHAKEN/STIR)" in status.output
    assert "acme-reach (Voice Integrity)" in status.output


def test_a_second_apply_changes_nothing(world: World):
    declare_stack(world)
    assert world.apply().exit_code == 0
    wait_for_reviews(world)
    before = world.writes()

    again = world.apply()
    assert again.exit_code == 0, again.output
    assert "No changes" in again.output
    assert world.writes() == before
    world.assert_converged()


def test_manifests_without_trusted_calling_do_not_see_it(world: World):
    """Today's manifests: the SHAKEN/STIR policy is out of scope, not even read."""
    world.declare(cnam("acme-sales", "ACME SALES", SALES))
    result = world.plan("--format", "json")
    (only,) = json.loads(result.stdout)["accounts"]
    assert "SHAKEN" not in result.stdout
    assert "trust_stacks" not in only["plan"]
    requests = world.emulator.stats()["requests"]
    assert not any("PolicySid=" + SHAKEN_STIR.policy_sid in key for key in requests)


def test_a_rejected_voice_integrity_product_is_fixed_in_place(make_world):
    world = make_world(review_mode="manual")
    declare_stack(world)
    assert world.apply().exit_code == 0
    product = world.products(VOICE_INTEGRITY)["acme-reach"]
    world.approve_all()
    world.emulator.reject(product.sid, [18601])  # a person at Twilio rejects it

    plan = world.plan("--detailed-exitcode")
    assert plan.exit_code == 2, plan.output  # rejected: not as declared
    line = world.line_of("VoiceIntegrityProfile", "acme-reach", "businessProfile")
    words = " ".join(plan.output.split())
    assert "was rejected by Twilio: 18601 (business name and website are not associated" in words
    assert f"(line {line.split(':')[1]})" in words  # at the businessProfile line
    assert "1 product rejected by Twilio" in plan.output

    # the fix: tell the reviewer how the business and its website belong together
    declare_stack(world, notes="Acme Corp runs acme.example; reminders for its clinics")
    fix = world.plan_document()
    actions = sorted((c["address"], c["action"]) for c in fix["changes"])
    assert actions == [
        ("voice-integrity.acme-reach.end-user", "update-end-user"),
        ("voice-integrity.acme-reach.submit", "submit-for-review"),
    ]
    assert world.apply().exit_code == 0
    world.approve_all()

    fixed = world.products(VOICE_INTEGRITY)["acme-reach"]
    assert (fixed.sid, fixed.status) == (product.sid, "twilio-approved")  # the same product
    assert world.end_user_of(VOICE_INTEGRITY, "acme-reach")["notes"].startswith("Acme Corp runs")
    world.assert_converged()


def test_a_change_of_an_approved_products_information_goes_through_a_replacement(make_world):
    world = make_world(review_mode="manual")
    declare_stack(world)
    assert world.apply().exit_code == 0
    world.approve_all()
    old = world.products(VOICE_INTEGRITY)["acme-reach"]

    declare_stack(world, averageBusinessDayCallVolume=5000)
    plan = world.plan()
    assert "-/+ VoiceIntegrityProfile acme-reach" in plan.output
    assert "This plan discards Twilio vetting" in plan.output
    assert world.apply().exit_code == 0
    named = [
        p
        for p in world.snapshot().products_of(VOICE_INTEGRITY.policy_sid)
        if p.friendly_name == "acme-reach"
    ]
    replacement = next(p for p in named if p.sid != old.sid)
    assert replacement.status == "pending-review" and not replacement.number_assignments
    assert world.numbers_of_product(old.sid) == set(REACH)  # still registered on the old one
    world.approve_all()
    assert world.apply().exit_code == 0  # the numbers move, the old product goes
    new = world.products(VOICE_INTEGRITY)["acme-reach"]
    assert new.sid != old.sid and new.status == "twilio-approved"
    assert world.numbers_of(VOICE_INTEGRITY, "acme-reach") == set(REACH)
    attributes = world.end_user_of(VOICE_INTEGRITY, "acme-reach")
    assert attributes["average_business_day_call_volume"] == "5000"
    world.assert_converged()


def test_numbers_move_between_shaken_stir_products(world: World):
    east, west = NUMBERS[:5], NUMBERS[5:9]
    world.declare(shaken("calls-east", east), shaken("calls-west", west))
    assert world.apply().exit_code == 0
    wait_for_reviews(world)

    # two numbers move east -> west, one more joins west, one leaves east (pruned)
    moved = east[3:]
    world.declare(
        shaken("calls-east", east[:2]),
        shaken("calls-west", [*moved, *west, NUMBERS[9]]),
        settings={"shakenStirNumbers": True},
    )
    plan = world.plan_document()
    by_action: dict[str, list[str]] = {}
    for change in plan["changes"]:
        by_action.setdefault(change["action"], []).append(change["address"])
    assert sorted(by_action["unassign-product-number"]) == sorted(
        [f'shaken-stir.calls-east.number["{n}"]' for n in east[2:]]
    )
    assert sorted(by_action["assign-product-number"]) == sorted(
        f'shaken-stir.calls-west.number["{n}"]' for n in [*moved, NUMBERS[9]]
    )
    assert plan["safety"]["needs_force"] is False
    result = world.apply()
    assert result.exit_code == 0, result.output

    assert world.numbers_of(SHAKEN_STIR, "calls-east") == set(east[:2])
    assert world.numbers_of(SHAKEN_STIR, "calls-west") == {*moved, *west, NUMBERS[9]}
    products = world.products(SHAKEN_STIR)
    assert {products[n].status for n in ("calls-east", "calls-west")} == {"twilio-approved"}
    world.assert_converged()


def test_a_move_onto_a_shaken_stir_product_in_review_waits(make_world):
    world = make_world(review_mode="manual")
    world.declare(shaken("calls-east", NUMBERS[:2]), shaken("calls-west", NUMBERS[2:4]))
    assert world.apply().exit_code == 0  # both submitted, in review

    world.declare(shaken("calls-east", NUMBERS[:1]), shaken("calls-west", NUMBERS[1:4]))
    plan = world.plan()
    assert plan.exit_code == 0, plan.output
    assert "No changes" in plan.output
    assert "assigned once the product leaves pending-review" in plan.output
    world.approve_all()
    assert world.apply().exit_code == 0
    assert world.numbers_of(SHAKEN_STIR, "calls-west") == set(NUMBERS[1:4])
    world.assert_converged()


def test_an_undeclared_shaken_stir_product_is_pruned_only_when_asked(world: World):
    console = world.products(SHAKEN_STIR)[CONSOLE_SHAKEN]
    world.declare(shaken("acme-calls", NUMBERS[:2]))
    plan = world.plan()
    assert "1 unmanaged SHAKEN/STIR product left alone (prune.shakenStirProfiles is off)" in (
        plan.output
    )
    assert world.apply().exit_code == 0
    world.console_shaken_untouched(console)

    world.declare(shaken("acme-calls", NUMBERS[:2]), settings={"shakenStirProfiles": True})
    plan = world.plan()
    assert "deletes approved SHAKEN/STIR product 'Acme SHAKEN'" in plan.output.replace("\n", " ")
    assert world.apply().exit_code == 0
    assert CONSOLE_SHAKEN not in world.products(SHAKEN_STIR)
