"""Serving the WSGI app with werkzeug's threaded server, in the foreground or a thread.

Connections are kept alive, as Twilio's API keeps them: a client's pool sends
request after request on one connection (cnamctl's reads and the SDK's do), which
werkzeug's server alone never allows (it answers every request with ``Connection:
close``, because it cannot tell where a body it did not read ends). Here the body
is read whole before the app runs, so the next request's first byte is known to be
the next request; a request that cannot be read so (chunked, more than
``KEPT_BODY_BYTES``, HTTP/1.0, or asking to close) gets werkzeug's answer and the
connection closes after it, as does one whose connection a fault dropped. A
connection idle for ``IDLE_SECONDS`` is closed, and every open one when the
server shuts down.
"""

from __future__ import annotations

import io
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_log = logging.getLogger("cnamctl.emulator.access")


KEPT_BODY_BYTES = 1024 * 1024
IDLE_SECONDS = 60.0
_NOTHING = io.BytesIO(b"")


class _Handler(WSGIRequestHandler):
    """Keep-alive (see the module docstring); the access log through logging (DEBUG),
    not werkzeug's stderr lines."""

    timeout = IDLE_SECONDS  # of every read and write on the connection
    # An answer is written in pieces (headers, then body); on a connection kept open,
    # Nagle's algorithm holds the body until the client ACKs the headers, which it
    # delays: 40 ms an answer on Linux.
    disable_nagle_algorithm = True
    _keep_alive = False

    def setup(self) -> None:
        super().setup()
        _connections(self.server).add(self.connection)

    def finish(self) -> None:
        _connections(self.server).discard(self.connection)
        super().finish()

    def handle_one_request(self) -> None:
        rfile = self.rfile
        try:
            super().handle_one_request()
        finally:
            self.rfile = rfile  # the connection's own again, for the next request
            self._keep_alive = False

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        body = self._whole_body(environ)
        if body is not None:
            environ["wsgi.input"] = io.BytesIO(body)
            # werkzeug drains self.rfile after the app: nothing is left of this
            # request, and the next one's bytes must stay where they are
            self.rfile = _NOTHING
            self._keep_alive = True
        return environ

    def _whole_body(self, environ: dict[str, Any]) -> bytes | None:
        """The body read whole, when this connection can then carry the next request."""
        if self.close_connection or self.request_version != "HTTP/1.1":
            return None
        if "wsgi.input_terminated" in environ:  # chunked: werkzeug's own reading
            return None
        declared = environ.get("CONTENT_LENGTH") or "0"
        length = int(declared) if declared.isdigit() else KEPT_BODY_BYTES + 1
        if length > KEPT_BODY_BYTES:
            return None
        body = self.rfile.read(length) if length else b""
        return body if len(body) == length else None

    def send_header(self, keyword: str, value: str) -> None:
        if self._keep_alive and keyword.lower() == "connection" and value.lower() == "close":
            return  # werkzeug's on every answer: this one's connection stays open
        super().send_header(keyword, value)

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug('"%s" %s %s', self.requestline, code, size)

    def log_error(self, format: str, *args: Any) -> None:
        _log.debug(format, *args)


def build_server(app: Any, host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
    """A threaded server bound to ``host:port`` (0 picks a free port)."""
    server = make_server(host, port, app, threaded=True, request_handler=_Handler)
    server.open_connections = set()  # type: ignore[attr-defined]  # see close_connections
    return server


def _connections(server: Any) -> set[socket.socket]:
    connections: set[socket.socket] = server.open_connections
    return connections


def close_connections(server: BaseWSGIServer) -> None:
    """Shut down every connection still open (idle keep-alive ones wait for a request)."""
    for connection in list(_connections(server)):
        with suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)


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
        close_connections(self.server)
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
