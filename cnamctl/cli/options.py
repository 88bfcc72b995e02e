"""Options shared by several commands, defined once."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from cnamctl.errors import UsageError
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


def use_color(stream: Any = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


QUIET_KEY = "cnamctl.quiet"
"""``ctx.meta`` key set by ``cnamctl --quiet`` (meta is shared by nested contexts)."""


def is_quiet() -> bool:
    """True under ``cnamctl --quiet``: commands print errors and requested output only."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get(QUIET_KEY))
