from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnamctl.manifest import manifest_json_schema


def test_valid_manifests_print_a_summary(run_cli, fixtures: Path) -> None:
    repo = fixtures.parents[2]
    result = run_cli("validate", str(repo / "manifests"))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "2 files, 5 resources: 1 BusinessProfile, 2 CnamProfile, 2 OutgoingCallerId — valid\n"
    )


def test_summary_counts_settings_and_singulars(run_cli, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("apiVersion: cnamctl/v1\nkind: Settings\n")
    result = run_cli("validate", str(tmp_path / "s.yaml"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 file, 1 resource: 1 Settings — valid\n"


def test_problems_exit_1_with_a_count(run_cli, fixtures: Path, monkeypatch) -> None:
    monkeypatch.chdir(fixtures / "bad")
    result = run_cli("validate", "bad-many-problems.yaml", "bad-duplicate-key.yaml")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        lines[0]
        == "error: bad-duplicate-key.yaml:7: duplicate key 'friendlyName' (first at line 4)"
    )
    assert lines[-1] == "7 problems found"
    assert result.stdout == ""


def test_json_format(run_cli, fixtures: Path, monkeypatch) -> None:
    monkeypatch.chdir(fixtures / "bad")
    result = run_cli("validate", "--format", "json", "bad-duplicate-key.yaml", "nope")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"file": None, "line": None, "message": "nope: no such file or directory"},
        {
            "file": "bad-duplicate-key.yaml",
            "line": 7,
            "message": "duplicate key 'friendlyName' (first at line 4)",
        },
    ]


def test_json_format_when_valid(run_cli, fixtures: Path) -> None:
    result = run_cli("validate", "--format", "json", str(fixtures / "good" / "multi-doc.yaml"))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_nonexistent_path(run_cli, tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'nope'}: no such file or directory" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [["validate"], ["validate", "--format", "xml", "x"]])
def test_usage_errors(run_cli, args: list[str]) -> None:
    assert run_cli(*args).exit_code == 1  # usage errors are 1: 2 means "changes"


def test_schema_command(run_cli) -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == manifest_json_schema()


def test_validate_is_offline_and_needs_no_credentials(run_cli, fixtures: Path, monkeypatch) -> None:
    import socket

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("validate must not touch the network")

    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = run_cli("validate", str(fixtures.parents[2] / "manifests"))
    assert result.exit_code == 0, result.output
