"""`cnamctl plan`: manifests + live state -> a reviewable plan, per account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import click

from cnamctl.cli.caller_ids_cmd import verification_hint
from cnamctl.cli.options import (
    format_option,
    hint,
    is_quiet,
    paths_argument,
    target_options,
    use_color,
)
from cnamctl.errors import ManifestError
from cnamctl.text import inert

if TYPE_CHECKING:  # imported where used: `cnamctl --help` loads this module (cli/app.py)
    from cnamctl.plan.render.view import ViewOptions
    from cnamctl.workspace import AccountPlan

EXIT_CHANGES = 2


@click.command()
@paths_argument
@target_options
@format_option("text", "json", "markdown")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False),
    help="Save every account's plan in this file, for `apply FILE`.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when Twilio is as declared, 2 when it is not (changes to make, a "
    "declared product rejected by Twilio, or one in review longer than --review-max-age), "
    "1 on error (for drift checks).",
)
@click.option(
    "--review-max-age",
    metavar="AGE",
    callback=lambda _ctx, _param, value: _age(value),
    help="Count a declared product waiting in Twilio review longer than AGE (36h, 3d, 2w) "
    "as not as declared, like a rejected one.",
)
@click.option(
    "--full",
    is_flag=True,
    help="List every notice, number and unchanged object (text and markdown summarise "
    "them; json always has them all).",
)
@click.option(
    "--read-early/--no-read-early",
    default=False,
    show_default=True,
    envvar="CNAMCTL_READ_EARLY",
    help="Read the account while the manifests load (faster on large accounts; not with "
    "--emulator or Account documents). A bad manifest is still refused first, but read "
    "requests will have been sent; by default nothing reaches Twilio before the manifests "
    "are valid.",
)
@click.pass_context
def plan(
    ctx: click.Context,
    paths: tuple[str, ...],
    api_url: str | None,
    embedded: bool,
    fmt: str,
    out: str | None,
    detailed_exitcode: bool,
    review_max_age: timedelta | None,
    full: bool,
    read_early: bool,
) -> None:
    """Show what apply would change to make Twilio match the manifests in PATHS.

    Manifests of several accounts (Account documents) are planned concurrently and
    shown grouped by account; an account that fails is reported beside the others.
    """
    from cnamctl.live.early import EarlyRead
    from cnamctl.manifest import load_workspace
    from cnamctl.twilio.target import open_endpoint
    from cnamctl.workspace import plan_accounts

    # By default the manifests come first: a bad one is refused before any request
    # (and before the embedded emulator creates its database when it opens).
    early_wanted = read_early and not embedded
    sets = None if early_wanted else load_workspace(paths)
    with open_endpoint(api_url, embedded) as endpoint:
        early = EarlyRead.start(paths, endpoint) if early_wanted else None
        if sets is None:
            try:
                sets = load_workspace(paths)  # the account is read meanwhile
            except BaseException:
                if early is not None:
                    early.abandon()
                raise
        results = plan_accounts(sets, endpoint, early)
    from cnamctl.plan.render.view import ViewOptions
    from cnamctl.plan.review import not_as_declared

    if out:
        _save(results, out, paths)
    options = ViewOptions(
        full=full,
        review_max_age=review_max_age,
        now=datetime.now(UTC),
        command=hint("plan", *paths),
    )
    _render(results, fmt, options)
    if not is_quiet():
        advice = verification_hint((r.plan for r in results), paths)
        if advice:
            click.echo(advice, err=True)
        if out:
            click.echo(f"Plan saved to {out}; apply it with: {hint('apply', out)}", err=True)
    failed = [r for r in results if r.error is not None]
    if failed:
        for r in failed:
            _report_error(r)
        ctx.exit(1)
    if detailed_exitcode and any(
        r.plan and not_as_declared(r.plan, max_review_age=review_max_age, now=options.now)
        for r in results
    ):
        ctx.exit(EXIT_CHANGES)


def _age(value: str | None) -> timedelta | None:
    """``--review-max-age`` as a timedelta; a bad value is a usage error."""
    if value is None:
        return None
    from cnamctl.plan.review import parse_age

    try:
        return parse_age(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _save(results: list[AccountPlan], out: str, paths: tuple[str, ...]) -> None:
    """Every account in one file; an account that could not be planned is saved
    with its error, so applying the file reports it instead of skipping it silently."""
    from cnamctl.plan.saved import SavedAccount, save_plans

    saved = []
    for r in results:
        if r.plan is not None and r.live is not None:
            saved.append(SavedAccount.planned(r.name, r.account, r.plan, r.live))
        else:
            saved.append(SavedAccount.failed(r.name, r.account, _first_line(r.error)))
    save_plans(saved, out, command=hint("plan", *paths, "-o", out))


def _render(results: list[AccountPlan], fmt: str, options: ViewOptions) -> None:
    """JSON is always a list of accounts; text and markdown show a section per
    account when the accounts are named (``workspace.named``)."""
    from cnamctl.plan.render.accounts import (
        AccountSection,
        render_accounts_json,
        render_accounts_markdown,
        render_accounts_text,
    )
    from cnamctl.workspace import named

    sections = [
        AccountSection(r.name, r.plan, _first_line(r.error) if r.error else None) for r in results
    ]
    if fmt == "json":
        click.echo(render_accounts_json(sections, options), nl=False)
    elif named(results):
        if fmt == "markdown":
            click.echo(render_accounts_markdown(sections, options), nl=False)
        else:
            click.echo(render_accounts_text(sections, color=use_color(), options=options), nl=False)
    else:
        (result,) = results
        assert result.plan is not None
        if fmt == "markdown":
            from cnamctl.plan.render.markdown import render_markdown

            click.echo(render_markdown(result.plan, options=options), nl=False)
        else:
            from cnamctl.plan.render.text import render_text

            click.echo(render_text(result.plan, color=use_color(), options=options), nl=False)


def _report_error(result: AccountPlan) -> None:
    err = result.error
    lines = [str(p) for p in err.problems] if isinstance(err, ManifestError) else [str(err)]
    for line in lines:
        click.echo(inert(f"error: {result.name}: {line}"), err=True)


def _first_line(err: Exception | None) -> str:
    text = str(err) if err else ""
    return text.splitlines()[0] if text else type(err).__name__
