"""`cnamctl status`: review state of every managed trust profile, optionally waiting."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from cnamctl.cli.options import format_option, hint, paths_argument, target_options
from cnamctl.errors import CnamctlError

if TYPE_CHECKING:  # imported where used: `cnamctl --help` loads this module (cli/app.py)
    from cnamctl.apply.status import ProfileStatus
    from cnamctl.workspace import AccountPlan


@click.command()
@paths_argument
@target_options
@click.option("--wait", is_flag=True, help="Poll until no profile is pending review.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=1800.0,
    show_default=True,
    help="With --wait: give up (exit 1) after this many seconds.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="With --wait: seconds between polls.",
)
@format_option()
def status(
    paths: tuple[str, ...],
    api_url: str | None,
    embedded: bool,
    wait: bool,
    timeout: float,
    interval: float,
    fmt: str,
) -> None:
    """Review status, evaluation results and errors of every CNAM, SHAKEN/STIR and
    Voice Integrity profile in PATHS.

    With Account documents every account is reported, under its name; one failing
    account is reported as such and the others still are."""
    from cnamctl.apply.report import render_status_text, status_document
    from cnamctl.apply.status import (
        ReviewRejected,
        ReviewWaitTimeout,
        read_statuses,
        wait_for_reviews,
    )
    from cnamctl.manifest import load_workspace
    from cnamctl.plan.render.accounts import grouped_json, grouped_text
    from cnamctl.twilio.target import open_endpoint
    from cnamctl.workspace import AccountPlan, for_each_account, named

    accounts = [AccountPlan.of(s) for s in load_workspace(paths)]
    deadline = time.monotonic() + timeout
    found: dict[int, list[ProfileStatus]] = {}
    failure: list[CnamctlError] = []

    def read(account: AccountPlan) -> None:
        assert account.manifests is not None
        client = endpoint.client_for(account.account)
        try:
            if wait:
                left = max(0.0, deadline - time.monotonic())
                found[id(account)] = wait_for_reviews(
                    client, account.manifests, timeout=left, interval=interval
                )
            else:
                found[id(account)] = read_statuses(client, account.manifests)
        except ReviewWaitTimeout as err:
            found[id(account)] = err.statuses
            failure.append(err)

    with open_endpoint(api_url, embedded) as endpoint:
        for_each_account(accounts, read)  # concurrently; --wait shares one deadline
    sections = [
        (a.name, found.get(id(a)), _first_line(a.error) if a.error else None) for a in accounts
    ]
    wait_hint = hint("status", "--wait", *paths)
    if fmt == "json":
        click.echo(
            grouped_json(
                "status",
                [(n, status_document(f) if f is not None else None, e) for n, f, e in sections],
            ),
            nl=False,
        )
    elif named(accounts):
        click.echo(
            grouped_text(
                [
                    (n, render_status_text(f, wait=wait_hint) if f is not None else None, e)
                    for n, f, e in sections
                ]
            ),
            nl=False,
        )
    else:
        click.echo(render_status_text(sections[0][1] or [], wait=wait_hint), nl=False)
    errors = [a.error for a in accounts if a.error is not None]
    if failure or errors:
        raise (failure or errors)[0]
    rejected = [s.label for _, statuses, _ in sections for s in statuses or () if s.rejected]
    if wait and rejected:
        raise ReviewRejected(f"review rejected: {', '.join(rejected)}")


def _first_line(err: Exception) -> str:
    text = str(err)
    return text.splitlines()[0] if text else type(err).__name__
