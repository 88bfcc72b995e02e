"""`cnamctl import --products ...` of a whole trust stack, and `plan` right after.

The account holds, on "Acme Corp": an approved CNAM product, an approved SHAKEN/STIR
product with a toll-free number, an approved Voice Integrity product whose counts
Twilio keeps as text, and the Console's "Acme SHAKEN" (its friendly name is no
manifest name: skipped, and left as it is). The contract: the files load, hold
what the account holds, and the plan on them right after changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.seeds import SHAKEN_POLICY_SID
from trust_world import CONSOLE_SHAKEN, NUMBERS, TOLL_FREE, World, trust_seed

from cnamctl.manifest import load_manifests
from cnamctl.policies import VOICE_INTEGRITY_POLICY_SID

SALES, CALLS, REACH = NUMBERS[:4], [*NUMBERS[:6], TOLL_FREE], NUMBERS[:3]
ATTRIBUTES = {
    "use_case": "Appointment reminders",
    "business_employee_count": "40",
    "average_business_day_call_volume": "1200",
    "notes": "clinics",
}


def _seed() -> dict[str, Any]:
    approved = {"status": "twilio-approved", "business_profile": "Acme Corp"}
    data = trust_seed(
        trust_products=[
            {**approved, "friendly_name": "acme-sales", "display_name": "ACME SALES",
             "phone_numbers": SALES},
            {**approved, "friendly_name": "acme-calls", "policy_sid": SHAKEN_POLICY_SID,
             "phone_numbers": CALLS},
            {**approved, "friendly_name": "acme-reach", "policy_sid": VOICE_INTEGRITY_POLICY_SID,
             "attributes": ATTRIBUTES, "phone_numbers": REACH},
        ]
    )  # fmt: skip
    data["accounts"][0]["business_profiles"][0]["phone_numbers"] = [*NUMBERS, TOLL_FREE]
    return data


@pytest.fixture
def imported(make_world: Any, tmp_path: Path) -> tuple[World, Path, Any]:
    world = make_world(_seed())
    out = tmp_path / "imported"
    writes = world.writes()
    result = world.cli("import", "--out", str(out), "--products", "all")
    assert result.exit_code == 0, result.output
    assert world.writes() == writes  # import only reads
    return world, out, result


def test_every_kind_is_imported_and_loads(imported: Any) -> None:
    _, out, result = imported
    manifests = load_manifests([out])
    assert sorted(manifests.cnam_profiles) == ["acme-sales"]
    assert sorted(manifests.shaken_stir_profiles) == ["acme-calls"]
    (reach,) = manifests.voice_integrity_profiles.values()
    assert (
        reach.use_case,
        reach.business_employee_count,
        reach.average_business_day_call_volume,
        reach.notes,
    ) == ("Appointment reminders", 40, 1200, "clinics")
    assert reach.phone_numbers == REACH
    assert manifests.shaken_stir_profiles["acme-calls"].phone_numbers == sorted(CALLS)
    # numbers held by any of its products are implied members of the business profile
    acme = manifests.business_profiles["acme-corp"]
    assert acme.phone_numbers == NUMBERS[6:]
    assert "1 SHAKEN/STIR profile" in result.stdout and "1 Voice Integrity profile" in result.stdout


def test_what_cannot_be_declared_is_reported(imported: Any) -> None:
    _, _, result = imported
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 1, skipped
    assert f"SHAKEN/STIR product {CONSOLE_SHAKEN!r}" in skipped[0]
    assert "not a valid manifest name" in skipped[0]


def test_plan_right_after_import_changes_nothing(imported: Any) -> None:
    world, out, _ = imported
    result = world.cli("plan", "--detailed-exitcode", str(out))
    assert result.exit_code == 0, result.output
    assert "No changes" in result.output
    assert "Trust stack of acme-corp: 21 numbers" in result.output
    assert "unmanaged SHAKEN/STIR product" in result.output  # Acme SHAKEN, left alone


def test_importing_again_writes_the_same_bytes(imported: Any, tmp_path: Path) -> None:
    world, out, _ = imported
    again = tmp_path / "again"
    assert world.cli("import", "--out", str(again), "--products", "all").exit_code == 0
    for path in out.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_by_default_only_cnam_is_imported(make_world: Any, tmp_path: Path) -> None:
    world = make_world(_seed())
    out = tmp_path / "cnam-only"
    result = world.cli("import", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "SHAKEN" not in result.output and "Voice Integrity" not in result.output
    manifests = load_manifests([out])
    assert not manifests.shaken_stir_profiles and not manifests.voice_integrity_profiles
    plan = world.cli("plan", "--detailed-exitcode", str(out))
    assert plan.exit_code == 0, plan.output  # SHAKEN/STIR and Voice Integrity out of scope


def test_an_unknown_product_kind_is_refused(make_world: Any, tmp_path: Path) -> None:
    world = make_world(_seed())
    result = world.cli("import", "--out", str(tmp_path / "x"), "--products", "cnam,stir")
    assert result.exit_code == 1
    assert "--products: stir is not one of cnam, shaken-stir, voice-integrity, all" in result.output
    assert not (tmp_path / "x").exists()
