"""The click group and the single place where errors become exit codes.

Commands load lazily: the group knows each command's name and module
(``COMMANDS``) and imports a module only when its command is asked for, and each
command module imports the twilio SDK, pydantic and rich inside its functions,
so ``cnamctl --help`` and shell completion start without them
(tests/unit/cli/test_lazy_imports.py holds them to it).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from importlib import import_module
from typing import Any

import click

from cnamctl.cli.collection import collection_for
from cnamctl.cli.options import verbosity, verbosity_params
from cnamctl.errors import CnamctlError, ManifestError
from cnamctl.text import inert

USAGE_ERROR_EXIT = 1  # not click's 2: `plan --detailed-exitcode` keeps 2 for "changes"


COMMANDS: dict[str, tuple[str, str]] = {
    "accounts": ("cnamctl.cli.accounts_cmd", "accounts"),
    "apply": ("cnamctl.cli.apply_cmd", "apply"),
    "emulator": ("cnamctl.cli.emulator_cmd", "emulator"),
    "import": ("cnamctl.cli.import_cmd", "import_"),
    "init": ("cnamctl.cli.init_cmd", "init"),
    "plan": ("cnamctl.cli.plan_cmd", "plan"),
    "schema": ("cnamctl.cli.validate_cmd", "schema"),
    "status": ("cnamctl.cli.status_cmd", "status"),
    "validate": ("cnamctl.cli.validate_cmd", "validate"),
    "verify": ("cnamctl.cli.verify_cmd", "verify"),
    "verify-caller-ids": ("cnamctl.cli.caller_ids_cmd", "verify_caller_ids"),
}
"""Command name -> (module, attribute): a new command is one line here."""


class CnamctlGroup(click.Group):
    """Maps every CnamctlError to a message on stderr and its exit code, and
    command-line usage errors to exit code 1. Messages carry text from files and
    servers, so they are made inert (``cnamctl.text``) on their way out. Its commands
    are ``COMMANDS``, each imported when first asked for (``-v``/``-q`` added to it
    then)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = self.commands.get(cmd_name)
        if found is None and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            found = getattr(import_module(module), attribute)
            assert isinstance(found, click.Command)
            _add_global_options(found)
            self.add_command(found, cmd_name)
        return found

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as err:
            err.exit_code = USAGE_ERROR_EXIT  # type: ignore[misc]  # per instance on purpose
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as err:
            err.exit_code = USAGE_ERROR_EXIT  # type: ignore[misc]  # per instance on purpose
            raise
        except ManifestError as err:
            for problem in err.problems:
                click.echo(inert(f"error: {problem}"), err=True)
            noun = "problem" if len(err.problems) == 1 else "problems"
            click.echo(f"{len(err.problems)} {noun} found", err=True)
            ctx.exit(err.exit_code)
        except CnamctlError as err:
            click.echo(inert(f"error: {err}"), err=True)
            ctx.exit(err.exit_code)


_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
_THIRD_PARTY = ("urllib3", "twilio", "werkzeug")


class _StderrHandler(logging.Handler):
    """Writes each record to the current stderr through click, so redirections and
    click's CliRunner see it (a StreamHandler would keep the stream of its birth)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(inert(self.format(record)), err=True)
        except Exception:
            self.handleError(record)


def _configure_logging(ctx: click.Context) -> None:
    """Default: warnings. ``-q``: errors only. ``-v``: plus one line per Twilio request
    (method, path, status, duration; ``cnamctl.http`` logs no headers, bodies or
    query strings, so never credentials). ``-vv``: everything at debug, including
    urllib3. Undone when the command ends, so in-process callers are left as found."""
    state = verbosity(ctx)
    levels = dict.fromkeys(("cnamctl", *_THIRD_PARTY), logging.WARNING)
    if state.quiet:
        levels = dict.fromkeys(levels, logging.ERROR)
    elif state.verbose == 1:
        levels.update({"cnamctl": logging.INFO, "cnamctl.http": logging.DEBUG})
    elif state.verbose > 1:
        levels = dict.fromkeys(levels, logging.DEBUG)
        levels["cnamctl.http"] = logging.DEBUG
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    loggers = {name: logging.getLogger(name) for name in levels}
    previous = {name: logger.level for name, logger in loggers.items()}
    for name, logger in loggers.items():
        logger.setLevel(levels[name])
        if "." not in name:
            logger.addHandler(handler)

    def restore() -> None:
        for name, logger in loggers.items():
            logger.setLevel(previous[name])
            logger.removeHandler(handler)

    ctx.call_on_close(restore)


def _as_command(callback: Callable[..., Any]) -> Callable[..., Any]:
    """A command's callback that first sets up logging from ``-v``/``-q``, which by
    then are parsed wherever they were given (before or after the command), and runs
    with the garbage collector as its command wants it (``collection.py``)."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        _configure_logging(ctx)
        with collection_for(ctx.find_root().invoked_subcommand):
            return callback(*args, **kwargs)

    return run


@click.group(cls=CnamctlGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, _param, value: _print_version(ctx, value),
    help="Show the version and exit.",
)
def main() -> None:
    """Declarative CNAM caller-ID branding for Twilio Trust Hub.

    Global options (-v, -q) go before or after the command.

    Shell completion: eval "$(_CNAMCTL_COMPLETE=bash_source cnamctl)" (zsh_source,
    fish_source for other shells; see docs/getting-started.md).
    """


def _print_version(ctx: click.Context, wanted: bool) -> None:
    """``--version``, as click's ``version_option`` prints it; the version is read
    from the package metadata only then (importlib.metadata costs every command
    about 40 ms of start-up)."""
    if not wanted or ctx.resilient_parsing:
        return
    from cnamctl import __version__

    click.echo(f"cnamctl, version {__version__}")
    ctx.exit()


def _add_global_options(command: click.Command) -> None:
    """``-v``/``-q`` on ``command`` and, for a group, on every command below it; each
    leaf command configures logging when it runs (the group's own are added once,
    below)."""
    command.params.extend(verbosity_params())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _add_global_options(sub)
    elif command.callback is not None:
        command.callback = _as_command(command.callback)


main.params.extend(verbosity_params())
