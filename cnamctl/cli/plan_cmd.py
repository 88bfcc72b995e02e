"""`cnamctl plan`: manifests + live state -> a reviewable plan."""

from __future__ import annotations

import click

from cnamctl.cli.options import paths_argument, target_options, use_color
from cnamctl.live.reader import read_snapshot
from cnamctl.manifest import load_manifests
from cnamctl.plan import compute_plan
from cnamctl.plan.render import render_json, render_markdown, render_text
from cnamctl.plan.saved import save_plan
from cnamctl.twilio.target import open_target

EXIT_CHANGES = 2


@click.command()
@paths_argument
@target_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for people, json for machines, markdown for a pull-request comment.",
)
@click.option("-o", "--out", type=click.Path(dir_okay=False), help="Save the plan for `apply`.")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 with no changes, 2 with changes, 1 on error (for drift checks).",
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
) -> None:
    """Show what apply would change to make Twilio match the manifests in PATHS."""
    desired = load_manifests(paths)
    with open_target(api_url, embedded) as target:
        live = read_snapshot(target.client)
    result = compute_plan(desired, live)
    if out:
        save_plan(result, out)
    if fmt == "json":
        click.echo(render_json(result), nl=False)
    elif fmt == "markdown":
        click.echo(render_markdown(result), nl=False)
    else:
        click.echo(render_text(result, color=use_color()), nl=False)
    if out:
        click.echo(f"Plan saved to {out}; apply it with: cnamctl apply {out}", err=True)
    if detailed_exitcode and result.has_changes:
        ctx.exit(EXIT_CHANGES)
