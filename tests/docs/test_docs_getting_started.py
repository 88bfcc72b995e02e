"""What docs/getting-started.md and the other user docs promise about the CLI:
--version, shell completion, and commands that exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from docs_commands import check, command_lines

from cnamctl.cli.app import main

DOCS = Path(__file__).resolve().parents[2] / "docs"
USER_DOCS = [
    "getting-started.md",
    "exit-codes.md",
    "ownership.md",
    "safety.md",
    "review-lifecycle.md",
    "cassettes.md",
]
GETTING_STARTED = (DOCS / "getting-started.md").read_text()
CODE_BLOCK = re.compile(r"^```(?:console|bash|sh|zsh|fish)\n(.*?)^```", re.S | re.M)


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"cnamctl, version {version('cnamctl')}\n"


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "complete -o nosort -F _cnamctl_completion cnamctl"),
        ("zsh", "#compdef cnamctl"),
        ("fish", "complete --no-files --command cnamctl"),
    ],
)
def test_the_documented_completion_lines_produce_a_script(shell: str, expected: str) -> None:
    assert f"_CNAMCTL_COMPLETE={shell}_source cnamctl" in GETTING_STARTED
    result = CliRunner().invoke(
        main, [], prog_name="cnamctl", env={"_CNAMCTL_COMPLETE": f"{shell}_source"}
    )
    assert result.exit_code == 0
    assert expected in result.stdout


def test_completion_completes_commands_and_options() -> None:
    def complete(words: str) -> list[str]:
        env = {
            "_CNAMCTL_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        result = CliRunner().invoke(main, [], prog_name="cnamctl", env=env)
        assert result.exit_code == 0
        return [line.split(",", 1)[1] for line in result.stdout.splitlines()]

    assert complete("cnamctl im") == ["import"]
    assert "--detailed-exitcode" in complete("cnamctl plan --d")
    assert complete("cnamctl plan --format ") == ["text", "json", "markdown"]


def test_the_installed_command_prints_its_completion_script() -> None:
    """The variable name comes from the installed script's name, not from click."""
    script = Path(sys.executable).with_name("cnamctl")
    if not script.exists():
        pytest.skip("cnamctl is not installed beside this interpreter")
    env = {**os.environ, "_CNAMCTL_COMPLETE": "bash_source"}
    result = subprocess.run([script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "_cnamctl_completion()" in result.stdout


@pytest.mark.parametrize("name", USER_DOCS)
def test_every_cnamctl_command_in_the_docs_exists(name: str) -> None:
    text = (DOCS / name).read_text()
    commands = []
    for block in CODE_BLOCK.findall(text):
        script = "\n".join(line.removeprefix("$ ") for line in block.splitlines())
        commands += command_lines(script, name)
    for command in commands:
        check(command)
    if name == "getting-started.md":
        assert {c.args[0] for c in commands} >= {"validate", "plan", "apply", "import"}
