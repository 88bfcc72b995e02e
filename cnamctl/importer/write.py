"""Put rendered files in a directory, never overwriting one unless told to."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cnamctl.errors import UsageError


def write_import(texts: Mapping[str, str], out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write ``{file name: text}`` into ``out_dir`` (created if missing).

    Without ``force``, nothing is written when any of the files already exists.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} exists and is not a directory")
    paths = {name: out_dir / name for name in sorted(texts)}
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not force:
        raise UsageError(
            f"refusing to overwrite {', '.join(existing)}; nothing was written "
            "(pass --force to overwrite)"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, path in paths.items():
        path.write_text(texts[name], encoding="utf-8")
    return list(paths.values())
