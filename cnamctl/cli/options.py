"""Options shared by several commands, defined once, and what commands print about them.

* ``target_options`` (``--api-url`` / ``--emulator``), ``paths_argument`` and
  ``format_option`` are the options several commands take.
* ``-v``/``-q`` are global options: ``cnamctl -v plan`` and ``cnamctl plan -v``
  mean the same. ``verbosity_params`` are added to every command by ``cli/app.py``;
  what they set is read back with ``verbosity()`` / ``is_quiet()``.
* ``hint()`` writes a command line for the user to copy, with the flags of the
  current run, so that a hint printed by an ``--emulator`` run says ``--emulator``.
"""

from __future__ import annotations

import functools
import os
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from click.core import ParameterSource

from cnamctl.errors import UsageError
from cnamctl.text import redact_url
from cnamctl.twilio.url import ApiUrl

F = Callable[..., Any]


def target_options(func: F) -> F:
    """--api-url / --emulator: where Twilio traffic goes."""
    func = click.option(
        "--emulator",
        "embedded",
        is_flag=True,
        help="Run against the embedded emulator (no server, no credentials); its state "
        "persists in .cnamctl/emulator.sqlite (or $CNAMCTL_EMULATOR_DB).",
    )(func)
    func = click.option(
        "--api-url",
        envvar="CNAMCTL_API_URL",
        metavar="URL",
        callback=_http_url,
        help="Send all Twilio traffic to this base URL, e.g. a running "
        "`cnamctl emulator serve` [env: CNAMCTL_API_URL].",
    )(func)
    return func


def _http_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ApiUrl.parse(value)
    except UsageError as err:
        raise click.BadParameter(str(err).removeprefix("--api-url ")) from None
    return value


def paths_argument(func: F) -> F:
    """PATHS (manifest files and directories) and ``--allow-outside-links``; the
    command receives ``paths`` as a ``ManifestPaths`` tuple carrying the flag, so
    whatever it hands to ``load_workspace`` knows how to treat links (the manifest
    package is imported when the command runs, not when it is defined)."""

    @functools.wraps(func)
    def command(
        *args: Any, paths: tuple[str, ...], allow_outside_links: bool, **kwargs: Any
    ) -> Any:
        from cnamctl.manifest.files import ManifestPaths

        given = ManifestPaths(paths, allow_outside_links=allow_outside_links)
        return func(*args, paths=given, **kwargs)

    command = click.option(
        "--allow-outside-links",  # cnamctl.manifest.files.OUTSIDE_LINKS_OPTION
        "allow_outside_links",
        is_flag=True,
        help="Follow symbolic links in PATHS that lead outside PATHS (refused by default, "
        "so that a link in a pull request cannot make cnamctl read other files).",
    )(command)
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))(command)


_FORMAT_HELP = {
    "text": "text for people",
    "json": "json for machines",
    "markdown": "markdown for a pull-request comment",
}


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with ``choices`` (default: text, json), passed as ``fmt``."""
    choices = choices or ("text", "json")
    parts = [_FORMAT_HELP[c] for c in choices]
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=", ".join(parts) + ".",
    )


def use_color(stream: Any = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


# --- -v / -q, before or after the command ---------------------------------------------

VERBOSITY_KEY = "cnamctl.verbosity"
"""``ctx.meta`` key of the ``Verbosity`` of the run (meta is shared by nested contexts)."""


@dataclass
class Verbosity:
    verbose: int = 0
    quiet: bool = False


def _record(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    state = ctx.meta.setdefault(VERBOSITY_KEY, Verbosity())
    if param.name == "verbose":
        state.verbose += int(value or 0)
    elif value:
        state.quiet = True
    if state.verbose and state.quiet:
        raise click.UsageError("--verbose and --quiet exclude each other", ctx=ctx)


def verbosity_params() -> list[click.Parameter]:
    """Fresh ``-v``/``-q`` parameters, for the group and for each command."""
    return [
        click.Option(
            ["-v", "--verbose"],
            count=True,
            expose_value=False,
            callback=_record,
            help="Log every Twilio request on stderr (-vv: debug).",
        ),
        click.Option(
            ["-q", "--quiet"],
            is_flag=True,
            expose_value=False,
            callback=_record,
            help="Print only errors and the requested output.",
        ),
    ]


def verbosity(ctx: click.Context | None = None) -> Verbosity:
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is None:
        return Verbosity()
    state = ctx.meta.get(VERBOSITY_KEY)
    return state if isinstance(state, Verbosity) else Verbosity()


def is_quiet() -> bool:
    """True under ``-q``: commands print errors and requested output only."""
    return verbosity().quiet


# --- copy-paste hints ----------------------------------------------------------------


def run_flags(ctx: click.Context | None = None) -> list[str]:
    """The flags that decide what the next command reads and where it goes:
    ``--emulator`` or ``--api-url URL`` (a URL that came from $CNAMCTL_API_URL is
    left out: the next run has it too), and ``--allow-outside-links``."""
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is None:
        return []
    flags = []
    url = ctx.params.get("api_url")
    if ctx.params.get("embedded"):
        flags.append("--emulator")
    elif url and ctx.get_parameter_source("api_url") is not ParameterSource.ENVIRONMENT:
        flags += ["--api-url", redact_url(str(url))]
    if ctx.params.get("allow_outside_links"):
        flags.append("--allow-outside-links")
    return flags


def hint(command: str, *args: str, ctx: click.Context | None = None) -> str:
    """``cnamctl COMMAND <this run's flags> ARGS``, quoted for a POSIX shell."""
    words = ["cnamctl", *command.split(), *run_flags(ctx), *args]
    return shlex.join(words)
