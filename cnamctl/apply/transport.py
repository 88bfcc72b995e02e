"""The apply's view of the SDK client: every request paced by the rate limiter.

``throttled_client`` builds a second SDK client on the same credentials whose
HttpClient wraps the caller's one (host rewriting, GET retries and request
counts stay where they are). The wrapper

* waits for a rate-limiter slot before every request,
* tells the limiter about every 429 (so all workers back off) and every success,
* remembers, per thread, the Retry-After of the last 429 it saw: the SDK's
  TwilioRestException carries no headers, and the retry loop needs it.
"""

from __future__ import annotations

import threading

from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from cnamctl.apply.ratelimit import RateLimiter
from cnamctl.twilio.retry import parse_retry_after


class ThrottledHttpClient(HttpClient):
    def __init__(self, inner: HttpClient, limiter: RateLimiter) -> None:
        super().__init__(inner.logger, False, inner.timeout)
        self.inner = inner
        self.limiter = limiter
        self._local = threading.local()

    def request(  # type: ignore[override]
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        self.limiter.acquire()
        self._local.retry_after = None
        response = self.inner.request(
            method, uri, params, data, headers, auth, timeout, allow_redirects
        )
        if response.status_code == 429:
            retry_after = parse_retry_after((response.headers or {}).get("Retry-After"))
            self._local.retry_after = retry_after
            self.limiter.throttled(retry_after)
        elif response.status_code < 500:
            self.limiter.succeeded()
        return response

    def last_retry_after(self) -> float | None:
        """Retry-After (seconds) of this thread's last response, if it was a 429."""
        value: float | None = getattr(self._local, "retry_after", None)
        return value


def throttled_client(client: Client, limiter: RateLimiter) -> tuple[Client, ThrottledHttpClient]:
    """A new SDK client sharing ``client``'s credentials and HTTP stack, paced by ``limiter``."""
    http = ThrottledHttpClient(client.http_client, limiter)
    paced = Client(
        username=client.username,
        password=client.password,
        account_sid=client.account_sid,
        http_client=http,
    )
    return paced, http
