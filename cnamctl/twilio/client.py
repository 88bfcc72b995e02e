"""Build a twilio.rest.Client aimed at Twilio or at a base URL, optionally paced."""

from __future__ import annotations

from twilio.rest import Client

from cnamctl.twilio.credentials import Credentials
from cnamctl.twilio.http import RequestMeter, RewritingHttpClient
from cnamctl.twilio.inflight import DEFAULT as DEFAULT_IN_FLIGHT
from cnamctl.twilio.ratelimit import RateLimiter
from cnamctl.twilio.timeouts import Timeouts
from cnamctl.twilio.url import ApiUrl


def make_client(
    credentials: Credentials,
    api_url: str | ApiUrl | None = None,
    *,
    timeout: float | Timeouts | None = None,
    pool_size: int = DEFAULT_IN_FLIGHT,
    max_rps: float | None = None,
) -> Client:
    """A twilio SDK client; with ``api_url`` all traffic goes to that base URL.

    ``timeout``: seconds for a whole request (connect and read timeouts stay at
    their defaults, capped by it), or every ``Timeouts`` part; default: ``Timeouts()``.
    ``pool_size``: connections kept, and requests a read keeps in flight (``inflight.py``).
    ``max_rps``: pace every request of this client (its own account's limiter)."""
    timeouts = Timeouts.within(timeout) if isinstance(timeout, int | float) else timeout
    http = RewritingHttpClient(
        api_url,
        timeouts=timeouts or Timeouts(),
        pool_size=pool_size,
        limiter=RateLimiter(max_rps),
    )
    return _client(credentials.username, credentials.password, credentials.account_sid, http)


def paced(client: Client, max_rps: float | None) -> tuple[Client, RewritingHttpClient]:
    """``client`` with every request paced at ``max_rps`` (None: unlimited), and its
    HttpClient (whose ``limiter``, ``last_retry_after`` and counts apply reports).

    The client itself when it already is (``make_client(..., max_rps=...)``: then
    the reads before a write and the writes share one bucket); else a twin sharing
    its credentials, connections and request counts, with a limiter of its own. A
    twilio Client not made by ``make_client`` gets cnamctl's HTTP stack, aimed at
    Twilio, with its credentials."""
    http = client.http_client
    if not isinstance(http, RewritingHttpClient):
        credentials = Credentials(
            str(client.account_sid), str(client.username), str(client.password)
        )
        fresh = make_client(credentials, max_rps=max_rps)
        return fresh, _http(fresh)
    if http.limiter.max_rate == max_rps:
        return client, http
    twin = http.paced(RateLimiter(max_rps))
    return _client(client.username, client.password, client.account_sid, twin), twin


def metered(client: Client, meter: RequestMeter) -> Client:
    """``client`` with every attempt counted by ``meter`` (billed requests: Lookups),
    sharing its credentials, connections, limiter and counts."""
    http = client.http_client
    if not isinstance(http, RewritingHttpClient):
        client, http = paced(client, None)
    return _client(client.username, client.password, client.account_sid, http.metered(meter))


def _http(client: Client) -> RewritingHttpClient:
    http = client.http_client
    assert isinstance(http, RewritingHttpClient)
    return http


def _client(
    username: str | None, password: str | None, account_sid: str | None, http: RewritingHttpClient
) -> Client:
    return Client(username=username, password=password, account_sid=account_sid, http_client=http)
