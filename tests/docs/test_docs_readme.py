"""The README's example is real: its manifest, planned with the command it shows on
a fresh embedded emulator, prints exactly the output it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnamctl.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
EXAMPLE = README.split("## Example", 1)[1].split("\n## ", 1)[0]


def block(language: str) -> str:
    match = re.search(rf"^```{language}\n(.*?)^```$", EXAMPLE, re.S | re.M)
    assert match, f"no ```{language} block in the README's example"
    return match.group(1)


def test_the_readme_example_prints_what_the_readme_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = re.search(r"^`(manifests/[\w.-]+\.yaml)`:$", EXAMPLE, re.M)
    assert file, "the example names the file its manifest is in"
    (tmp_path / file.group(1)).parent.mkdir(parents=True)
    (tmp_path / file.group(1)).write_text(block("yaml"))
    command, shown = block("text").split("\n", 1)
    assert command.startswith("$ cnamctl ")
    args = shlex.split(command.removeprefix("$ cnamctl "))
    monkeypatch.chdir(tmp_path)
    env = {"CNAMCTL_EMULATOR_DB": str(tmp_path / "emulator.sqlite"), "NO_COLOR": "1"}
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == shown


def test_the_readme_output_fits_100_columns() -> None:
    assert all(len(line) <= 100 for line in block("text").splitlines())


def test_the_plan_format_page_shows_the_same_output() -> None:
    page = (ROOT / "docs" / "plan-format.md").read_text()
    text_section = page.split("\n## Text\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"^```\n(.*?)^```$", text_section, re.S | re.M)
    assert match, "docs/plan-format.md has a text example"
    assert match.group(1) == block("text").split("\n", 1)[1]


def test_the_plan_of_the_example_manifests_fits_100_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick start's plans, before and after apply, in text and markdown."""
    monkeypatch.chdir(ROOT)
    env = {"CNAMCTL_EMULATOR_DB": str(tmp_path / "emulator.sqlite"), "NO_COLOR": "1"}
    runner = CliRunner()
    outputs = []
    for _ in ("before apply", "after apply"):
        for extra in ([], ["--full"], ["--format", "markdown"]):
            result = runner.invoke(main, ["plan", "--emulator", *extra, "manifests/"], env=env)
            assert result.exit_code == 0, result.output
            outputs.append(result.stdout)
        applied = runner.invoke(
            main, ["apply", "--emulator", "--auto-approve", "manifests/"], env=env
        )
        assert applied.exit_code == 0, applied.output
    assert "+ CnamProfile acme-sales" in outputs[0] and "= CnamProfile acme-sales" in outputs[3]
    for text in outputs[:2] + outputs[3:5]:
        assert all(len(line) <= 100 for line in text.splitlines()), text
    for markdown in (outputs[2], outputs[5]):
        fenced = re.findall(r"^```diff\n(.*?)^```$", markdown, re.S | re.M)
        assert all(len(line) <= 100 for block in fenced for line in block.splitlines())
