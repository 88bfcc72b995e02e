"""The one path between the handlers and the tables.

A :class:`Db` is one request's view of the database, inside that request's
transaction. Handlers never run SQL themselves: they read through ``get`` /
``page`` (what a client sees: read-after-write lag applies to GET requests) or
``find`` / ``exists`` / the named queries of ``storage/queries.py`` (what a write
checks: always the current state), and write through ``insert`` / ``update`` /
``delete``, which is where lag is recorded and rendered rows are dropped from
the cache. Having one path is what makes both of those exact.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from cnamctl.emulator.storage.lag import LagView
from cnamctl.emulator.storage.paging import Page, PageRequest, sql_page
from cnamctl.emulator.storage.rendered import Fragments, RenderCache, encode_many
from cnamctl.emulator.storage.store import Store

if TYPE_CHECKING:
    from cnamctl.emulator.clock import Clock


class Row(Protocol):
    """A row by column name: a sqlite3.Row, or a dict for a stale (lagging) version."""

    def __getitem__(self, key: str) -> Any: ...


Render = Callable[[Row], dict[str, Any]]

_IN_CHUNK = 500  # SQLite's default limit of bound parameters is far above this


class Db:
    def __init__(
        self,
        conn: sqlite3.Connection,
        now: float,
        *,
        cache: RenderCache,
        lag: LagView | None = None,
        lagged_reads: bool = False,
    ) -> None:
        """``lag``: record this transaction's writes as lagging (client writes);
        ``lagged_reads``: reads see the lag (GET requests)."""
        self.conn = conn
        self.now = now
        self._cache = cache
        self._lag = lag if lag is not None and lag.active else None
        self._lagged_reads = lagged_reads and self._lag is not None

    def system(self) -> Db:
        """The same transaction without lag: for what Twilio itself does (reviews)."""
        return Db(self.conn, self.now, cache=self._cache)

    # -- what a client sees --------------------------------------------------------

    def _view(self, table: str) -> tuple[frozenset[str], dict[str, dict[str, Any]]]:
        if not self._lagged_reads:
            return frozenset(), {}
        assert self._lag is not None
        return self._lag.view(table, self.now)

    def get(self, table: str, sid: str, **equal: Any) -> Row | None:
        """The row ``sid`` of ``table`` whose columns equal ``equal``, as a client sees it."""
        row = self.find(table, sid=sid, **equal)
        if row is None or not self._lagged_reads:
            return row
        hidden, stale = self._view(table)
        if sid in hidden:
            return None
        old = stale.get(sid)
        if old is not None and any(old.get(k) != v for k, v in equal.items()):
            return None
        return old if old is not None else row

    def page(
        self, table: str, where: str, args: Sequence[Any], req: PageRequest, render: Render
    ) -> tuple[Page, Fragments]:
        """One keyset page of ``table``, rendered: cached encodings where rows are
        unchanged, stale versions where they lag."""
        hidden, stale = self._view(table)
        page = sql_page(self.conn, table, where, args, req, columns="sid", exclude=hidden)
        sids = [str(row["sid"]) for row in page.items]
        cached = self._cache.get_many(table, sids)
        if not stale and None not in cached:  # every row served before, none lagging
            return page, Fragments(cached)  # type: ignore[arg-type]  # no None in it
        missing = [s for s, c in zip(sids, cached, strict=True) if c is None and s not in stale]
        # By primary key: as quick as a second scan of an unfiltered page, and a filtered
        # one (PhoneNumber patterns) is not searched again.
        rows = self._rows_by_sid(table, missing)
        fresh = dict(zip(missing, encode_many([render(rows[sid]) for sid in missing]), strict=True))
        encoded: list[bytes] = []
        for sid, hit in zip(sids, cached, strict=True):
            if sid in stale:
                encoded.append(_encode(render(stale[sid])))
            elif hit is not None:
                encoded.append(hit)
            else:
                self._cache.put(table, sid, fresh[sid])
                encoded.append(fresh[sid])
        return page, Fragments(encoded)

    def _rows_by_sid(self, table: str, sids: list[str]) -> dict[str, sqlite3.Row]:
        found: dict[str, sqlite3.Row] = {}
        for start in range(0, len(sids), _IN_CHUNK):
            chunk = sids[start : start + _IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT * FROM {table} WHERE sid IN ({marks})", chunk):
                found[row["sid"]] = row
        return found

    # -- what a write checks (always current) ------------------------------------------

    def find(self, table: str, **equal: Any) -> sqlite3.Row | None:
        """The first row (by SID) whose columns equal ``equal``."""
        where, args = _equal(equal)
        return self.conn.execute(
            f"SELECT * FROM {table} WHERE {where} ORDER BY sid LIMIT 1", args
        ).fetchone()

    def exists(self, table: str, **equal: Any) -> bool:
        where, args = _equal(equal)
        found = self.conn.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", args)
        return found.fetchone() is not None

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """A read written out in storage/queries.py (joins the rules need)."""
        return self.conn.execute(sql, args).fetchall()

    # -- writes ---------------------------------------------------------------------

    def insert(self, table: str, **values: Any) -> sqlite3.Row:
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
        )
        sid = str(values["sid"]) if "sid" in values else str(values["call_sid"])
        self._wrote(table, sid, None)
        key = "sid" if "sid" in values else "call_sid"
        row = self.conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (sid,)).fetchone()
        assert row is not None
        return row

    def update(self, table: str, sid: str, **values: Any) -> sqlite3.Row:
        before = self.find(table, sid=sid)
        if before is None:
            raise LookupError(f"no {table} row {sid}")
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE sid = ?", (*values.values(), sid)
        )
        self._wrote(table, sid, dict(before))
        row = self.find(table, sid=sid)
        assert row is not None
        return row

    def delete(self, table: str, key: str = "sid", **equal: Any) -> int:
        """Delete the rows whose columns equal ``equal`` (cascades run in SQLite)."""
        where, args = _equal(equal)
        gone = [
            str(r[0]) for r in self.conn.execute(f"SELECT {key} FROM {table} WHERE {where}", args)
        ]
        self.conn.execute(f"DELETE FROM {table} WHERE {where}", args)
        for sid in gone:
            self._cache.drop(table, sid)
            if self._lag is not None:
                self._lag.deleted(table, sid)
        return len(gone)

    def _wrote(self, table: str, sid: str, before: dict[str, Any] | None) -> None:
        self._cache.drop(table, sid)
        if self._lag is not None:
            self._lag.wrote(table, sid, self.now, before)


class Database:
    """The store with what every transaction shares: the clock, the render cache
    and the lag. :meth:`transaction` opens one :class:`Db`."""

    def __init__(self, store: Store, clock: Clock, lag: LagView, cache: RenderCache) -> None:
        self.store = store
        self.clock = clock
        self.lag = lag
        self.cache = cache

    @contextmanager
    def transaction(self, *, client: bool = False, reading: bool = False) -> Iterator[Db]:
        """``client``: a Twilio API request (its writes lag); ``reading``: a GET
        request (its reads see the lag)."""
        with self.store.transaction() as conn:
            yield Db(
                conn,
                self.clock.time(),
                cache=self.cache,
                lag=self.lag if client else None,
                lagged_reads=client and reading,
            )

    def written_around(self) -> None:
        """Something wrote without a Db (seeding): forget every rendered row."""
        self.cache.clear()

    def render_ahead(
        self, table: str, where: str, args: Sequence[Any], render: Render, *, up_to: float
    ) -> int:
        """Render the rows of ``table`` matching ``where`` into the cache now, in SID
        order, a page at a time, while the cache is less than ``up_to`` full; the
        count rendered. A row written later is dropped and rendered again when next
        listed, as always: this only moves each row's first encoding from the
        first list that serves it to the emulator's start."""
        done = 0
        with self.store.transaction() as conn:
            rows = conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY sid", args)
            while (chunk := rows.fetchmany(_AHEAD_CHUNK)) and self.cache.filled < up_to:
                rendered = encode_many([render(row) for row in chunk])
                for row, encoded in zip(chunk, rendered, strict=True):
                    self.cache.put(table, str(row["sid"]), encoded)
                done += len(chunk)
            rows.close()  # stopped early when the cache filled up
        return done


_AHEAD_CHUNK = 1000


def _equal(equal: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    if not equal:
        return "1", ()
    return " AND ".join(f"{column} = ?" for column in equal), tuple(equal.values())


def _encode(resource: dict[str, Any]) -> bytes:
    return json.dumps(resource).encode("utf-8")
