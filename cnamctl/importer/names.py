"""Manifest names for live objects: valid under the name pattern, unique, stable."""

from __future__ import annotations

import re
import unicodedata

from cnamctl.manifest.model import NAME_PATTERN

NAME_MAX_LENGTH = 64
_VALID = re.compile(NAME_PATTERN)
_OUTSIDE = re.compile(r"[^a-z0-9._-]+")


def is_valid_name(text: str) -> bool:
    return len(text) <= NAME_MAX_LENGTH and bool(_VALID.match(text))


def slugify(text: str, fallback: str) -> str:
    """``"Acme Corp, Inc."`` -> ``"acme-corp-inc"``: lower-case ASCII letters, digits,
    ``.``, ``_`` and ``-``, starting and ending with a letter or digit."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _OUTSIDE.sub("-", ascii_text.lower()).strip("._-")
    slug = slug[:NAME_MAX_LENGTH].rstrip("._-")
    return slug or fallback


class UniqueNames:
    """Hands out names that were not handed out before (``acme``, ``acme-2``, ...).

    Comparison ignores case, so two names never map to the same file on a
    case-insensitive file system.
    """

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._taken = {name.lower() for name in reserved}

    def claim(self, wanted: str) -> str:
        name, n = wanted, 1
        while name.lower() in self._taken:
            n += 1
            suffix = f"-{n}"
            name = wanted[: NAME_MAX_LENGTH - len(suffix)] + suffix
        self._taken.add(name.lower())
        return name
