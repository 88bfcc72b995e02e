"""`cnamctl status`: review state of every managed CNAM profile, optionally waiting."""

from __future__ import annotations

import json
import time

import click

from cnamctl.apply.report import render_status_json, render_status_text
from cnamctl.apply.status import (
    ProfileStatus,
    ReviewRejected,
    ReviewWaitTimeout,
    read_statuses,
    wait_for_reviews,
)
from cnamctl.cli.apply_cmd import format_option
from cnamctl.cli.options import paths_argument, target_options
from cnamctl.errors import CnamctlError
from cnamctl.manifest import load_workspace
from cnamctl.plan.render.accounts import grouped_json, grouped_text
from cnamctl.twilio.target import open_endpoint


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
@format_option
def status(
    paths: tuple[str, ...],
    api_url: str | None,
    embedded: bool,
    wait: bool,
    timeout: float,
    interval: float,
    fmt: str,
) -> None:
    """Review status, evaluation results and errors of every CNAM profile in PATHS.

    With Account documents every account is reported, under its name; one failing
    account is reported as such and the others still are."""
    sets = load_workspace(paths)
    several = sets[0].account is not None
    deadline = time.monotonic() + timeout
    sections: list[tuple[str, list[ProfileStatus] | None, str | None]] = []
    failure: CnamctlError | None = None
    with open_endpoint(api_url, embedded) as endpoint:
        for manifests in sets:
            name = manifests.label
            try:
                client = endpoint.client_for(manifests.account)
                if wait:
                    left = max(0.0, deadline - time.monotonic())
                    found = wait_for_reviews(client, manifests, timeout=left, interval=interval)
                else:
                    found = read_statuses(client, manifests)
            except ReviewWaitTimeout as err:
                found, failure = err.statuses, err
            except CnamctlError as err:
                if not several:
                    raise
                sections.append((name, None, str(err).splitlines()[0]))
                failure = failure or err
                continue
            sections.append((name, found, None))
    click.echo(_render(sections, fmt, several), nl=False)
    if failure is not None:
        raise failure
    rejected = [s.name for _, found, _ in sections for s in found or () if s.rejected]
    if wait and rejected:
        raise ReviewRejected(f"review rejected: {', '.join(rejected)}")


def _render(
    sections: list[tuple[str, list[ProfileStatus] | None, str | None]], fmt: str, several: bool
) -> str:
    if not several:
        ((_, found, _),) = sections
        return (render_status_json if fmt == "json" else render_status_text)(found or [])
    if fmt == "json":
        return grouped_json(
            "status",
            [
                (n, json.loads(render_status_json(f)) if f is not None else None, e)
                for n, f, e in sections
            ],
        )
    return grouped_text(
        [(n, render_status_text(f) if f is not None else None, e) for n, f, e in sections]
    )
