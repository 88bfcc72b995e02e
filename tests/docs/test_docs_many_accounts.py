"""docs/many-accounts.md: its example tree is the one shown file by file, its
`cnamctl accounts` sessions print what the page says, its JSON is the first job of
the matrix, and every command it names exists."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from docs_commands import check, command_lines

from cnamctl.cli.app import main

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "many-accounts.md").read_text()
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
ACCOUNTS = {"acme": ("1", 4), "globex": ("2", 1), "initech": ("3", 2)}


def blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(PAGE) if lang == kind]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The page's example: acme (4 numbers), globex (1), initech (2)."""
    monkeypatch.chdir(tmp_path)
    for i, (name, (digit, count)) in enumerate(ACCOUNTS.items()):
        directory = Path("manifests/customers") / name
        directory.mkdir(parents=True)
        (directory / "account.yaml").write_text(
            f"apiVersion: cnamctl/v1\nkind: Account\nname: {name}\nsid: AC{digit * 32}\n"
        )
        numbers = ", ".join(f'"+1415555{i}{n:03d}"' for n in range(count))
        (directory / "cnam.yaml").write_text(
            "apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: main\n"
            f"friendlyName: {name.title()} Corp\n---\n"
            "apiVersion: cnamctl/v1\nkind: CnamProfile\nname: brand\nbusinessProfile: main\n"
            f"displayName: {name.upper()}\nemail: trust@{name}.example\n"
            f"phoneNumbers: [{numbers}]\n"
        )
    return tmp_path


def test_the_files_shown_are_the_example_tree(tree: Path):
    shown = [b for b in blocks("yaml") if b.startswith("# manifests/")]
    assert len(shown) == 2
    for block in shown:
        first, rest = block.split("\n", 1)
        assert (tree / first.removeprefix("# ")).read_text() == rest


def test_the_sessions_print_what_the_page_says(tree: Path):
    (session,) = blocks("console")
    runs = re.split(r"^\$ ", session, flags=re.M)[1:]
    assert len(runs) == 2
    for run in runs:
        command, expected = run.split("\n", 1)
        words = shlex.split(command)
        assert words[0] == "cnamctl"
        result = CliRunner().invoke(main, words[1:])
        assert result.exit_code == 0, result.output
        assert result.stdout == expected


def test_the_json_shown_is_the_first_job_of_two_shards(tree: Path):
    (shown,) = blocks("json")
    result = CliRunner().invoke(
        main, ["accounts", "--format", "json", "--shards", "2", "manifests/"]
    )
    assert result.exit_code == 0
    assert json.loads(shown) == json.loads(result.stdout)["include"][0]


def test_every_command_on_the_page_exists():
    commands = []
    for _lang, body in BLOCK.findall(PAGE):
        script = "\n".join(line.removeprefix("$ ") for line in body.splitlines())
        commands += command_lines(script, "many-accounts.md")
    assert {c.args[0] for c in commands} >= {"accounts"}
    for command in commands:
        check(command)
    named = {m.split()[1] for m in re.findall(r"`cnamctl [a-z-]+", PAGE)}  # in the prose
    assert named == {"accounts", "apply", "plan"}
    for name in named:
        assert main.get_command(main.make_context("cnamctl", [], resilient_parsing=True), name)
