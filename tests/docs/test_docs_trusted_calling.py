"""docs/trusted-calling.md and docs/manifests.md show a real stack: the example file
they quote plans on a fresh embedded emulator as the page shows, applies, and plans
empty afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cnamctl.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "trusted-calling"
PAGE = (ROOT / "docs" / "trusted-calling.md").read_text()
MANIFESTS_PAGE = (ROOT / "docs" / "manifests.md").read_text()


def _blocks(text: str, language: str) -> list[str]:
    """The fenced blocks of ``language`` ("" for bare fences), fences paired in order."""
    found, body, info = [], None, ""
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            if body is None:
                body, info = [], line[3:].strip()
            else:
                if info == language:
                    found.append("".join(body))
                body = None
        elif body is not None:
            body.append(line)
    return found


def _documents(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if d]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CNAMCTL_EMULATOR_DB": str(tmp_path / "emulator.sqlite"), "NO_COLOR": "1"}


def test_the_page_quotes_the_example_file() -> None:
    (shown,) = _blocks(PAGE, "yaml")
    file = (EXAMPLE / "stack.yaml").read_text()
    assert _documents(shown) == _documents(file)
    assert shown in file  # the file only adds its opening comment


def test_the_manifests_page_quotes_the_same_products() -> None:
    section = MANIFESTS_PAGE.split("### ShakenStirProfile and VoiceIntegrityProfile", 1)[1]
    shown = _blocks(section.split("\n### ", 1)[0], "yaml")[0]
    kinds = {"ShakenStirProfile", "VoiceIntegrityProfile"}
    expected = [d for d in _documents((EXAMPLE / "stack.yaml").read_text()) if d["kind"] in kinds]
    assert _documents(shown) == expected


def test_the_trust_stack_shown_is_the_real_one(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["plan", "--emulator", str(EXAMPLE)], env=env)
    assert result.exit_code == 0, result.output
    (stack,) = _blocks(PAGE, "")
    assert stack in result.stdout
    assert all(len(line) <= 100 for line in result.stdout.splitlines())


def test_the_example_applies_and_then_plans_empty(env: dict[str, str]) -> None:
    runner = CliRunner()
    applied = runner.invoke(main, ["apply", "--emulator", "--auto-approve", str(EXAMPLE)], env=env)
    assert applied.exit_code == 0, applied.output
    assert "submit-for-review                3 applied" in applied.stdout
    again = runner.invoke(
        main, ["plan", "--emulator", "--detailed-exitcode", str(EXAMPLE)], env=env
    )
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout
    status = runner.invoke(main, ["status", "--emulator", str(EXAMPLE)], env=env)
    assert "acme-attested (SHAKEN/STIR)" in status.stdout
    assert "acme-reputation (Voice Integrity)" in status.stdout
