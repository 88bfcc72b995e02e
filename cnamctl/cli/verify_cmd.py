"""`cnamctl verify`: does Twilio Lookup show the display name each CnamProfile declares?"""

from __future__ import annotations

import os
from datetime import timedelta

import click

from cnamctl.cli.options import format_option, is_quiet, paths_argument, target_options

EXIT_MISMATCH = 2


def _age(ctx: click.Context, _param: click.Parameter, value: str) -> timedelta:
    if ctx.resilient_parsing:  # shell completion: the command will not run; `cnamctl.plan`
        return timedelta(0)  # (pydantic and all) is not imported just to check a default
    from cnamctl.plan.review import parse_age

    try:
        return parse_age(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


@click.command()
@paths_argument
@target_options
@format_option("text", "json", "markdown")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Branded numbers looked up per CnamProfile (cached ones first, then those not "
    "looked up lately).",
)
@click.option("--all", "every", is_flag=True, help="Look up every branded number.")
@click.option(
    "--max-lookups",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="Lookups (billed by Twilio) this run may send, retries included; counted before "
    "any request and never exceeded.",
)
@click.option(
    "--cache-ttl",
    default="12h",
    show_default=True,
    metavar="AGE",
    callback=_age,
    help="Reuse a cached answer younger than AGE (90m, 12h, 2d).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Ignore cached answers: look the sample up again (the new answers are cached).",
)
@click.option(
    "--clear-cache", is_flag=True, help="Delete the lookup cache first (docs/verify.md: where)."
)
@click.option(
    "--max-rps",
    type=click.FloatRange(min=0),
    default=0,
    help="Client-side limit on Twilio requests per second (0: none).",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when no number is a mismatch, 2 when one is, 1 on error (for scheduled "
    "checks; propagating and not-branded numbers are not mismatches).",
)
@click.pass_context
def verify(
    ctx: click.Context,
    paths: tuple[str, ...],
    api_url: str | None,
    embedded: bool,
    fmt: str,
    sample: int,
    every: bool,
    max_lookups: int,
    cache_ttl: timedelta,
    no_cache: bool,
    clear_cache: bool,
    max_rps: float,
    detailed_exitcode: bool,
) -> None:
    """Look up a sample of each CnamProfile's branded numbers in Twilio Lookup and say,
    per number: confirmed (the CNAM database holds the declared name), propagating
    (approved less than 72 hours ago), mismatch, or not branded yet.

    Lookups are billed by Twilio; answers are cached (--cache-ttl) so a re-run does
    not pay twice. Confirmed in Twilio Lookup is not "shown on every phone": carriers
    use different CNAM databases, and mobile users opt in (docs/verify.md).
    """
    from cnamctl.errors import CnamctlError
    from cnamctl.manifest import load_workspace
    from cnamctl.twilio.target import open_endpoint
    from cnamctl.verify import cache as lookups
    from cnamctl.verify.model import Status
    from cnamctl.verify.render import render_json, render_markdown, render_text
    from cnamctl.verify.run import VerifyOptions, verify_accounts

    sets = load_workspace(paths)
    path = lookups.default_dir(os.environ) / lookups.FILE_NAME
    if clear_cache and lookups.clear(path) and not is_quiet():
        click.echo(f"Deleted the lookup cache {path}.", err=True)
    cache = lookups.LookupCache.open(path)
    options = VerifyOptions(None if every else sample, max_lookups, cache_ttl, not no_cache)
    with open_endpoint(api_url, embedded, max_rps=max_rps or None) as endpoint:
        run = verify_accounts(sets, endpoint, options, cache)
    for problem in cache.problems:
        click.echo(f"warning: {problem}", err=True)
    render = {"json": render_json, "markdown": render_markdown}.get(fmt, render_text)
    click.echo(render(run), nl=False)
    if run.failed:
        raise CnamctlError("some accounts or numbers could not be verified (see above)")
    if detailed_exitcode and run.count(Status.MISMATCH):
        ctx.exit(EXIT_MISMATCH)
