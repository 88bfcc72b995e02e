"""docs/test-kit.md: its examples run, and it documents the API that is exported."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pytest_run import run_pytest

import cnamctl.testkit
from cnamctl.testkit import default_seed_path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "test-kit.md").read_text()
PYTHON = re.findall(r"```python\n(.*?)```", DOC, re.S)


def test_the_ten_line_example_passes_as_a_test(tmp_path: Path) -> None:
    ten_lines = PYTHON[0]
    body = [line for line in ten_lines.splitlines() if line.startswith("    ")]
    assert len(body) <= 14  # "ten lines": the test's body stays that short
    (tmp_path / "test_example.py").write_text(ten_lines)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    outcome = run_pytest(tmp_path, tmp_path / "report.xml")
    assert outcome.passed == ["test_a_cnam_product_is_submitted_and_approved"], outcome.output


def test_the_mock_twilio_example_runs(tmp_path: Path) -> None:
    example = next(block for block in PYTHON if "with mock_twilio(" in block)
    namespace: dict[str, object] = {}
    exec(compile(example, "docs/test-kit.md", "exec"), namespace)
    decorated = namespace["test_decorated"]
    assert callable(decorated)
    decorated()


def test_every_exported_name_is_documented() -> None:
    for name in cnamctl.testkit.__all__:
        assert f"`{name}" in DOC, name
    handle = {m for m in dir(cnamctl.testkit.TwilioEmulator) if not m.startswith("_")}
    for member in handle:
        assert f"`{member}" in DOC, member


def test_the_default_seed_table_is_the_default_seed() -> None:
    seed = yaml.safe_load(default_seed_path().read_text())
    (account,) = seed["accounts"]
    assert f"`{account['sid']}`, auth token `{account['auth_token']}`" in DOC
    assert account["sid"] == cnamctl.testkit.DEFAULT_ACCOUNT_SID
    assert account["auth_token"] == cnamctl.testkit.DEFAULT_AUTH_TOKEN
    numbers = account["incoming_numbers"]
    assert numbers[0] == "+14155550100" and "+14155550105" in numbers
    profiles = {p["friendly_name"]: p for p in account["business_profiles"]}
    assert profiles["Example Business"]["phone_numbers"][-1] == "+14155550104"
    assert profiles["Pending Business"]["status"] == "pending-review"
    for name in profiles:
        assert f'"{name}"' in DOC
