"""How much one manifest file may hold, and expand to, before cnamctl stops reading it.

A YAML file can be small and still expand to billions of values ("billion laughs":
each alias repeats an anchor that itself repeats another) or nest thousands of
levels deep; a file in a manifest directory can also simply be huge. Loading is
bounded on every axis, each limit far above what a real manifest needs (the
deepest manifest document nests 4 levels; a 100,000-number fleet is about 2 MB),
and the error says which limit was hit:

* ``file_bytes``: the size of one file (32 MiB, about 1.5 million numbers);
* ``depth``: how deep mappings and lists nest (64 levels);
* ``aliases``: how many ``*alias`` references one file makes (1,000);
* ``alias_values``: how many values those aliases add once expanded (100,000).

Values are counted as they are built, anchors remember their expanded size, and
nothing is ever copied to be counted, so a bomb is refused in microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 32 * MIB
    depth: int = 64
    aliases: int = 1_000
    alias_values: int = 100_000


DEFAULT_LIMITS = Limits()


def size_text(size: int) -> str:
    """``32 MiB``, ``1.5 MiB``, ``512 bytes``."""
    if size < MIB:
        return f"{size:,} bytes"
    return f"{size / MIB:.1f} MiB".replace(".0 MiB", " MiB")
