"""The pytest plugin's ways to choose a seed and options, run as a user's project would."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pytest_run import run_pytest

SEED = """\
accounts:
  - sid: AC{digit}
    auth_token: t
    incoming_numbers: ["+12125550100"]
"""


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "proj" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    (tmp_path / "proj" / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers\n")
    return tmp_path / "proj"


def test_seed_and_options_from_fixtures_markers_and_relative_paths(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "tests/seeds/one.yaml": SEED.format(digit="1" * 32),
            "tests/conftest.py": """
                import pytest

                @pytest.fixture
                def twilio_emulator_seed():
                    return {"accounts": [{"sid": "AC" + "2" * 32, "auth_token": "t"}]}

                @pytest.fixture
                def twilio_emulator_options():
                    return {"latency_ms": 1}
            """,
            "tests/test_choices.py": """
                import pytest

                def test_conftest_fixtures(twilio_emulator):
                    assert twilio_emulator.account_sid == "AC" + "2" * 32
                    assert twilio_emulator.config.latency_ms == 1
                    assert twilio_emulator.config.review_mode == "manual"

                @pytest.mark.twilio_emulator("seeds/one.yaml", review_mode="auto-reject")
                def test_marker_wins(twilio_emulator):
                    assert twilio_emulator.account_sid == "AC" + "1" * 32
                    assert twilio_emulator.config.review_mode == "auto-reject"
                    assert twilio_emulator.config.latency_ms == 1

                @pytest.mark.twilio_emulator(set_env=False)
                def test_set_env_false(twilio_emulator, monkeypatch):
                    import os
                    assert os.environ.get("TWILIO_AUTH_TOKEN") != twilio_emulator.auth_token
            """,
        },
    )
    outcome = run_pytest(root, tmp_path / "report.xml")
    assert outcome.returncode == 0, outcome.output
    assert sorted(outcome.passed) == [
        "test_conftest_fixtures",
        "test_marker_wins",
        "test_set_env_false",
    ]


def test_a_wrong_marker_or_seed_fails_the_test_with_the_reason(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "tests/test_wrong.py": """
                import pytest

                @pytest.mark.twilio_emulator("a.yaml", "b.yaml")
                def test_two_seeds(twilio_emulator):
                    pass

                @pytest.mark.twilio_emulator("missing.yaml")
                def test_missing_seed(twilio_emulator):
                    pass

                @pytest.mark.twilio_emulator(review_moed="manual")
                def test_misspelt_option(twilio_emulator):
                    pass
            """,
        },
    )
    outcome = run_pytest(root, tmp_path / "report.xml")
    assert outcome.returncode == 1
    assert sorted(outcome.failed) == ["test_missing_seed", "test_misspelt_option", "test_two_seeds"]
    assert "takes at most one positional seed" in outcome.output
    assert "missing.yaml" in outcome.output
    assert "unknown emulator option(s): review_moed" in outcome.output


def test_the_plugin_can_be_disabled(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/test_x.py": "def test_x(twilio_emulator):\n    pass\n"})
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cnamctl\n")
    outcome = run_pytest(root, tmp_path / "report.xml")
    assert outcome.failed == ["test_x"]
    assert "fixture 'twilio_emulator' not found" in outcome.output
