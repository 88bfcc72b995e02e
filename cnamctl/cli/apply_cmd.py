"""`cnamctl apply` (manifests or a saved plan -> Twilio) and `cnamctl status`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from rich.console import Console

from cnamctl.apply.events import EventSink, ignore
from cnamctl.apply.executor import DEFAULT_CONCURRENCY, DEFAULT_MAX_RPS, ApplySettings, apply_plan
from cnamctl.apply.prepare import from_manifests, from_saved, is_saved_plan
from cnamctl.apply.progress import PlainLog, RichProgress
from cnamctl.apply.report import (
    render_result_json,
    render_status_json,
    render_status_text,
    render_summary,
)
from cnamctl.apply.result import ApplyResult
from cnamctl.apply.status import ReviewRejected, ReviewWaitTimeout, read_statuses, wait_for_reviews
from cnamctl.cli.options import paths_argument, target_options, use_color
from cnamctl.errors import ApplyError, UsageError
from cnamctl.manifest import load_manifests
from cnamctl.plan.model import Plan
from cnamctl.plan.render import render_text
from cnamctl.twilio.target import open_target

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)


@click.command()
@paths_argument
@target_options
@click.option("--auto-approve", is_flag=True, help="Apply without asking (required without a TTY).")
@click.option(
    "--force", is_flag=True, help="Apply even when removals exceed the safety thresholds."
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    help="Changes in flight at once.",
)
@click.option(
    "--max-rps",
    type=click.FloatRange(min=0),
    default=DEFAULT_MAX_RPS,
    show_default=True,
    help="Client-side limit on Twilio requests per second (0: none).",
)
@format_option
def apply(
    paths: tuple[str, ...],
    api_url: str | None,
    embedded: bool,
    auto_approve: bool,
    force: bool,
    concurrency: int,
    max_rps: float,
    fmt: str,
) -> None:
    """Make Twilio match the manifests in PATHS, or apply a plan saved by `plan -o`."""
    saved = is_saved_plan(paths)
    with open_target(api_url, embedded) as target:
        if saved:
            prepared = from_saved(paths[0], target.client, force=force)
        else:
            prepared = from_manifests(paths, target.client, force=force)
        plan = prepared.plan
        if plan.has_changes and not (saved or auto_approve):
            _confirm(plan, fmt)
        settings = ApplySettings(concurrency=concurrency, max_rps=max_rps or None)
        if fmt == "text" and plan.has_changes:
            click.echo(f"Applying {len(plan.changes)} changes to {target.label}", err=True)
        with _progress(plan, fmt) as sink:
            result = apply_plan(
                target.client,
                plan,
                live=prepared.live,
                manifests=prepared.manifests,
                settings=settings,
                on_event=sink,
            )
    if fmt == "json":
        click.echo(render_result_json(result), nl=False)
    elif plan.has_changes:
        click.echo(render_summary(result), nl=False)
    else:
        click.echo("No changes: Twilio already matches the manifests.")
    _check(result)


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
    with open_target(api_url, embedded) as target:
        if not wait:
            click.echo(render(read_statuses(target.client, manifests)), nl=False)
            return
        try:
            statuses = wait_for_reviews(
                target.client, manifests, timeout=timeout, interval=interval
            )
        except ReviewWaitTimeout as err:
            click.echo(render(err.statuses), nl=False)
            raise
    click.echo(render(statuses), nl=False)
    rejected = [s.name for s in statuses if s.rejected]
    if rejected:
        raise ReviewRejected(f"review rejected: {', '.join(rejected)}")


def _confirm(plan: Plan, fmt: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError(
            "apply needs confirmation but stdin is not a terminal: "
            "pass --auto-approve, or apply a plan saved with `cnamctl plan -o`"
        )
    click.echo(render_text(plan, color=use_color()), nl=False, err=fmt == "json")
    if not click.confirm(f"Apply these {len(plan.changes)} changes?", default=False, err=True):
        raise UsageError("apply cancelled; nothing was changed")


@contextmanager
def _progress(plan: Plan, fmt: str) -> Iterator[EventSink]:
    if fmt == "json" or not plan.has_changes:
        yield ignore
    elif sys.stderr.isatty():
        with RichProgress(plan, Console(stderr=True)) as bars:
            yield bars
    else:
        yield PlainLog(sys.stdout)


def _check(result: ApplyResult) -> None:
    if result.ok:
        return
    not_done = len(result.changes) - result.counts()["applied"]
    raise ApplyError(
        f"{not_done} of {len(result.changes)} changes did not apply; "
        "re-running `cnamctl apply` is safe"
    )
