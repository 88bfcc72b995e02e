"""Read-after-write lag: what a lagging replica would answer for a while after a write.

The model (documented in docs/emulator.md, "Read-after-write lag"):

- Every write a client makes through the API (create, update) draws a delay ``d``
  uniformly from ``[0, lag_ms]`` (seeded by ``random_seed``); until ``written + d``
  the object is *lagging*.
- A GET that meets a lagging object that was **created** does not see it: a fetch
  answers 404, a list leaves it out.
- A GET that meets a lagging object that was **changed** sees its version before
  the write (``lag_changes = "stale"``, the default) or nothing at all
  (``"missing"``).
- A second write while an object lags restarts its delay and keeps the oldest
  version (a created object stays unseen until it has been visible once).
- Writes (POST, DELETE) always read the current state, as a primary would; a
  delete takes effect at once; review decisions and admin actions are not lagged.
- Visibility is per object and monotonic: once a GET has been able to see the
  new version, every later GET sees it.

State is in memory only (a restart ends every lag), recorded under the store's
lock by the write path of :class:`~cnamctl.emulator.storage.db.Db`, so readers
never see a half-recorded write.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any

Key = tuple[str, str]  # (table, sid)


@dataclass
class _Lagging:
    visible_at: float
    previous: dict[str, Any] | None  # None: created within the lag, not visible at all


class LagView:
    def __init__(
        self, lag_ms: float = 0.0, changes: str = "stale", seed: int | None = None
    ) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Key, _Lagging] = {}
        self.configure(lag_ms, changes, seed)

    def configure(self, lag_ms: float, changes: str, seed: int | None) -> None:
        with self._lock:
            self.lag_ms = lag_ms
            self.changes = changes
            self._rng = random.Random(None if seed is None else f"lag:{seed}")
            if lag_ms <= 0:
                self._entries.clear()

    @property
    def active(self) -> bool:
        return self.lag_ms > 0

    def wrote(self, table: str, sid: str, now: float, previous: dict[str, Any] | None) -> None:
        """A client wrote ``sid`` at ``now``; ``previous`` is its row before (None: new)."""
        if self.lag_ms <= 0:
            return
        with self._lock:
            delay = self._rng.uniform(0.0, self.lag_ms) / 1000.0
            entry = self._entries.get((table, sid))
            if entry is not None and entry.visible_at > now:
                previous = entry.previous  # the version readers still see
            self._entries[(table, sid)] = _Lagging(now + delay, previous)

    def deleted(self, table: str, sid: str) -> None:
        with self._lock:
            self._entries.pop((table, sid), None)

    def catch_up(self) -> None:
        """Every write visible now (what waiting ``lag_ms`` would do)."""
        with self._lock:
            self._entries.clear()

    def _lagging(self, table: str, now: float) -> dict[str, _Lagging]:
        with self._lock:
            expired = [key for key, entry in self._entries.items() if entry.visible_at <= now]
            for key in expired:
                del self._entries[key]
            return {sid: e for (t, sid), e in self._entries.items() if t == table}

    def view(self, table: str, now: float) -> tuple[frozenset[str], dict[str, dict[str, Any]]]:
        """(sids a GET must not see, sid -> the stale row it sees instead)."""
        hidden, stale = set(), {}
        for sid, entry in self._lagging(table, now).items():
            if entry.previous is None or self.changes == "missing":
                hidden.add(sid)
            else:
                stale[sid] = entry.previous
        return frozenset(hidden), stale

    def pending(self, now: float) -> int:
        """How many writes are not visible yet."""
        with self._lock:
            return sum(1 for e in self._entries.values() if e.visible_at > now)
