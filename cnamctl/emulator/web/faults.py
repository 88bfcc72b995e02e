"""Fault injection: a 500, a connection reset, or a committed write whose answer is lost.

Draws come from a RNG seeded with ``fault_seed`` (else ``random_seed``), so a run
is reproducible. Dropping
a connection is real: the socket (which werkzeug's server exposes in the environ as
``werkzeug.socket``) is shut down with SO_LINGER 0, so the client sees a reset or
"Remote end closed connection without response"; then :class:`ConnectionDropped`
(a ConnectionError, which werkzeug's handler treats as a dropped client) unwinds
the request without writing anything.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
from typing import Any

from cnamctl.emulator.config import EmulatorConfig


class ConnectionDropped(ConnectionAbortedError):
    """Raised after the emulator deliberately dropped the client's connection."""


class FaultInjector:
    def __init__(self, config: EmulatorConfig) -> None:
        self._lock = threading.Lock()
        self.configure(config)

    def configure(self, config: EmulatorConfig) -> None:
        with self._lock:
            self._rate = config.fault_rate
            self._kinds = tuple(config.fault_kinds)
            seed = config.fault_seed if config.fault_seed is not None else config.random_seed
            self._rng = random.Random(seed)

    def draw(self) -> str | None:
        """The fault to inject into this request, if any."""
        with self._lock:
            if self._rate <= 0.0 or self._rng.random() >= self._rate:
                return None
            return self._rng.choice(self._kinds)


def drop_connection(environ: dict[str, Any]) -> None:
    """Close the client's connection without an answer, then unwind the request."""
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionDropped("connection dropped by fault injection")
