"""Serving the WSGI app with werkzeug's threaded server, in the foreground or a thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_log = logging.getLogger("cnamctl.emulator.access")


class _Handler(WSGIRequestHandler):
    """Access log through logging (DEBUG), not werkzeug's stderr lines."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug('"%s" %s %s', self.requestline, code, size)

    def log_error(self, format: str, *args: Any) -> None:
        _log.debug(format, *args)


def build_server(app: Any, host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
    """A threaded server bound to ``host:port`` (0 picks a free port)."""
    return make_server(host, port, app, threaded=True, request_handler=_Handler)


def base_url(server: BaseWSGIServer) -> str:
    address = server.server_address[0]
    host = address.decode() if isinstance(address, bytes) else str(address)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{server.server_port}"


@dataclass
class ServerHandle:
    """A server running in a background thread."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        return base_url(self.server)

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    def shutdown(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@contextmanager
def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[ServerHandle]:
    server = build_server(app, host, port)
    # A short poll interval makes shutdown() quick (it waits for the loop to notice).
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"cnamctl-emulator:{server.server_port}",
        daemon=True,
    )
    thread.start()
    handle = ServerHandle(server, thread)
    try:
        yield handle
    finally:
        handle.shutdown()
