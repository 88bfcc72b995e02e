"""Rows already encoded as JSON, so a 1,000-item page costs a join, not 1,000 encodings.

A list answer is mostly resources that have not changed since they were last
served. :class:`RenderCache` keeps the encoded JSON of each row served in a list
(``(table, sid) -> bytes``); the write path of
:class:`~cnamctl.emulator.storage.db.Db` drops a row's entry whenever it writes
that row, inside the same locked transaction, so a stale entry can never be
served (a rolled-back write only costs a re-encoding). Anything that writes
around ``Db`` (seeding) clears the whole cache.

The cache is bounded: past ``max_bytes`` it starts over.

Rows not yet rendered are encoded a page at a time by :func:`encode_many`: the
resources of one list share their keys and most values (the account, the URLs'
shape, the capabilities), so a page is encoded as one template, built from its
first resource, with only the values that differ from row to row encoded per row:
the same bytes as ``json.dumps`` of each, in about two thirds of the time (a 1,000-row
page of numbers the first time it is served).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii as _string
from operator import itemgetter
from typing import Any

Key = tuple[str, str]


class RenderCache:
    def __init__(self, max_bytes: int = 256 * 1024 * 1024) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Key, bytes] = {}
        self._bytes = 0
        self.max_bytes = max_bytes

    def get(self, table: str, sid: str) -> bytes | None:
        return self._entries.get((table, sid))

    def get_many(self, table: str, sids: list[str]) -> list[bytes | None]:
        entries = self._entries
        return [entries.get((table, sid)) for sid in sids]

    def put(self, table: str, sid: str, encoded: bytes) -> None:
        with self._lock:
            if self._bytes + len(encoded) > self.max_bytes:
                self._entries.clear()
                self._bytes = 0
            old = self._entries.get((table, sid))
            if old is not None:
                self._bytes -= len(old)
            self._entries[(table, sid)] = encoded
            self._bytes += len(encoded)

    def drop(self, table: str, sid: str) -> None:
        with self._lock:
            old = self._entries.pop((table, sid), None)
            if old is not None:
                self._bytes -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def filled(self) -> float:
        """The share of ``max_bytes`` in use."""
        return self._bytes / self.max_bytes if self.max_bytes else 1.0


class Fragments:
    """A JSON array whose items are already encoded (spliced in by the HTTP layer)."""

    __slots__ = ("items",)

    def __init__(self, items: list[bytes]) -> None:
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def encoded(self) -> bytes:
        return b"[" + b", ".join(self.items) + b"]"


_SLOT = "\u2060cnamctl-slot\u2060"  # a JSON string no resource holds: marks a value's place
_SAMPLE = 8  # resources compared with the first to find the values that vary
_encode_value = json.JSONEncoder().encode  # what json.dumps does, without its wrapper


def encode_many(resources: Sequence[dict[str, Any]]) -> list[bytes]:
    """``json.dumps(r).encode()`` of each resource, byte for byte.

    The first resource, with the values that differ in the next few replaced by a
    marker, is encoded once and split there: a template. A resource with the same
    keys, in the same order, and the template's other values is the template with
    its own values put in; any other resource is encoded whole."""
    if len(resources) < 2:
        return [_dumps(r) for r in resources]
    first = resources[0]
    keys = tuple(first)
    if not all(type(k) is str for k in keys):
        return [_dumps(r) for r in resources]  # 1 and True are one key to ==, not to JSON
    # == holds between values JSON writes apart (False == 0, 1 == 1.0, 0.0 == -0.0,
    # dicts in another key order); their reprs differ as their encodings do, so a
    # value that is not text is the template's only if its repr is too.
    varying = [
        k for k in keys if any(not _same(r.get(k), first[k]) for r in resources[1 : 1 + _SAMPLE])
    ]
    fixed = [k for k in keys if k not in varying]
    if not varying or not fixed:
        return [_dumps(r) for r in resources]
    prototype = {k: (_SLOT if k in varying else v) for k, v in first.items()}
    parts = json.dumps(prototype).split(json.dumps(_SLOT))
    if len(parts) != len(varying) + 1:  # the marker appeared elsewhere too
        return [_dumps(r) for r in resources]
    fixed_of, fixed_values = itemgetter(*fixed), itemgetter(*fixed)(first)
    untyped = [k for k in fixed if type(first[k]) is not str]  # text: == is enough
    untyped_of = itemgetter(*untyped) if untyped else None
    untyped_repr = repr(untyped_of(first)) if untyped_of else ""
    varying_of = itemgetter(*varying)
    single = len(varying) == 1
    encoded: list[bytes] = []
    for resource in resources:
        if (
            tuple(resource) != keys
            or fixed_of(resource) != fixed_values
            or (untyped_of is not None and repr(untyped_of(resource)) != untyped_repr)
        ):
            encoded.append(_dumps(resource))
            continue
        values = (varying_of(resource),) if single else varying_of(resource)
        pieces = [parts[0]]
        for value, part in zip(values, parts[1:], strict=True):
            pieces.append(_string(value) if type(value) is str else _encode_value(value))
            pieces.append(part)
        encoded.append("".join(pieces).encode("utf-8"))
    return encoded


def _same(a: object, b: object) -> bool:
    """Whether ``a`` and ``b`` are encoded alike: equal, and (unless text) of equal repr."""
    return a == b and (type(a) is str or repr(a) == repr(b))


def _dumps(resource: dict[str, Any]) -> bytes:
    return json.dumps(resource).encode("utf-8")
