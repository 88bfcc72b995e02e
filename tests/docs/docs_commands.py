"""Find `cnamctl ...` command lines in shell snippets and check them against the CLI.

A command line counts when `cnamctl` is the command word: first on the line, or
right after a shell operator (`|`, `&&`, `;`, ...). Its arguments run up to the
next operator or redirection. ``check`` resolves the subcommand path through the
click groups, runs ``<path> --help`` and parses the remaining arguments with the
real command (without invoking it), so a renamed command or option fails the test.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

import click
from click.testing import CliRunner

from cnamctl.cli.app import main

_OPERATORS = {"|", "||", "&", "&&", ";", ";;", "(", ")", "{", "}", "`", "$("}
_REDIRECTS = {">", ">>", "<", "<<", ">&", "<&", "&>", ">|"}


@dataclass(frozen=True)
class CommandLine:
    source: str
    args: tuple[str, ...]  # after the word `cnamctl`

    def __str__(self) -> str:
        return f"{self.source}: cnamctl {' '.join(self.args)}"


_VARIABLE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")


def command_lines(
    script: str, source: str, env: Mapping[str, object] | None = None
) -> list[CommandLine]:
    """``env``: the variables the CI sets (a workflow's ``env``, a pipeline's
    ``variables``); an argument that is one of them (``"$SHARDS"``) is read as its value."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        if "cnamctl" not in line:
            continue
        lexer = shlex.shlex(line.replace("$(", "( "), posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
        for i, token in enumerate(tokens):
            if token == "cnamctl" and (i == 0 or tokens[i - 1] in _OPERATORS):
                args = [_expand(a, env or {}) for a in _arguments(tokens[i + 1 :])]
                found.append(CommandLine(source, tuple(args)))
    return found


def _arguments(tokens: list[str]) -> list[str]:
    args: list[str] = []
    for token in tokens:
        if token in _OPERATORS or token in _REDIRECTS:
            if token in _REDIRECTS and args and args[-1].isdigit():
                args.pop()  # the "2" of "2>"
            break
        args.append(token)
    return args


def _expand(arg: str, env: Mapping[str, object]) -> str:
    match = _VARIABLE.match(arg)
    name = match and (match.group(1) or match.group(2))
    return str(env[name]) if name and name in env else arg


def check(command: CommandLine) -> list[str]:
    """The subcommand path, after checking that it exists, answers --help and
    accepts the arguments given."""
    root = main.make_context("cnamctl", [], resilient_parsing=True)
    group: click.Command = main
    args = list(command.args)
    if args in (["--version"], ["--help"], ["-h"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, f"{command}: exited {result.exit_code}"
        return []
    while args and args[0].startswith("-"):  # global options, e.g. -v
        assert args[0] in {"-v", "-vv", "--verbose", "-q", "--quiet"}, str(command)
        args.pop(0)
    path: list[str] = []
    while isinstance(group, click.Group) and args and not args[0].startswith("-"):
        sub = group.get_command(root, args[0])
        assert sub is not None, f"{command}: no command {' '.join([*path, args[0]])!r}"
        path.append(args.pop(0))
        group = sub
    assert path, f"{command}: names no command"
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, f"{command}: --help exited {result.exit_code}"
    if not isinstance(group, click.Group):
        group.make_context(path[-1], args, parent=root)  # raises on unknown options
    return path
