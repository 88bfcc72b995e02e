"""`cnamctl init`: write the quick-start example manifests into a directory.

The examples are the repository's ``manifests/`` folder. A wheel carries a copy
as ``cnamctl/examples/manifests`` (pyproject.toml, force-include); a checkout or
an editable install reads the folder itself, so the two can never differ.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from cnamctl.cli.options import is_quiet
from cnamctl.errors import UsageError


def example_manifests() -> dict[str, str]:
    """``{file name: text}`` of the example manifests (they match the demo account)."""
    packaged = resources.files("cnamctl").joinpath("examples", "manifests")
    if packaged.is_dir():
        entries = list(packaged.iterdir())
    else:  # a checkout, or an editable install of one
        checkout = Path(__file__).resolve().parents[2] / "manifests"
        if not checkout.is_dir():
            raise UsageError("this installation of cnamctl has no example manifests")
        entries = list(checkout.iterdir())
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in entries
        if entry.name.endswith((".yaml", ".yml"))
    }


@click.command()
@click.argument(
    "directory",
    default="manifests",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist in DIRECTORY.")
def init(directory: Path, force: bool) -> None:
    """Write the example manifests into DIRECTORY (default: ./manifests).

    They match the embedded emulator's demo account, so the quick start runs at
    once: cnamctl apply --emulator --auto-approve manifests/, then cnamctl plan
    --emulator manifests/. Nothing is written if any of the files exists.
    """
    from cnamctl.importer.write import write_import  # here: `cnamctl --help` loads this module

    written = write_import(example_manifests(), directory, force=force)
    if not is_quiet():
        names = ", ".join(path.name for path in written)
        click.echo(f"Wrote {len(written)} example manifests to {directory}: {names}")
        click.echo(f"Try them without a Twilio account: cnamctl plan --emulator {directory}")
