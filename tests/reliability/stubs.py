"""Small HTTP servers that misbehave, for cnamctl to meet (stdlib only).

``FakeTwilio`` answers what a snapshot reads, as Twilio documents it: empty
lists of every kind in both APIs' envelopes, and a subaccount's
``Accounts/{Sid}.json`` (with its auth token) for its parent's auth token or a
Main API key; a Standard key gets Twilio's documented refusal there (HTTP 401,
code 20003, docs/exit-codes.md). Any path's answer can be replaced by a
``Behaviour``:

* ``Answer``: a status, body and headers, sent properly (Content-Length);
* ``Silent``: read the request, then never answer;
* ``Trickle``: send a status line one byte at a time, every ``interval`` s, forever;
* ``Drop``: close the connection without a word;
* any callable ``(Seen) -> Behaviour``, for answers that depend on the request
  (paging that never ends).

Every request is recorded (``seen``), so a test can count what cnamctl sent.
``closed_port()`` gives a port nothing listens on.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

AUTH_401 = {
    "code": 20003,
    "message": "Authentication Error - invalid username",
    "more_info": "https://www.twilio.com/docs/errors/20003",
    "status": 401,
}
NOT_FOUND = {
    "code": 20404,
    "message": "The requested resource was not found",
    "more_info": "https://www.twilio.com/docs/errors/20404",
    "status": 404,
}


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    username: str | None  # of the Basic credentials, if any


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class Silent:
    pass


@dataclass(frozen=True)
class Trickle:
    interval: float = 0.1


@dataclass(frozen=True)
class Drop:
    pass


Behaviour = Answer | Silent | Trickle | Drop | Callable[[Seen], Any]


def json_answer(body: Any, status: int = 200) -> Answer:
    return Answer(status, body, {"Content-Type": "application/json; charset=utf-8"})


def html_answer(body: str, status: int = 200, **headers: str) -> Answer:
    return Answer(status, body, {"Content-Type": "text/html", **headers})


def trusthub_page(records: list[Any], next_url: str | None = None, page: int = 0) -> dict:
    return {
        "results": records,
        "meta": {
            "key": "results",
            "page": page,
            "page_size": 1000,
            "first_page_url": None,
            "previous_page_url": None,
            "next_page_url": next_url,
            "url": None,
        },
    }


def api2010_page(key: str, records: list[Any], next_uri: str | None = None, page: int = 0):
    return {key: records, "next_page_uri": next_uri, "page": page, "page_size": 1000}


LISTS_2010 = {"IncomingPhoneNumbers.json": "incoming_phone_numbers",
              "OutgoingCallerIds.json": "outgoing_caller_ids"}  # fmt: skip
LISTS_TRUSTHUB = ("/v1/CustomerProfiles", "/v1/TrustProducts", "/v1/EndUsers")


class FakeTwilio:
    """See the module docstring. ``tokens``: account SID -> auth token (subaccounts
    are fetched with their parent's credentials); ``keys``: API key SID -> kind."""

    def __init__(
        self,
        tokens: dict[str, str] | None = None,
        keys: dict[str, str] | None = None,
    ) -> None:
        self.tokens = dict(tokens or {})
        self.keys = dict(keys or {})
        self.routes: list[tuple[re.Pattern[str], Behaviour]] = []
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True

    @property
    def server_name(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"http://{self.server_name}"

    def on(self, path: str, behaviour: Behaviour) -> None:
        """Answer requests whose path matches the regex ``path`` (fully) so."""
        with self.lock:
            self.routes.insert(0, (re.compile(path), behaviour))

    def clear(self) -> None:
        with self.lock:
            self.routes.clear()
            self.seen.clear()

    def count(self, path: str | None = None) -> int:
        with self.lock:
            return sum(1 for s in self.seen if path is None or re.fullmatch(path, s.path))

    # --- what Twilio would answer --------------------------------------------------

    def default(self, seen: Seen) -> Behaviour:
        if seen.path in LISTS_TRUSTHUB:
            return json_answer(trusthub_page([]))
        match = re.fullmatch(r"/2010-04-01/Accounts/(AC\w+)(?:/(\w+\.json)|\.json)", seen.path)
        if match and match.group(2) in LISTS_2010:
            return json_answer(api2010_page(LISTS_2010[match.group(2)], []))
        if match and match.group(2) is None:
            return self._account(match.group(1), seen)
        return json_answer(NOT_FOUND, 404)

    def _account(self, sid: str, seen: Seen) -> Behaviour:
        """Accounts/{Sid}.json: Standard and Restricted keys may not read it."""
        key = seen.username if seen.username and seen.username.startswith("SK") else None
        if key is not None and self.keys.get(key) != "main":
            return json_answer(AUTH_401, 401)
        if sid not in self.tokens:
            return json_answer(NOT_FOUND, 404)
        return json_answer({"sid": sid, "auth_token": self.tokens[sid], "status": "active"})

    def behaviour(self, seen: Seen) -> Behaviour:
        with self.lock:
            self.seen.append(seen)
            chosen = next((b for p, b in self.routes if p.fullmatch(seen.path)), None)
        behaviour = chosen if chosen is not None else self.default(seen)
        while callable(behaviour):
            behaviour = behaviour(seen)
        return behaviour

    @contextmanager
    def running(self) -> Iterator[FakeTwilio]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.stopping.set()
            self.server.shutdown()
            self.server.server_close()
            thread.join(timeout=5)


def _handler(stub: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            parts = urlsplit(self.path)
            seen = Seen(self.command, parts.path, parse_qs(parts.query), _username(self.headers))
            behaviour = stub.behaviour(seen)
            if isinstance(behaviour, Answer):
                payload = behaviour.payload()
                self.send_response(behaviour.status)
                for key, value in behaviour.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            elif isinstance(behaviour, Silent):
                stub.stopping.wait()
                self.close_connection = True
            elif isinstance(behaviour, Trickle):
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"." * 100_000:
                    if stub.stopping.wait(behaviour.interval):
                        break
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        break  # the client gave up
                self.close_connection = True
            else:  # Drop: the connection is closed once the handler returns
                self.close_connection = True

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, *args: object) -> None:
            pass

        def handle(self) -> None:
            with contextlib.suppress(OSError):  # the client hung up on a misbehaving answer
                super().handle()

    return Handler


def _username(headers: Any) -> str | None:
    value = headers.get("Authorization") or ""
    if not value.startswith("Basic "):
        return None
    try:
        return base64.b64decode(value[6:]).decode().split(":", 1)[0]
    except ValueError:
        return None


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
