"""A bad manifest given to the embedded emulator (`--emulator`) changes nothing on
disk: the manifests are read before the emulator opens (and creates) its database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cnamctl.cli.app import main

BAD = "apiVersion: cnamctl/v1\nkind: CnamProfile\nname: x\n"  # most fields missing


@pytest.mark.parametrize("command", ["plan", "apply", "status"])
def test_a_bad_manifest_creates_no_emulator_database(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("m/bad.yaml").write_text(BAD)
    args = [command, "--emulator", "m"] + (["--auto-approve"] if command == "apply" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "m/bad.yaml:" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
