"""Rows already encoded as JSON, so a 1,000-item page costs a join, not 1,000 encodings.

A list answer is mostly resources that have not changed since they were last
served. :class:`RenderCache` keeps the encoded JSON of each row served in a list
(``(table, sid) -> bytes``); the write path of
:class:`~cnamctl.emulator.storage.db.Db` drops a row's entry whenever it writes
that row, inside the same locked transaction, so a stale entry can never be
served (a rolled-back write only costs a re-encoding). Anything that writes
around ``Db`` (seeding) clears the whole cache.

The cache is bounded: past ``max_bytes`` it starts over.
"""

from __future__ import annotations

import threading

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


class Fragments:
    """A JSON array whose items are already encoded (spliced in by the HTTP layer)."""

    __slots__ = ("items",)

    def __init__(self, items: list[bytes]) -> None:
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def encoded(self) -> bytes:
        return b"[" + b", ".join(self.items) + b"]"
