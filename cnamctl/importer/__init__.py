"""``cnamctl import``: the live account written out as manifests.

``build_import`` (pure: Snapshot -> ImportResult) decides what can be declared
and what must be skipped; ``render_file`` turns one file's documents into YAML
with comments naming the SIDs; ``write_import`` puts the files on disk.
"""

from cnamctl.importer.build import build_import
from cnamctl.importer.model import ImportedDocument, ImportedFile, ImportResult, Skipped
from cnamctl.importer.render import render_file, render_files
from cnamctl.importer.write import write_import

__all__ = [
    "ImportResult",
    "ImportedDocument",
    "ImportedFile",
    "Skipped",
    "build_import",
    "render_file",
    "render_files",
    "write_import",
]
