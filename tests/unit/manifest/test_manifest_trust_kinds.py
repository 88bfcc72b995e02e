"""ShakenStirProfile and VoiceIntegrityProfile: loaded, located, in the schema."""

from __future__ import annotations

import textwrap
from pathlib import Path

from jsonschema import Draft202012Validator

from cnamctl.errors import Location
from cnamctl.manifest import PruneSettings, load_manifests, manifest_json_schema
from cnamctl.policies import SHAKEN_STIR, SPECS, VOICE_INTEGRITY

STACK = """\
apiVersion: cnamctl/v1
kind: BusinessProfile
name: acme
friendlyName: Acme Corp
---
apiVersion: cnamctl/v1
kind: ShakenStirProfile
name: acme-calls
businessProfile: acme
email: trust@acme.example
phoneNumbers: ["(415) 555-0100", "+1 800 555 0100"]
---
apiVersion: cnamctl/v1
kind: VoiceIntegrityProfile
name: acme-reach
businessProfile: acme
email: trust@acme.example
useCase: Appointment reminders
businessEmployeeCount: 40
averageBusinessDayCallVolume: 1200
phoneNumbers: ["+14155550100"]
---
apiVersion: cnamctl/v1
kind: Settings
prune:
  shakenStirNumbers: true
"""


def _load(tmp_path: Path, text: str = STACK):
    path = tmp_path / "trust.yaml"
    path.write_text(textwrap.dedent(text))
    return load_manifests([path]), str(path)


def test_the_new_kinds_load_with_numbers_normalised_and_lines(tmp_path: Path) -> None:
    manifests, path = _load(tmp_path)
    calls = manifests.shaken_stir_profiles["acme-calls"]
    assert calls.phone_numbers == ["+14155550100", "+18005550100"]
    reach = manifests.voice_integrity_profiles["acme-reach"]
    assert (reach.business_employee_count, reach.notes) == (40, None)
    assert reach.loc("averageBusinessDayCallVolume") == Location(path, 20)
    assert manifests.profiles(SHAKEN_STIR) == {"acme-calls": calls}
    assert [p.name for p in manifests.trust_profiles()] == ["acme-calls", "acme-reach"]
    assert manifests.prune.numbers(SHAKEN_STIR) and not manifests.prune.products(SHAKEN_STIR)
    assert not manifests.prune.numbers(VOICE_INTEGRITY)


def test_every_policy_has_its_prune_switches() -> None:
    prune = PruneSettings()
    for spec in SPECS:
        assert prune.products(spec) is False and prune.numbers(spec) is False


def test_the_schema_accepts_them(tmp_path: Path) -> None:
    import yaml

    validator = Draft202012Validator(manifest_json_schema())
    for document in yaml.safe_load_all(STACK):
        assert list(validator.iter_errors(document)) == [], document["kind"]
    reach = manifest_json_schema()["$defs"]["VoiceIntegrityProfile"]
    assert reach["additionalProperties"] is False
    assert {"useCase", "businessEmployeeCount", "averageBusinessDayCallVolume"} <= set(
        reach["required"]
    )
