"""docs/manifest-reference.md is generated from the models; it must be up to date."""

from __future__ import annotations

from pathlib import Path

from cnamctl.manifest import KINDS
from cnamctl.manifest.reference import render_reference

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "manifest-reference.md"


def test_the_committed_reference_is_the_generated_one() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == render_reference(), (
        "docs/manifest-reference.md is out of date: run "
        "`python -m cnamctl.manifest.reference > docs/manifest-reference.md`"
    )


def test_every_kind_and_every_key_is_documented() -> None:
    text = render_reference()
    for kind, model in KINDS.items():
        assert f"\n## {kind}\n" in text
        for field in model.model_fields.values():
            assert f"| `{field.alias}` |" in text or f".{field.alias}` |" in text, field.alias
    assert "| `prune.cnamProfiles` | boolean | no | `false` |" in text
    assert "At least one of `friendlyName` or `sid` is required." in text
