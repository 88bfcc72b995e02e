"""Close-match suggestions for misspelt keys, kinds and names."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_LONGEST = 100
"""Words longer than this are nothing anyone misspelt (and difflib is quadratic)."""


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def close_match(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` most likely meant: same letters ignoring case and
    ``_``/``-`` first (``display_name`` -> ``displayName``), then difflib."""
    if len(word) > _LONGEST:
        return None
    options = list(candidates)
    for option in options:
        if _squash(option) == _squash(word):
            return option
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not matches:
        by_squash = {_squash(o): o for o in options}
        squashed = difflib.get_close_matches(_squash(word), list(by_squash), n=1, cutoff=0.6)
        matches = [by_squash[s] for s in squashed]
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    match = close_match(word, candidates)
    return f" (did you mean '{match}'?)" if match else ""
