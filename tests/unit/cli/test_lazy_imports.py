"""`cnamctl --help` and shell completion start without the heavy libraries.

Each case runs in a fresh interpreter (this process has imported everything
already) and lists which of the libraries ended up in ``sys.modules``. Not a
timing test: what is imported is what makes start-up slow, and it is exact.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("twilio", "rich", "pydantic", "werkzeug", "requests", "yaml", "phonenumbers")

_REPORT = """
import json, sys
{work}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))))
"""


def _heavy_after(work: str, env: dict[str, str] | None = None) -> list[str]:
    code = _REPORT.format(work=work, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_imports_no_heavy_library() -> None:
    assert _heavy_after("import cnamctl.cli.app") == []


def test_top_level_help_loads_every_command_without_them() -> None:
    work = """
from cnamctl.cli.app import main
try:
    main(["--help"], prog_name="cnamctl")
except SystemExit:
    pass
"""
    assert _heavy_after(work) == []


@pytest.mark.parametrize(
    "words",
    [
        "cnamctl pl",
        "cnamctl plan --f",
        "cnamctl apply --",
        "cnamctl emulator serve --fault",
        "cnamctl -v status --",
        "cnamctl verify --",
        "cnamctl accounts --",
        "cnamctl init --",
        "cnamctl verify-caller-ids --",
    ],
)
def test_shell_completion_imports_none_of_them(words: str) -> None:
    work = """
from cnamctl.cli.app import main
try:
    main([], prog_name="cnamctl")
except SystemExit:
    pass
"""
    env = {
        "_CNAMCTL_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    assert _heavy_after(work, env) == []


def test_each_command_help_still_shows_its_defaults() -> None:
    """The defaults that moved to light modules are the ones the commands use."""
    from click.testing import CliRunner

    from cnamctl.apply.executor import ApplySettings
    from cnamctl.cli.app import main

    result = CliRunner().invoke(main, ["apply", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    settings = ApplySettings()
    assert f"[default: {settings.concurrency}" in text
    assert f"[default: {settings.max_rps}" in text
    assert f"[default: {settings.settle_seconds}" in text


def test_commands_listed_are_the_commands_loaded() -> None:
    from cnamctl.cli.app import COMMANDS, main

    for name in COMMANDS:
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.name == name
        assert any(p.name == "verbose" for p in command.params)  # the global options


def test_every_command_module_is_in_the_table() -> None:
    """A command written in ``cli/*_cmd.py`` but missing from COMMANDS would never run."""
    import importlib
    import pkgutil

    import click

    import cnamctl.cli
    from cnamctl.cli.app import COMMANDS

    defined = set()
    for info in pkgutil.iter_modules(cnamctl.cli.__path__):
        if not info.name.endswith("_cmd"):
            continue
        module = importlib.import_module(f"cnamctl.cli.{info.name}")
        commands = {a: v for a, v in vars(module).items() if isinstance(v, click.Command)}
        below = {
            id(c)
            for g in commands.values()
            if isinstance(g, click.Group)
            for c in g.commands.values()
        }
        defined |= {(module.__name__, a) for a, c in commands.items() if id(c) not in below}
    assert defined, "no command module found"
    assert defined - set(COMMANDS.values()) == set()
