"""One HTTP request sent with urllib3, the way requests sent it, for a third of the CPU.

requests was the HttpClient's transport until reading an account was measured
(bench/analysis.md, fourth round): of 1.7 ms of CPU a small list request cost, about
1 ms was requests' own (preparing the request, merging settings, cookies, hooks,
runtime protocol checks), and reading a 1.1 MB page cost 4.1 ms against urllib3's
1.7. requests sits on urllib3; what cnamctl used of requests is kept here, with
requests' own helpers where it has them:

* the environment's proxies (``HTTPS_PROXY``, ``NO_PROXY``, ``ALL_PROXY``; SOCKS
  when PySocks is installed) and CA bundle (``REQUESTS_CA_BUNDLE``,
  ``CURL_CA_BUNDLE``, else certifi's), read once per scheme and host;
* query and form encoding (a list is repeated keys, ``None`` is left out), JSON
  bodies, basic auth, compressed answers (``Accept-Encoding``) decoded;
* the text decoded by the charset of ``Content-Type`` (UTF-8 when it names none:
  Twilio's API answers JSON), when it is first read: a page decoded straight from
  its UTF-8 bytes (``Received.utf8``) is never turned into text;
* failures raised as requests' exception classes, mapped from urllib3's as
  requests' adapter maps them, each with ``.request`` (method and URL): retries,
  timeouts and the messages of ``failures.py`` see what they saw before.

Redirects are not followed (the SDK never asks to) and no cookie is kept.
"""

from __future__ import annotations

import base64
import codecs
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson
from requests import Request
from requests import exceptions as rx
from requests.utils import (
    DEFAULT_ACCEPT_ENCODING,
    DEFAULT_CA_BUNDLE_PATH,
    get_auth_from_url,
    get_encoding_from_headers,
    get_environ_proxies,
    prepend_scheme_if_needed,
    select_proxy,
)
from urllib3 import PoolManager, proxy_from_url
from urllib3 import exceptions as u3
from urllib3.response import BaseHTTPResponse
from urllib3.util import Retry, parse_url
from urllib3.util import Timeout as SocketTimeouts

from cnamctl.twilio.deadline import use_watched_pools
from cnamctl.twilio.timeouts import Timeouts

# requests' own: no retry inside urllib3 (the HttpClient retries, per failure kind),
# and a read error raised as itself rather than wrapped in MaxRetryError.
_NO_RETRIES = Retry(0, read=False)
_DEFAULT_HEADERS = {"Accept-Encoding": DEFAULT_ACCEPT_ENCODING, "Accept": "*/*"}
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Received:
    """An answer read whole."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    request: Request

    @cached_property
    def text(self) -> str:
        """The body as text, by its charset (invalid bytes replaced)."""
        return _decoded(self.content, self.headers)

    @property
    def utf8(self) -> bytes | None:
        """The body's bytes when its charset is UTF-8 (or it names none), for a
        decoder that reads UTF-8 itself; else None (read ``text``)."""
        encoding = get_encoding_from_headers(self.headers) or "utf-8"  # type: ignore[arg-type]
        try:
            return self.content if codecs.lookup(encoding).name == "utf-8" else None
        except LookupError:  # a charset Python does not know: text reads it as UTF-8
            return self.content


class Transport:
    """Connection pools (one set directly, one per proxy), shared by every thread."""

    def __init__(self, *, num_pools: int = 4, pool_size: int = 32) -> None:
        self._pool_options = {"num_pools": num_pools, "maxsize": pool_size, "block": False}
        self._lock = threading.Lock()
        self._routes: dict[tuple[str, str], str | None] = {}  # (scheme, host) -> proxy
        self._managers: dict[str | None, PoolManager] = {}  # proxy (None: direct) -> pools
        self._tls: dict[str, Any] | None = None

    def send(
        self,
        method: str,
        url: str,
        *,
        timeouts: Timeouts,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, object] | None = None,
        json: object = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> Received:
        """Send one request and read its answer whole; requests' exceptions on failure."""
        query = _encoded(params)
        if query:
            url = f"{url}{'&' if urlsplit(url).query else '?'}{query}"
        request = Request(method, url)  # a failure's ``.request``: it names the server
        sent = {**_DEFAULT_HEADERS, **(headers or {})}
        body: bytes | None = None
        if json is not None:
            body = orjson.dumps(json)
            _default_header(sent, "Content-Type", "application/json")
        elif data:
            body = _encoded(data).encode()
            _default_header(sent, "Content-Type", _FORM)
        if auth is not None:
            sent["Authorization"] = _basic(*auth)
        manager = self._manager_for(url, request)
        try:
            response = manager.urlopen(
                method,
                url,
                body=body,
                headers=sent,
                redirect=False,
                retries=_NO_RETRIES,
                preload_content=False,
                decode_content=False,
                timeout=SocketTimeouts(connect=timeouts.connect, read=timeouts.read),
            )
        except u3.MaxRetryError as err:  # before HTTPError, which it is
            raise _unreachable(err, request) from err
        except (u3.HTTPError, OSError) as err:
            raise _translated(err, _SENDING, request) from err
        return Received(response.status, response.headers, _read_whole(response, request), request)

    def route(self, url: str) -> str | None:
        """The proxy a request for ``url`` goes through (None: directly), as requests
        reads it from the environment, once per scheme and host."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        with self._lock:
            if key in self._routes:
                return self._routes[key]
        proxy = select_proxy(url, get_environ_proxies(url, no_proxy=None))
        if proxy:
            proxy = prepend_scheme_if_needed(proxy, "http")
        with self._lock:
            self._routes[key] = proxy or None
        return proxy or None

    def close(self) -> None:
        with self._lock:
            managers = list(self._managers.values())
            self._managers.clear()
        for manager in managers:
            manager.clear()

    def _manager_for(self, url: str, request: Request) -> PoolManager:
        proxy = self.route(url)
        with self._lock:
            manager = self._managers.get(proxy)
            if manager is None:
                manager = self._managers[proxy] = self._new_manager(proxy, request)
        return manager

    def _new_manager(self, proxy: str | None, request: Request) -> PoolManager:
        options: dict[str, Any] = {**self._pool_options, **self._tls_options()}
        if proxy is None:
            manager = PoolManager(**options)
        elif proxy.lower().startswith("socks"):
            try:
                from urllib3.contrib.socks import SOCKSProxyManager
            except ImportError as err:  # PySocks is not installed
                raise rx.InvalidSchema(
                    "a SOCKS proxy needs PySocks (pip install 'requests[socks]')",
                    request=request,
                ) from err
            username, password = get_auth_from_url(proxy)
            manager = SOCKSProxyManager(proxy, username=username, password=password, **options)
        else:
            if not parse_url(proxy).host:
                raise rx.InvalidProxyURL("the proxy URL has no host", request=request)
            username, password = get_auth_from_url(proxy)
            proxy_headers = {"Proxy-Authorization": _basic(username, password)} if username else {}
            manager = proxy_from_url(proxy, proxy_headers=proxy_headers, **options)
        use_watched_pools(manager)
        return manager

    def _tls_options(self) -> dict[str, Any]:
        """Verified TLS with the environment's CA bundle, as requests verifies it."""
        if self._tls is None:
            bundle = (
                os.environ.get("REQUESTS_CA_BUNDLE")
                or os.environ.get("CURL_CA_BUNDLE")
                or DEFAULT_CA_BUNDLE_PATH
            )
            where = "ca_cert_dir" if os.path.isdir(bundle) else "ca_certs"
            self._tls = {"cert_reqs": "CERT_REQUIRED", where: bundle}
        return self._tls


_Table = tuple[tuple[type[BaseException], type[rx.RequestException]], ...]

# urllib3's failures as requests' adapter turns them into its own, in its order: the
# first class the error is an instance of decides (the last rows catch the rest).
_SENDING: _Table = (
    (u3.LocationParseError, rx.InvalidURL),
    (u3.ProtocolError, rx.ConnectionError),
    (u3.ClosedPoolError, rx.ConnectionError),
    (u3.ProxyError, rx.ProxyError),
    (u3.SSLError, rx.SSLError),
    (u3.ReadTimeoutError, rx.ReadTimeout),
    (u3.InvalidHeader, rx.InvalidHeader),
    (u3.HTTPError, rx.ConnectionError),
    (OSError, rx.ConnectionError),
)
# ... and as requests' reading of a body does.
_READING: _Table = (
    (u3.ProtocolError, rx.ChunkedEncodingError),
    (u3.DecodeError, rx.ContentDecodingError),
    (u3.ReadTimeoutError, rx.ConnectionError),
    (u3.SSLError, rx.SSLError),
    (u3.HTTPError, rx.ConnectionError),
    (OSError, rx.ConnectionError),
)


def _translated(err: BaseException, table: _Table, request: Request) -> rx.RequestException:
    kind = next(ours for theirs, ours in table if isinstance(err, theirs))
    return kind(err, request=request)


def _unreachable(err: u3.MaxRetryError, request: Request) -> rx.RequestException:
    """requests' reading of urllib3's MaxRetryError: why the request got no answer."""
    reason = err.reason
    if isinstance(reason, u3.ConnectTimeoutError) and not isinstance(reason, u3.NewConnectionError):
        return rx.ConnectTimeout(err, request=request)
    if isinstance(reason, u3.ResponseError):
        return rx.RetryError(err, request=request)
    if isinstance(reason, u3.ProxyError):
        return rx.ProxyError(err, request=request)
    if isinstance(reason, u3.SSLError):
        return rx.SSLError(err, request=request)
    return rx.ConnectionError(err, request=request)


def _read_whole(response: BaseHTTPResponse, request: Request) -> bytes:
    """The body in one read (requests read it 10 KB at a time), its errors as
    requests' reading of a body raises them; the connection goes back to its pool."""
    try:
        return response.read(decode_content=True)
    except (u3.HTTPError, OSError) as err:
        raise _translated(err, _READING, request) from err
    finally:
        response.release_conn()


def _decoded(content: bytes, headers: Mapping[str, str]) -> str:
    encoding = get_encoding_from_headers(headers) or "utf-8"  # type: ignore[arg-type]
    try:
        return content.decode(encoding, errors="replace")
    except LookupError:  # a charset Python does not know
        return content.decode("utf-8", errors="replace")


def _encoded(values: Mapping[str, object] | None) -> str:
    """``values`` as requests encodes them: a list or tuple as repeated keys, ``None``
    left out, anything else by its ``str``."""
    if not values:
        return ""
    pairs: list[tuple[str, str | bytes]] = []
    for key, value in values.items():
        for item in _items(value):
            if item is not None:
                pairs.append((key, item if isinstance(item, str | bytes) else str(item)))
    return urlencode(pairs)


def _items(value: object) -> Iterable[object]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        return (value,)
    return value  # type: ignore[return-value]


def _default_header(headers: dict[str, str], name: str, value: str) -> None:
    if not any(key.lower() == name.lower() for key in headers):
        headers[name] = value


def _basic(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"
