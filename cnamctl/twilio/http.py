"""An HttpClient for the twilio SDK that sends every request to one base URL.

Twilio's SDK builds absolute URLs on its public hosts (api.twilio.com,
trusthub.twilio.com, ...). Pointing it at the emulator, or at a recording proxy,
only needs the scheme and host swapped; paths of the two APIs don't collide.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from requests.adapters import HTTPAdapter
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import Timeout
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from cnamctl.twilio.retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after

_log = logging.getLogger("cnamctl.http")


class RewritingHttpClient(TwilioHttpClient):
    """TwilioHttpClient with a base-URL override, a sized pool, GET retries and
    request accounting.

    ``base_url=None`` talks to Twilio itself. GETs are idempotent, so 429s, 5xx and
    connection errors are retried here under ``read_retry``; writes are never
    retried here (apply resolves an ambiguous write by reading back first).
    Request counts are kept per method so callers (benchmarks, ``-v``) can report
    them; credentials are never logged.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        pool_size: int = 32,
        read_retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(pool_connections=True, timeout=timeout)
        self._base = urlsplit(base_url.rstrip("/")) if base_url else None
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
        assert self.session is not None
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self._lock = threading.Lock()
        self.request_counts: Counter[str] = Counter()
        self.retries = 0
        self.read_retry = read_retry or RetryPolicy()
        # Quiet the SDK's own per-request INFO logging; ours is below.
        self.logger = logging.getLogger("cnamctl.http.sdk")
        self.logger.setLevel(logging.WARNING)

    def rewrite(self, url: str) -> str:
        if self._base is None:
            return url
        parts = urlsplit(url)
        if not parts.hostname or not parts.hostname.endswith("twilio.com"):
            return url
        prefix = self._base.path.rstrip("/")
        return urlunsplit(
            (self._base.scheme, self._base.netloc, prefix + parts.path, parts.query, "")
        )

    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if method.upper() != "GET":
            return self._send(method, url, params, data, headers, auth, timeout, allow_redirects)
        budget = self.read_retry.start()
        while True:
            try:
                response = self._send(
                    method, url, params, data, headers, auth, timeout, allow_redirects
                )
            except (RequestsConnectionError, Timeout):
                wait = budget.next_wait()
                if wait is None:
                    raise
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                retry_after = parse_retry_after((response.headers or {}).get("Retry-After"))
                wait = budget.next_wait(retry_after)
                if wait is None:
                    return response
            with self._lock:
                self.retries += 1
            time.sleep(wait)

    def _send(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None,
        data: dict[str, object] | None,
        headers: dict[str, str] | None,
        auth: tuple[str, str] | None,
        timeout: float | None,
        allow_redirects: bool,
    ) -> Response:
        target = self.rewrite(url)
        started = time.perf_counter()
        response: Any = None
        try:
            response = super().request(
                method, target, params, data, headers, auth, timeout, allow_redirects
            )
            return response
        finally:
            with self._lock:
                self.request_counts[method.upper()] += 1
            if _log.isEnabledFor(logging.DEBUG):
                status = response.status_code if response is not None else "ERR"
                _log.debug(
                    "%s %s -> %s (%.0f ms)",
                    method.upper(),
                    urlsplit(url).path,
                    status,
                    (time.perf_counter() - started) * 1000,
                )

    @property
    def total_requests(self) -> int:
        with self._lock:
            return sum(self.request_counts.values())
