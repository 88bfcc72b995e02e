"""`cnamctl init`: the example manifests for a user who installed the wheel."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cnamctl.cli.app import main
from cnamctl.cli.init_cmd import example_manifests

ROOT = Path(__file__).resolve().parents[2]


def test_writes_the_repository_examples_and_says_what_next(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_text() for p in (tmp_path / "manifests").iterdir()}
    assert written == {p.name: p.read_text() for p in (ROOT / "manifests").iterdir()}
    assert result.output.splitlines() == [
        "Wrote 2 example manifests to manifests: acme.yaml, caller-ids.yaml",
        "Try them without a Twilio account: cnamctl plan --emulator manifests",
    ]
    assert CliRunner().invoke(main, ["validate", "manifests"]).exit_code == 0


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "acme.yaml").write_text("# my own work\n")
    refused = CliRunner().invoke(main, ["init", str(target)])
    assert refused.exit_code == 1
    assert "refusing to overwrite" in refused.output and "nothing was written" in refused.output
    assert (target / "acme.yaml").read_text() == "# my own work\n"
    assert not (target / "caller-ids.yaml").exists()
    forced = CliRunner().invoke(main, ["init", "--force", str(target)])
    assert forced.exit_code == 0
    assert (target / "acme.yaml").read_text() == example_manifests()["acme.yaml"]


def test_a_file_in_the_way_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "manifests").write_text("")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "manifests")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["-q", "init", str(tmp_path / "m")])
    assert result.exit_code == 0 and result.output == ""
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["acme.yaml", "caller-ids.yaml"]
