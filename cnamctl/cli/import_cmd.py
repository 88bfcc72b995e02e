"""`cnamctl import`: the live account -> manifests in a directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cnamctl.cli.options import hint, is_quiet, target_options
from cnamctl.errors import UsageError
from cnamctl.policies import BY_KEY, CNAM, SPECS

if TYPE_CHECKING:  # imported where used: `cnamctl --help` loads this module (cli/app.py)
    from cnamctl.importer import ImportResult

_PRODUCTS = ", ".join([*BY_KEY, "all"])


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
@click.option(
    "--products",
    default=CNAM.key,
    show_default=True,
    metavar="KINDS",
    help=f"Trust products to import, comma-separated: {_PRODUCTS}.",
)
def import_(api_url: str | None, embedded: bool, out_dir: Path, force: bool, products: str) -> None:
    """Write manifests describing the live account into DIR.

    One file per approved business profile (with its numbers and its CNAM,
    and with --products its SHAKEN/STIR and Voice Integrity, profiles) and
    caller-ids.yaml. What cannot be declared is listed on stderr and left
    alone. `cnamctl plan DIR` right after shows no changes.
    """
    from cnamctl.importer import build_import, render_files, write_import
    from cnamctl.live.reader import read_snapshot
    from cnamctl.twilio.target import open_target

    policies = _policies(products)
    with open_target(api_url, embedded) as target:
        live = read_snapshot(target.client, policies=policies)
    result = build_import(live)
    written = write_import(render_files(result), out_dir, force=force)
    if not is_quiet():
        for skipped in result.skipped:
            click.echo(f"skipped {skipped}", err=True)
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(_summary(result, len(written), out_dir))


def _policies(products: str) -> tuple[str, ...]:
    """``cnam,shaken-stir`` -> their policy SIDs (``all``: every policy)."""
    keys = [k.strip() for k in products.split(",") if k.strip()]
    unknown = [k for k in keys if k != "all" and k not in BY_KEY]
    if unknown or not keys:
        raise UsageError(f"--products: {', '.join(unknown) or 'nothing'} is not one of {_PRODUCTS}")
    if "all" in keys:
        return tuple(spec.policy_sid for spec in SPECS)
    return tuple(spec.policy_sid for spec in SPECS if spec.key in keys)


def _summary(result: ImportResult, files: int, out_dir: Path) -> str:
    from cnamctl.manifest.model import PROFILE_KINDS, BusinessProfile, OutgoingCallerId

    counts = (
        (result.count(BusinessProfile), "business profile"),
        *(
            (result.count(PROFILE_KINDS[spec.kind]), f"{spec.label} profile")
            for spec in SPECS
            if spec is CNAM or result.count(PROFILE_KINDS[spec.kind])
        ),
        (result.count(OutgoingCallerId), "outgoing caller ID"),
    )
    what = ", ".join(f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in counts)
    skipped = f"; {len(result.skipped)} skipped (see above)" if result.skipped else ""
    return (
        f"Wrote {files} file{'' if files == 1 else 's'} to {out_dir}: {what}{skipped}. "
        f"Check with: {hint('plan', str(out_dir))}"
    )
