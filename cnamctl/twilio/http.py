"""The twilio SDK's HttpClient, as cnamctl needs it.

Every request

1. goes to the base URL when one is set (the emulator, a recording proxy: the
   SDK builds URLs on Twilio's hosts, and only scheme and host are swapped; paths
   of the two APIs do not collide), and only ever to a Twilio host: a URL
   elsewhere (a next-page link a server made up) is refused, so the credentials
   never travel to another host;
2. waits for a slot of the account's rate limiter (``ratelimit.py``; unlimited
   unless ``apply --max-rps`` set one) and tells it about 429s and successes;
   a metered client (``metered``: billed Lookups) first asks its ``RequestMeter``
   whether the attempt may be sent, and tells it when a 429 made it cost nothing;
3. is bounded: a connect timeout, a read timeout (silence on the socket) and an
   overall deadline (``deadline.py``), which also stops a server trickling bytes;
4. returns only an answer shaped like Twilio's (``answers.py``), and a page only
   while paging moves forward and ends (``paging.py``, which also bounds the
   SDK's own ``.list()`` calls): anything else raises NotTwilioError naming the
   server.

Requests go out through ``transport.py`` (urllib3 directly, with requests'
behaviour and exception classes: a third of requests' CPU per request).

GETs are idempotent, so they are retried here, each failure kind under its own
budget (``ReadRetries``): 429 and 5xx patiently, an unreachable server a couple
of times quickly, a timeout once. Writes are sent once: apply resolves an
ambiguous write by reading back first. Request counts are kept per method for
benchmarks and ``-v``; credentials are never logged.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol
from urllib.parse import urlsplit, urlunsplit

from requests.exceptions import (
    ChunkedEncodingError,
    ConnectTimeout,
    ContentDecodingError,
    ReadTimeout,
    RequestException,
    Timeout,
)
from requests.exceptions import ConnectionError as RequestsConnectionError
from twilio.http import HttpClient

from cnamctl.errors import NotTwilioError
from cnamctl.twilio.answers import Answer, parse_answer
from cnamctl.twilio.deadline import WATCHDOG
from cnamctl.twilio.inflight import DEFAULT as DEFAULT_IN_FLIGHT
from cnamctl.twilio.paging import PagingGuard
from cnamctl.twilio.ratelimit import RateLimiter
from cnamctl.twilio.retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after
from cnamctl.twilio.timeouts import (
    DEFAULT_TIMEOUTS,
    ConnectTimedOut,
    DeadlineExceeded,
    ReadTimedOut,
    Timeouts,
)
from cnamctl.twilio.transport import Received, Transport
from cnamctl.twilio.url import ApiUrl, is_twilio_host, server_of

_log = logging.getLogger("cnamctl.http")

OK = 200
THROTTLED = 429


@dataclass(frozen=True)
class ReadRetries:
    """Retry budgets of one GET, by failure kind."""

    answers: RetryPolicy = field(default_factory=RetryPolicy)  # 429, 5xx
    unreachable: RetryPolicy = field(  # refused, unresolvable, reset, cut off
        default_factory=lambda: RetryPolicy(
            max_attempts=3, base_delay=0.2, max_delay=1.0, total_timeout=5.0
        )
    )
    timeouts: RetryPolicy = field(  # connect or read timeout, deadline
        default_factory=lambda: RetryPolicy(
            max_attempts=2, base_delay=0.2, max_delay=1.0, total_timeout=120.0
        )
    )


class RequestMeter(Protocol):
    """Counts attempts that may be billed (``verify``'s lookup budget)."""

    def attempt(self, first: bool) -> None:
        """Before an attempt is sent (``first``: not a retry); raises
        BudgetSpentError when it may not be."""

    def not_billed(self) -> None:
        """The attempt just answered 429: Twilio refused it, it cost nothing."""


_JSON_TYPES = ("application/json", "application/scim+json")  # else a form, as the SDK does
_CUT_OFF = (RequestsConnectionError, ChunkedEncodingError, ContentDecodingError)


class _Counts:
    """Request and retry counts, shared by a client and its ``paced`` twins."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_method: Counter[str] = Counter()
        self.retries = 0


class RewritingHttpClient(HttpClient):
    """See the module docstring. ``base_url=None`` talks to Twilio itself."""

    def __init__(
        self,
        base_url: str | ApiUrl | None = None,
        *,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        pool_size: int = DEFAULT_IN_FLIGHT,
        retries: ReadRetries | None = None,
        limiter: RateLimiter | None = None,
        meter: RequestMeter | None = None,
    ) -> None:
        super().__init__(logging.getLogger("cnamctl.http.sdk"), False, None)
        if isinstance(base_url, str):
            base_url = ApiUrl.parse(base_url)
        self.base = base_url
        self.timeouts = timeouts
        self.retries_policy = retries or ReadRetries()
        self.limiter = limiter or RateLimiter(None)
        self.meter = meter
        self.pool_size = pool_size  # connections kept: a read's requests in flight
        self.transport = Transport(pool_size=pool_size)
        self._watchdog = WATCHDOG
        self._paging = PagingGuard()
        self._counts = _Counts()
        self._local = threading.local()

    def paced(self, limiter: RateLimiter) -> RewritingHttpClient:
        """A twin paced by ``limiter``, sharing this client's connections and counts."""
        twin = copy.copy(self)
        twin.limiter = limiter
        twin._local = threading.local()
        return twin

    def metered(self, meter: RequestMeter) -> RewritingHttpClient:
        """A twin whose every attempt ``meter`` counts, sharing this client's
        connections, limiter and counts."""
        twin = copy.copy(self)
        twin.meter = meter
        twin._local = threading.local()
        return twin

    # --- where a request goes --------------------------------------------------------

    def rewrite(self, url: str) -> str:
        """``url`` aimed at the base URL; NotTwilioError for a host that is not Twilio's."""
        parts = urlsplit(url)
        if parts.scheme != "https" or not is_twilio_host(parts.hostname):
            raise NotTwilioError(
                f"refusing to send the Twilio credentials to {server_of(url)}: "
                "not one of Twilio's hosts (a server answered with a link there)"
            )
        if self.base is None:
            return url
        path = self.base.path + parts.path
        return urlunsplit((self.base.scheme, self.base.server, path, parts.query, ""))

    def server(self, url: str) -> str:
        """``host[:port]`` a request for ``url`` goes to, for messages."""
        return self.base.server if self.base else server_of(url)

    # --- sending ---------------------------------------------------------------------

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
    ) -> Answer:
        """The SDK's request, retried if a GET (see the module docstring). A redirect
        is never followed, whatever ``allow_redirects`` says: it is an answer, and
        not Twilio's (``answers.py``)."""
        timeouts = Timeouts.within(timeout) if timeout else self.timeouts
        send = (method, url, params, data, headers, auth, timeouts)
        if method.upper() != "GET":
            self._metered(first=True)
            return self._send(*send)
        policy = self.retries_policy
        answers, unreachable, slow = (
            policy.answers.start(),
            policy.unreachable.start(),
            policy.timeouts.start(),
        )
        first = True
        while True:
            self._metered(first)
            first = False
            try:
                response = self._send(*send)
            except Timeout:
                wait = slow.next_wait()
                if wait is None:
                    raise
            except _CUT_OFF:
                wait = unreachable.next_wait()
                if wait is None:
                    raise
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                wait = answers.next_wait(_retry_after(response))
                if wait is None:
                    return response
            with self._counts.lock:
                self._counts.retries += 1
            time.sleep(wait)

    def _send(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None,
        data: dict[str, object] | None,
        headers: dict[str, str] | None,
        auth: tuple[str, str] | None,
        timeouts: Timeouts,
    ) -> Answer:
        target = self.rewrite(url)
        self.limiter.acquire()
        self._local.retry_after = None
        started = time.perf_counter()
        status: object = "ERR"
        as_json = (headers or {}).get("Content-Type") in _JSON_TYPES
        try:
            with self._watchdog.watch(timeouts.total) as watch:
                try:
                    raw = self.transport.send(
                        method.upper(),
                        target,
                        timeouts=timeouts,
                        params=params,
                        data=None if as_json else data,
                        json=data if as_json else None,
                        headers=headers,
                        auth=auth,
                    )
                except RequestException as err:
                    _reword(err, timeouts, deadline_passed=watch.expired)
                if watch.expired:  # cut off at the deadline, yet parsed as if complete
                    message = f"no complete answer within {timeouts.total:g} s"
                    raise DeadlineExceeded(message, request=raw.request)
            status = raw.status_code
            self._observe(raw.status_code, raw.headers)
            server = self.server(url)
            decode = getattr(self._local, "decode", None)
            is_page = method.upper() == "GET" and raw.status_code == OK
            body = decode(_source(raw)) if decode is not None and is_page else None
            projected = body is not None
            if body is None:
                body = parse_answer(server, raw.status_code, raw.text, raw.headers)
            if body is not None and is_page:
                self._paging.check(url, body, server)
            return Answer(raw.status_code, lambda: raw.text, raw.headers, body, projected=projected)
        finally:
            with self._counts.lock:
                self._counts.by_method[method.upper()] += 1
            if _log.isEnabledFor(logging.DEBUG):
                _log.debug(
                    "%s %s -> %s (%.0f ms)",
                    method.upper(),
                    urlsplit(url).path,
                    status,
                    (time.perf_counter() - started) * 1000,
                )

    @contextmanager
    def decoding(self, decode: Callable[[str | bytes], dict[str, Any] | None]) -> Iterator[None]:
        """This thread's GET answers (200) decoded by ``decode`` first: the reader's
        pages, with only the fields planning reads (``live/typed.py``), from their
        UTF-8 bytes (the text when the charset is another); when it gives None, the
        answer is parsed and checked the generic way."""
        previous = getattr(self._local, "decode", None)
        self._local.decode = decode
        try:
            yield
        finally:
            self._local.decode = previous

    def _metered(self, first: bool) -> None:
        if self.meter is not None:
            self.meter.attempt(first)

    def _observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Tell the limiter (and the meter); keep this thread's Retry-After for
        apply's retry loop."""
        if status == THROTTLED and self.meter is not None:
            self.meter.not_billed()
        if status == THROTTLED:
            retry_after = parse_retry_after(headers.get("Retry-After"))
            self._local.retry_after = retry_after
            self.limiter.throttled(retry_after)
        elif status < 500:
            self.limiter.succeeded()

    def last_retry_after(self) -> float | None:
        """Retry-After (seconds) of this thread's last answer, if it was a 429: the SDK's
        TwilioRestException carries no headers, and apply's retry loop needs it."""
        value: float | None = getattr(self._local, "retry_after", None)
        return value

    # --- accounting ------------------------------------------------------------------

    @property
    def request_counts(self) -> Counter[str]:
        return self._counts.by_method

    @property
    def retries(self) -> int:
        return self._counts.retries

    @property
    def total_requests(self) -> int:
        with self._counts.lock:
            return sum(self._counts.by_method.values())


def _source(raw: Received) -> str | bytes:
    """What a page decoder reads: the UTF-8 bytes, else the text."""
    utf8 = raw.utf8
    return raw.text if utf8 is None else utf8


def _reword(err: RequestException, timeouts: Timeouts, *, deadline_passed: bool) -> NoReturn:
    """Raise ``err`` again; a timeout as ours, saying which bound it hit and its seconds."""
    if deadline_passed:
        message = f"no complete answer within {timeouts.total:g} s"
        raise DeadlineExceeded(message, request=err.request) from err
    if isinstance(err, ConnectTimeout):
        message = f"no connection within {timeouts.connect:g} s (connect timeout)"
        raise ConnectTimedOut(message, request=err.request) from err
    if isinstance(err, ReadTimeout):
        message = f"nothing for {timeouts.read:g} s (read timeout)"
        raise ReadTimedOut(message, request=err.request) from err
    raise err


def _retry_after(response: Answer) -> float | None:
    return parse_retry_after((response.headers or {}).get("Retry-After"))
