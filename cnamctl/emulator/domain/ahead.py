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

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from cnamctl.emulator.domain import serialize
from cnamctl.emulator.domain.kinds import KINDS
from cnamctl.emulator.storage.db import Database, Render

UP_TO = 0.5  # of the render cache's bound: what a page's misses find room in


def _lists() -> Iterator[tuple[str, str, tuple[str, ...], Render]]:
    """(table, where, args, render) of each list, as its handler renders it."""
    yield from _of_each_kind("bundles", "kind = ?", serialize.bundle)
    yield "end_users", "1", (), serialize.end_user
    yield "caller_ids", "1", (), serialize.caller_id
    yield from _of_each_kind("entity_assignments", _OF_KIND, serialize.entity_assignment)
    yield "phone_numbers", "1", (), serialize.incoming_number
    yield from _of_each_kind("channel_assignments", _OF_KIND, serialize.channel_assignment)


_OF_KIND = "bundle_sid IN (SELECT sid FROM bundles WHERE kind = ?)"


def _of_each_kind(
    table: str, where: str, serializer: Callable[..., dict[str, Any]]
) -> Iterator[tuple[str, str, tuple[str, ...], Render]]:
    """Rows of customer profiles and of trust products render apart (their fields
    name their parent's kind)."""
    for kind in KINDS:
        yield table, where, (kind.name,), partial(serializer, kind=kind)


def render_ahead(database: Database) -> int:
    """Render the lists' rows now; the count rendered."""
    return sum(
        database.render_ahead(table, where, args, render, up_to=UP_TO)
        for table, where, args, render in _lists()
    )
