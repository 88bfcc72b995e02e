"""`cnamctl status`: review state of every managed CNAM profile, optionally waiting."""

from __future__ import annotations

import click

from cnamctl.apply.report import render_status_json, render_status_text
from cnamctl.apply.status import ReviewRejected, ReviewWaitTimeout, read_statuses, wait_for_reviews
from cnamctl.cli.apply_cmd import format_option
from cnamctl.cli.options import paths_argument, target_options
from cnamctl.manifest import load_manifests
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
    """Review status, evaluation results and errors of every CNAM profile in PATHS."""
    manifests = load_manifests(paths)
    render = render_status_json if fmt == "json" else render_status_text
    with open_endpoint(api_url, embedded) as endpoint:
        client = endpoint.client_for(manifests.account)
        if not wait:
            click.echo(render(read_statuses(client, manifests)), nl=False)
            return
        try:
            statuses = wait_for_reviews(client, manifests, timeout=timeout, interval=interval)
        except ReviewWaitTimeout as err:
            click.echo(render(err.statuses), nl=False)
            raise
    click.echo(render(statuses), nl=False)
    rejected = [s.name for s in statuses if s.rejected]
    if rejected:
        raise ReviewRejected(f"review rejected: {', '.join(rejected)}")
