"""An overall deadline per request, on top of the socket timeouts.

requests' timeouts bound each socket operation, not a request: a server that
sends one header byte every few seconds never trips a read timeout and keeps a
request (and the whole run) waiting for ever. Here one watchdog thread per HTTP
client holds the deadline of every request in flight; a request still running
at its deadline has its socket shut down, which wakes the blocked read with an
error, and the client reports the deadline (``timeouts.DeadlineExceeded``).

The sockets are found through the connection classes below: each registers the
socket it opens, or reuses, with the ``Watch`` of the request running on the
current thread (a request runs on one thread from start to end).
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

_current = threading.local()  # .watch: the Watch of the request this thread is sending


class Watch:
    """The sockets one request uses, and whether its deadline has passed."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.expired = False
        self._finished = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def attach(self, sock: Any) -> None:
        if not isinstance(sock, socket.socket):
            return  # e.g. a TLS-in-TLS proxy tunnel: its own timeouts still apply
        with self._lock:
            if self._finished:
                return
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def finish(self) -> None:
        with self._lock:
            self._finished = True
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also under a TLS socket (whose own shutdown would
    # unwrap TLS under the feet of the thread reading from it). OSError: already closed.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Watchdog:
    """A daemon thread expiring the watches whose deadline has passed; it runs while
    any request is in flight and ends when none is (one per process: ``WATCHDOG``)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._in_flight = 0

    @contextmanager
    def watch(self, seconds: float) -> Iterator[Watch]:
        """Watch the request sent inside the block (on this thread) for ``seconds``."""
        watch = Watch(time.monotonic() + seconds)
        with self._cond:
            heapq.heappush(self._heap, (watch.deadline, next(self._order), watch))
            self._in_flight += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="cnamctl-http-deadline", daemon=True
                )
                self._thread.start()
            self._cond.notify()
        previous = getattr(_current, "watch", None)
        _current.watch = watch
        try:
            yield watch
        finally:
            _current.watch = previous
            watch.finish()
            with self._cond:
                self._in_flight -= 1
                if not self._in_flight:
                    self._heap.clear()  # only finished watches were left
                    self._cond.notify()

    @property
    def running(self) -> bool:
        with self._cond:
            return self._thread is not None

    def _run(self) -> None:
        with self._cond:
            while self._heap:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    heapq.heappop(self._heap)[2].expire()
                if self._heap:
                    self._cond.wait(self._heap[0][0] - now)
            self._thread = None


WATCHDOG = Watchdog()


def _attach_current(sock: Any) -> None:
    watch: Watch | None = getattr(_current, "watch", None)
    if watch is not None and sock is not None:
        watch.attach(sock)


class _WatchMixin:
    """Registers the socket of a connection with the current request's watch."""

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        _attach_current(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach_current(getattr(self, "sock", None))  # kept alive: no _new_conn this time
        super().request(*args, **kwargs)  # type: ignore[misc]


@functools.cache
def _watched(connection_class: type) -> type:
    return type(f"Watched{connection_class.__name__}", (_WatchMixin, connection_class), {})


class _WatchedHTTPPool(HTTPConnectionPool):
    # Resolved at each use from urllib3's own pool class, so whatever replaces
    # urllib3's connection class there (vcrpy's recording stubs) is watched too.
    @property
    def ConnectionCls(self) -> type:  # type: ignore[override]  # urllib3's name
        return _watched(HTTPConnectionPool.ConnectionCls)


class _WatchedHTTPSPool(HTTPSConnectionPool):
    @property
    def ConnectionCls(self) -> type:  # type: ignore[override]
        return _watched(HTTPSConnectionPool.ConnectionCls)


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def use_watched_pools(manager: Any) -> None:
    """Make ``manager``'s connections register their sockets with the watch of the
    request using them (directly and through an HTTP(S) proxy)."""
    if isinstance(manager, PoolManager) and type(manager).__name__ != "SOCKSProxyManager":
        manager.pool_classes_by_scheme = dict(_POOLS)  # type: ignore[assignment]
