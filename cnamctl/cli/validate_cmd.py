"""``cnamctl validate`` and ``cnamctl schema``: offline, no credentials, no network."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from cnamctl.cli.options import paths_argument
from cnamctl.errors import ManifestError, Problem
from cnamctl.policies import SPECS

if TYPE_CHECKING:  # imported where used: `cnamctl --help` loads this module (cli/app.py)
    from cnamctl.manifest import ManifestSet


@click.command()
@paths_argument
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: print a list of {file, line, message} on stdout (empty when valid).",
)
def validate(paths: tuple[str, ...], output_format: str) -> None:
    """Validate manifest files and directories offline.

    Every problem is reported as file:line: message; the exit status is 1 if
    there is any. Manifests of several Accounts are validated together, each
    account's rules on its own documents.
    """
    from cnamctl.manifest import load_workspace

    try:
        sets = load_workspace(paths)
    except ManifestError as err:
        if output_format == "json":
            click.echo(json.dumps(_problems_json(err.problems), indent=2))
        raise
    if output_format == "json":
        click.echo("[]")
    elif len(sets) == 1:
        click.echo(summary(sets[0]))
    else:
        click.echo(f"{len(sets)} accounts, {_plural(len(sets[0].files), 'file')} — valid")
        for manifests in sets:
            click.echo(f"  {manifests.label}: {_resources(manifests)}")


@click.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of one manifest document.

    Save it (cnamctl schema > cnamctl.schema.json) and point your editor at it,
    e.g. with this first line in a manifest, for the YAML language server:

    \b
    # yaml-language-server: $schema=cnamctl.schema.json
    """
    from cnamctl.manifest import manifest_json_schema

    click.echo(json.dumps(manifest_json_schema(), indent=2))


def summary(manifests: ManifestSet) -> str:
    """``3 files, 5 resources: 1 BusinessProfile, 2 CnamProfile, 2 OutgoingCallerId — valid``."""
    return f"{_plural(len(manifests.files), 'file')}, {_resources(manifests)} — valid"


def _resources(manifests: ManifestSet) -> str:
    """``5 resources: 1 BusinessProfile, 2 CnamProfile, 2 OutgoingCallerId``."""
    counts = {
        "BusinessProfile": len(manifests.business_profiles),
        **{spec.kind: len(manifests.profiles(spec)) for spec in SPECS},
        "OutgoingCallerId": len(manifests.caller_ids),
        "Settings": 1 if manifests.settings else 0,
    }
    total = sum(counts.values())
    kinds = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    return f"{_plural(total, 'resource')}{': ' + kinds if kinds else ''}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _problems_json(problems: Sequence[Problem]) -> list[dict[str, object]]:
    return [
        {
            "file": p.location.file if p.location else None,
            "line": p.location.line if p.location else None,
            "message": p.message,
        }
        for p in problems
    ]
