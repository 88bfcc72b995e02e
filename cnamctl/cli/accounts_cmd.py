"""``cnamctl accounts``: the accounts a manifest tree declares, as CI jobs (offline)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from cnamctl.cli.options import format_option, is_quiet, paths_argument

if TYPE_CHECKING:
    from cnamctl.fanout import Job


@click.command()
@paths_argument
@click.option(
    "--shards",
    type=click.IntRange(0, 10_000),
    default=0,
    show_default=True,
    help="Group the accounts into this many balanced jobs (0: one job per account).",
)
@format_option()
def accounts(paths: tuple[str, ...], shards: int, fmt: str) -> None:
    """List the accounts the manifests in PATHS declare, for a CI matrix.

    Offline: no credentials, no request. For every account: its name, SID,
    directory and the paths to give `cnamctl plan` / `apply` for that account
    alone; with --shards N, N balanced groups of accounts. --format json prints
    {"accounts": [...], "include": [...]}, where "include" holds one entry per job
    (key, title, accounts, paths, path_lines), ready for a GitHub Actions matrix or
    a generated GitLab child pipeline (docs/many-accounts.md). Bad manifests are
    reported as `validate` reports them, file:line, exit 1.
    """
    import json

    from cnamctl.fanout import GITHUB_MATRIX_LIMIT, jobs, list_accounts, listing_document
    from cnamctl.manifest import load_workspace

    listed = list_accounts(load_workspace(paths), paths)
    groups = jobs(listed, shards=shards)
    if fmt == "json":
        click.echo(json.dumps(listing_document(listed, groups), indent=2))
    else:
        click.echo(_text(groups), nl=False)
    if len(groups) > GITHUB_MATRIX_LIMIT and not is_quiet():
        click.echo(
            f"note: {len(groups)} jobs; a GitHub Actions matrix runs at most "
            f"{GITHUB_MATRIX_LIMIT}: pass --shards",
            err=True,
        )


def _text(groups: Sequence[Job]) -> str:
    """A line per account (its paths), under a line per shard when sharded."""
    from cnamctl.text import inert

    count = sum(len(j.accounts) for j in groups)
    lines = [
        f"{count} {'account' if count == 1 else 'accounts'}, {len(groups)} "
        f"{'job' if len(groups) == 1 else 'jobs'}:"
    ]
    for job in groups:
        indent = "  " if job.sharded else ""
        if job.sharded:
            lines.append(f"{job.title}, weight {job.weight}:")
        for account in job.accounts:
            who = f"{account.name} ({account.sid})" if account.name else "default account"
            paths = inert(" ".join(account.paths), keep_lines=False)
            lines.append(f"{indent}{who}  {paths}  (weight {account.weight})")
    return "\n".join(lines) + "\n"
