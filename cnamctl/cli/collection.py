"""How often the cyclic garbage collector runs while a command does.

Reading and planning 100,000 numbers allocates millions of objects (records, models,
plan entries), almost none of them in a reference cycle, and then the process exits.
Every collection walks the young objects, and every tenth one the older ones too,
to free next to nothing: with Python's default thresholds that was about a second
of a 100,000-number plan; with young collections 70 times rarer it is still about
40 ms of a 10,000-number plan and 100 ms at 100,000, with the same peak RSS
without them (bench/analysis.md, sixth round).

So a *bounded* command (it reads, plans or prints, then exits: ``BOUNDED``) runs
with automatic collection off. The others can run for minutes or hours (the
emulator server, apply's writes and waits, ``status --wait``, verification by a
person), where cycles made by retried errors must still be freed: they keep it,
at a young-generation threshold of ``YOUNG_THRESHOLD`` allocations. Either way
the collector is restored when the command ends, for in-process callers (tests,
click's CliRunner).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

BOUNDED = frozenset({"accounts", "import", "init", "plan", "schema", "validate"})
"""Commands that run to completion without waiting on a person, a review or a server
that runs until stopped."""

YOUNG_THRESHOLD = 50_000  # allocations between young collections (Python's default: 700)


@contextlib.contextmanager
def collection_for(command: str | None) -> Iterator[None]:
    """The collector as ``command`` wants it while the block runs (see above)."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    if command in BOUNDED:
        gc.disable()
    else:
        gc.set_threshold(YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()
