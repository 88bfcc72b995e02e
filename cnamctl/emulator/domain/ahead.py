"""The lists rendered when the emulator starts (``Database.render_ahead``).

A row's first encoding as JSON is most of what a 1,000-item page costs the
emulator the first time it serves it (docs/benchmarks.md: about 20 ms of CPU for
a page of numbers, against about 4 ms once its rows are rendered). The emulator
shares the machine with the client under test, in the benchmarks and in users'
CI, so that first encoding is done when it starts, before any request, for the
lists a reconciler pages through: smallest first, then the numbers (the longest
list, read first), then the assignments, while the render cache is less than
half full. Rows written afterwards are rendered again when next listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from cnamctl.emulator.domain import serialize
from cnamctl.emulator.domain.kinds import KINDS
from cnamctl.emulator.storage.db import Database, Render

UP_TO = 0.5  # of the render cache's bound: what a page's misses find room in


def _lists() -> Iterator[tuple[str, str, tuple[str, ...], Render]]:
    """(table, where, args, render) of each list, as its handler renders it."""
    of_kind = "bundle_sid IN (SELECT sid FROM bundles WHERE kind = ?)"
    for kind in KINDS:
        yield "bundles", "kind = ?", (kind.name,), partial(serialize.bundle, kind=kind)
    yield "end_users", "1", (), serialize.end_user
    yield "caller_ids", "1", (), serialize.caller_id
    for kind in KINDS:
        yield (
            "entity_assignments",
            of_kind,
            (kind.name,),
            partial(serialize.entity_assignment, kind=kind),
        )
    yield "phone_numbers", "1", (), serialize.incoming_number
    for kind in KINDS:
        yield (
            "channel_assignments",
            of_kind,
            (kind.name,),
            partial(serialize.channel_assignment, kind=kind),
        )


def render_ahead(database: Database) -> int:
    """Render the lists' rows now; the count rendered."""
    return sum(
        database.render_ahead(table, where, args, render, up_to=UP_TO)
        for table, where, args, render in _lists()
    )
