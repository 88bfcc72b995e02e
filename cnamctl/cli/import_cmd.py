"""`cnamctl import`: the live account -> manifests in a directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cnamctl.cli.options import hint, is_quiet, target_options

if TYPE_CHECKING:  # imported where used: `cnamctl --help` loads this module (cli/app.py)
    from cnamctl.importer import ImportResult


@click.command("import")
@target_options
@click.option(
    "--out",
    "out_dir",
    required=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the manifests into (created if missing).",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist in DIR.")
def import_(api_url: str | None, embedded: bool, out_dir: Path, force: bool) -> None:
    """Write manifests describing the live account into DIR.

    One file per approved business profile (with its numbers and CNAM
    profiles) and caller-ids.yaml. What cannot be declared is listed on
    stderr and left alone. `cnamctl plan DIR` right after shows no changes.
    """
    from cnamctl.importer import build_import, render_files, write_import
    from cnamctl.live.reader import read_snapshot
    from cnamctl.twilio.target import open_target

    with open_target(api_url, embedded) as target:
        live = read_snapshot(target.client)
    result = build_import(live)
    written = write_import(render_files(result), out_dir, force=force)
    if not is_quiet():
        for skipped in result.skipped:
            click.echo(f"skipped {skipped}", err=True)
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(_summary(result, len(written), out_dir))


def _summary(result: ImportResult, files: int, out_dir: Path) -> str:
    from cnamctl.manifest.model import BusinessProfile, CnamProfile, OutgoingCallerId

    counts = (
        (result.count(BusinessProfile), "business profile"),
        (result.count(CnamProfile), "CNAM profile"),
        (result.count(OutgoingCallerId), "outgoing caller ID"),
    )
    what = ", ".join(f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in counts)
    skipped = f"; {len(result.skipped)} skipped (see above)" if result.skipped else ""
    return (
        f"Wrote {files} file{'' if files == 1 else 's'} to {out_dir}: {what}{skipped}. "
        f"Check with: {hint('plan', str(out_dir))}"
    )
