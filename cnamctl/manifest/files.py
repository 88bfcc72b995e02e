"""Finding manifest files under the paths a user gave, and reading them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cnamctl.errors import Location, Problem

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ManifestFile:
    path: Path
    display: str
    """The path as the user would write it (relative stays relative)."""


@dataclass
class Discovery:
    files: list[ManifestFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def find_manifest_files(paths: Sequence[str | Path]) -> Discovery:
    """Files named on the command line, plus ``*.yaml``/``*.yml`` under directories
    (walked recursively in sorted order, hidden files and directories skipped).
    A file reached twice is read once."""
    found = Discovery()
    if not paths:
        found.problems.append(Problem(None, "no manifest paths given"))
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = [ManifestFile(path / rel, os.path.join(str(given), rel)) for rel in _walk(path)]
            if not files:
                found.problems.append(Problem(None, f"{given}: no .yaml or .yml files found"))
        elif path.exists():
            files = [ManifestFile(path, str(given))]
        else:
            found.problems.append(Problem(None, f"{given}: no such file or directory"))
            continue
        for manifest in files:
            key = manifest.path.resolve()
            if key not in seen:
                seen.add(key)
                found.files.append(manifest)
    return found


def _walk(root: Path) -> list[str]:
    """Relative paths of manifest files under ``root``, sorted by path components."""
    found: list[tuple[str, ...]] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = Path(directory).relative_to(root).parts
        found.extend(
            (*rel, name)
            for name in filenames
            if name.endswith(SUFFIXES) and not name.startswith(".")
        )
    return [os.path.join(*parts) for parts in sorted(found)]


def read_text(manifest: ManifestFile) -> str | Problem:
    """The file's text (UTF-8, BOM allowed), or a problem saying why it cannot be read."""
    try:
        raw = manifest.path.read_bytes()
    except OSError as err:
        return Problem(None, f"{manifest.display}: cannot read: {err.strerror or err}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return Problem(Location(manifest.display, line), "not valid UTF-8 text")
