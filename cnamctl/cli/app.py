"""The click group and the single place where errors become exit codes."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from cnamctl import __version__
from cnamctl.errors import CnamctlError, ManifestError


class CnamctlGroup(click.Group):
    """Maps every CnamctlError to a message on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ManifestError as err:
            for problem in err.problems:
                click.echo(f"error: {problem}", err=True)
            noun = "problem" if len(err.problems) == 1 else "problems"
            click.echo(f"{len(err.problems)} {noun} found", err=True)
            ctx.exit(err.exit_code)
        except CnamctlError as err:
            click.echo(f"error: {err}", err=True)
            ctx.exit(err.exit_code)


@click.group(cls=CnamctlGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cnamctl")
@click.option("-v", "--verbose", count=True, help="Log every Twilio request (-vv: debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
def main(verbose: int, quiet: bool) -> None:
    """Declarative CNAM caller-ID branding for Twilio Trust Hub."""
    level = logging.WARNING
    if quiet:
        level = logging.ERROR
    elif verbose:
        level = logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbose < 2:
        for noisy in ("urllib3", "twilio", "werkzeug"):
            logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def _register() -> None:
    from cnamctl.cli import apply_cmd, emulator_cmd, plan_cmd, validate_cmd

    main.add_command(validate_cmd.validate)
    main.add_command(validate_cmd.schema)
    main.add_command(plan_cmd.plan)
    main.add_command(apply_cmd.apply)
    main.add_command(apply_cmd.status)
    main.add_command(emulator_cmd.emulator)


_register()
