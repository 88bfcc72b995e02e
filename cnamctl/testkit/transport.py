"""The in-process transport: twilio's HTTP client classes answered by an emulator.

While at least one :func:`~cnamctl.testkit.mock_twilio` block is open,
``TwilioHttpClient.request`` and ``AsyncTwilioHttpClient.request`` are replaced on
the classes themselves, so every ``twilio.rest.Client`` is covered: one made
before the block, one made inside it, one made by code under test that never
heard of cnamctl, and subclasses that call ``super().request``.

Why in-process and not a server on a free port: the emulator is a WSGI app, so a
request can be handed to it as a WSGI environ with no socket, no thread and no
port, which is faster, works where loopback networking is closed, and leaves
nothing running after a test. The request is still prepared by ``requests``
exactly as the SDK would send it (form encoding, headers, Basic auth), so the
emulator sees the bytes Twilio would see. What a socket adds is reproduced here:
a fault that drops the connection raises ``requests.exceptions.ConnectionError``,
and an answer slower than the client's timeout raises ``ReadTimeout`` (after the
emulator has done the work, as a real timeout after a committed write would).
Code that must speak HTTP itself (curl, another SDK) can use
``TwilioEmulator.base_url``, which serves the same emulator on a free port.

Requests to hosts other than Twilio's pass through untouched. Requests to a
Twilio host or path the emulator does not serve raise
:class:`UnsupportedTwilioRequest` instead of going to the internet.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.request import Request as TwilioRequest
from twilio.http.response import Response
from werkzeug.test import EnvironBuilder, run_wsgi_app

if TYPE_CHECKING:
    from cnamctl.emulator import Emulator

SERVED_PRODUCTS = ("api", "trusthub")
"""The first label of the Twilio hosts the emulator serves (api.twilio.com,
trusthub.twilio.com, and their edge/region forms such as trusthub.sydney.au1.twilio.com)."""


class UnsupportedTwilioRequest(NotImplementedError):
    """A request to a Twilio API the emulator does not model (``mock_twilio`` never
    lets it reach the internet)."""


def is_twilio_host(host: str | None) -> bool:
    return bool(host) and (host == "twilio.com" or str(host).endswith(".twilio.com"))


class _Route:
    """Which (method, path) pairs the emulator serves, from its ``operations()``."""

    def __init__(self, operations: list[tuple[str, str]]) -> None:
        self._patterns = [_template_pattern(template) for _, template in operations]

    def serves(self, path: str) -> bool:
        return any(pattern.fullmatch(path) for pattern in self._patterns)


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


class Dispatcher:
    """The stack of open ``mock_twilio`` blocks; requests go to the innermost one.

    The stack is process-wide, not per thread: code under test that calls Twilio
    from a thread pool is covered like code that calls it directly.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stack: list[tuple[Emulator, _Route]] = []
        self._originals: dict[type, Callable[..., Any]] = {}

    def push(self, emulator: Emulator) -> None:
        with self._lock:
            if not self._stack:
                self._install()
            self._stack.append((emulator, _Route(emulator.operations())))

    def pop(self, emulator: Emulator) -> None:
        with self._lock:
            for i in range(len(self._stack) - 1, -1, -1):
                if self._stack[i][0] is emulator:
                    del self._stack[i]
                    break
            if not self._stack:
                self._uninstall()

    def active(self) -> tuple[Emulator, _Route] | None:
        with self._lock:
            return self._stack[-1] if self._stack else None

    def original(self, cls: type) -> Callable[..., Any]:
        return self._originals.get(cls) or cls.__dict__["request"]

    def _install(self) -> None:
        self._originals = {
            TwilioHttpClient: TwilioHttpClient.__dict__["request"],
            AsyncTwilioHttpClient: AsyncTwilioHttpClient.__dict__["request"],
        }
        TwilioHttpClient.request = _sync_request  # type: ignore[method-assign]
        AsyncTwilioHttpClient.request = _async_request  # type: ignore[method-assign]

    def _uninstall(self) -> None:
        for cls, original in self._originals.items():
            cls.request = original  # type: ignore[attr-defined]
        self._originals = {}


DISPATCHER = Dispatcher()


def _intercepted(url: str) -> tuple[Emulator, _Route] | None:
    """The emulator that answers ``url``; None: the SDK's own code sends it."""
    active = DISPATCHER.active()
    return active if active is not None and is_twilio_host(urlsplit(url).hostname) else None


def _sync_request(
    self: TwilioHttpClient,
    method: str,
    url: str,
    params: dict[str, object] | None = None,
    data: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    timeout: float | None = None,
    allow_redirects: bool = False,
) -> Response:
    active = _intercepted(url)
    if active is None:
        original = DISPATCHER.original(TwilioHttpClient)
        return original(  # type: ignore[no-any-return]
            self, method, url, params, data, headers, auth, timeout, allow_redirects
        )
    timeout = self.timeout if timeout is None else timeout
    return _answer(self, active, method, url, params, data, headers, auth, timeout)


async def _async_request(
    self: AsyncTwilioHttpClient,
    method: str,
    url: str,
    params: dict[str, object] | None = None,
    data: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    timeout: float | None = None,
    allow_redirects: bool = False,
) -> Response:
    active = _intercepted(url)
    if active is None:
        original = DISPATCHER.original(AsyncTwilioHttpClient)
        return await original(  # type: ignore[no-any-return]
            self, method, url, params, data, headers, auth, timeout, allow_redirects
        )
    # In a worker thread: the emulator's latency must not stall the event loop.
    return await asyncio.to_thread(
        _answer, self, active, method, url, params, data, headers, auth, timeout
    )


def _answer(
    client: Any,
    active: tuple[Emulator, _Route],
    method: str,
    url: str,
    params: dict[str, object] | None,
    data: dict[str, object] | None,
    headers: dict[str, str] | None,
    auth: tuple[str, str] | None,
    timeout: float | None,
) -> Response:
    """One request through the emulator, with the SDK client's bookkeeping."""
    if timeout is not None and timeout <= 0:
        raise ValueError(timeout)
    emulator, route = active
    kwargs: dict[str, Any] = {
        "method": method.upper(),
        "url": url,
        "params": params,
        "headers": headers,
        "auth": auth,
    }
    json_body = bool(headers) and (headers or {}).get("Content-Type") in (
        "application/json",
        "application/scim+json",
    )
    kwargs["json" if json_body else "data"] = data
    client.log_request(kwargs)
    client._test_only_last_response = None
    client._test_only_last_request = TwilioRequest(**kwargs)
    prepared = requests.Session().prepare_request(requests.Request(**kwargs))
    parts = urlsplit(prepared.url or url)
    host = parts.hostname or ""
    if host.split(".")[0] not in SERVED_PRODUCTS or not route.serves(parts.path):
        raise UnsupportedTwilioRequest(
            f"mock_twilio: {kwargs['method']} https://{host}{parts.path} is not "
            "emulated (the emulator serves Trust Hub v1 and the voice-number parts of API "
            "2010: see docs/test-kit.md)"
        )
    started = time.monotonic()
    status, body, reply_headers = _call_wsgi(emulator, prepared, host)
    if timeout is not None and time.monotonic() - started > timeout:
        raise requests.exceptions.ReadTimeout(
            f"HTTPSConnectionPool(host='{host}', port=443): Read timed out. "
            f"(read timeout={timeout})",
            request=prepared,
        )
    response = Response(status, body.decode("utf-8"), reply_headers)
    client.log_response(status, response)
    client._test_only_last_response = response
    return response


def _call_wsgi(
    emulator: Emulator, prepared: requests.PreparedRequest, host: str
) -> tuple[int, bytes, CaseInsensitiveDict[str]]:
    body = prepared.body or b""
    builder = EnvironBuilder(
        path=prepared.path_url,
        base_url=f"https://{host}",
        method=prepared.method or "GET",
        headers=list(prepared.headers.items()),
        data=body.encode("utf-8") if isinstance(body, str) else body,
    )
    environ = builder.get_environ()
    try:
        app_iter, status, headers = run_wsgi_app(emulator.wsgi_app, environ, buffered=True)
    except ConnectionError as err:  # the emulator dropped the connection (a fault)
        raise requests.exceptions.ConnectionError(
            "('Connection aborted.', RemoteDisconnected('Remote end closed connection "
            "without response'))",
            request=prepared,
        ) from err
    finally:
        builder.close()
    try:
        content = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
    return int(status.split(" ", 1)[0]), content, CaseInsensitiveDict(headers.items())
