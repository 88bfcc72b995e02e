"""The SDK's HttpClient: host rewriting, Twilio hosts only, GET retries by failure
kind, pacing by the account's rate limiter, against a scripted local server.

(Servers that misbehave -- silence, trickles, HTML, endless paging -- are in
tests/reliability/test_servers.py.)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cnamctl.errors import NotTwilioError, UsageError
from cnamctl.twilio import Credentials, make_client, paced
from cnamctl.twilio.http import ReadRetries, RewritingHttpClient
from cnamctl.twilio.ratelimit import RateLimiter
from cnamctl.twilio.retry import RetryPolicy


def test_rewrites_twilio_hosts_keeping_path_and_query():
    http = RewritingHttpClient("http://127.0.0.1:4010/prefix/")
    assert (
        http.rewrite("https://trusthub.twilio.com/v1/TrustProducts?PageSize=1000&Page=1")
        == "http://127.0.0.1:4010/prefix/v1/TrustProducts?PageSize=1000&Page=1"
    )
    assert (
        http.rewrite("https://api.twilio.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json")
        == "http://127.0.0.1:4010/prefix/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json"
    )


def test_no_base_url_leaves_twilio_urls_alone():
    http = RewritingHttpClient(None)
    url = "https://trusthub.twilio.com/v1/EndUsers"
    assert http.rewrite(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x",
        "https://eviltwilio.com/v1/EndUsers",
        "https://api.twilio.com.example.net/2010-04-01/x.json",
        "http://api.twilio.com/2010-04-01/x.json",  # Twilio is https only
    ],
)
@pytest.mark.parametrize("base", [None, "http://127.0.0.1:4010"])
def test_credentials_only_ever_go_to_a_twilio_host(url, base):
    with pytest.raises(NotTwilioError, match="refusing to send the Twilio credentials"):
        RewritingHttpClient(base).rewrite(url)


def test_userinfo_of_the_base_url_is_never_used():
    http = RewritingHttpClient("http://proxy-user:proxy-pass@127.0.0.1:4010")
    rewritten = http.rewrite("https://api.twilio.com/2010-04-01/x.json")
    assert rewritten == "http://127.0.0.1:4010/2010-04-01/x.json"
    assert http.server("https://api.twilio.com/") == "127.0.0.1:4010"


def test_a_malformed_base_url_is_a_usage_error():
    with pytest.raises(UsageError, match="not a usable URL"):
        RewritingHttpClient("http://[::1")


class _Script(BaseHTTPRequestHandler):
    """Answers each request with the next (status, headers) of the server's script."""

    def _answer(self) -> None:
        server = self.server
        with server.lock:  # type: ignore[attr-defined]
            server.seen.append((self.command, self.path))  # type: ignore[attr-defined]
            status, headers = server.script.pop(0) if server.script else (200, {})  # type: ignore[attr-defined]
        body = json.dumps({"ok": status == 200}).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Script)
    server.lock = threading.Lock()  # type: ignore[attr-defined]
    server.seen = []  # type: ignore[attr-defined]
    server.script = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _base(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _client(
    server: ThreadingHTTPServer, limiter: RateLimiter | None = None, **policy: float
) -> RewritingHttpClient:
    retries = ReadRetries(answers=RetryPolicy(base_delay=0.01, **policy))  # type: ignore[arg-type]
    return RewritingHttpClient(_base(server), retries=retries, limiter=limiter)


def test_get_retries_429_and_5xx_then_succeeds(scripted):
    scripted.script = [(429, {"Retry-After": "0"}), (503, {}), (200, {})]
    http = _client(scripted)
    response = http.request("GET", "https://api.twilio.com/2010-04-01/x.json")
    assert response.status_code == 200
    assert response.body == {"ok": True}
    assert len(scripted.seen) == 3
    assert http.retries == 2
    assert http.request_counts["GET"] == 3


def test_get_gives_up_after_max_attempts(scripted):
    scripted.script = [(500, {})] * 10
    http = _client(scripted, max_attempts=3)
    response = http.request("GET", "https://api.twilio.com/2010-04-01/x.json")
    assert response.status_code == 500
    assert len(scripted.seen) == 3


def test_writes_are_never_retried_here(scripted):
    scripted.script = [(503, {}), (200, {})]
    http = _client(scripted)
    response = http.request("POST", "https://trusthub.twilio.com/v1/EndUsers", data={"a": "b"})
    assert response.status_code == 503
    assert scripted.seen == [("POST", "/v1/EndUsers")]


def test_every_attempt_takes_a_slot_of_the_limiter(scripted, clock):
    """GET retries are paced too: three attempts, three slots at 10 per second."""
    limiter = RateLimiter(10, burst=1, clock=clock, sleep=clock.sleep)
    scripted.script = [(503, {}), (503, {}), (200, {})]
    http = _client(scripted, limiter)
    http.request("GET", "https://api.twilio.com/2010-04-01/x.json")
    assert len(scripted.seen) == 3
    assert clock.now - 100.0 == pytest.approx(0.2)  # the second and third waited 0.1 s each
    assert limiter.reserve() == pytest.approx(0.1)  # the fourth slot comes next


def test_a_429_is_told_to_the_limiter_and_kept_per_thread(scripted, clock):
    limiter = RateLimiter(None, clock=clock, sleep=clock.sleep)
    scripted.script = [(429, {"Retry-After": "3"}), (201, {})]
    http = _client(scripted, limiter)
    url = "https://trusthub.twilio.com/v1/EndUsers"
    assert http.request("POST", url).status_code == 429
    assert http.last_retry_after() == 3.0
    assert limiter.throttle_events == 1
    seen: list[float | None] = []
    other = threading.Thread(target=lambda: seen.append(http.last_retry_after()))
    other.start()
    other.join()
    assert seen == [None]
    assert limiter.reserve() == pytest.approx(3.0)  # everyone waits out Retry-After
    assert http.request("POST", url).status_code == 201
    assert http.last_retry_after() is None


def test_paced_twins_share_connections_and_counts(scripted):
    client = make_client(Credentials("AC" + "1" * 32, "AC" + "1" * 32, "t"), _base(scripted))
    twin, http = paced(client, 25.0)
    assert twin is not client and http.limiter.max_rate == 25.0
    assert paced(twin, 25.0) == (twin, http), "already paced at that rate: itself"
    twin.request("GET", "https://api.twilio.com/2010-04-01/x.json")
    assert client.http_client.request_counts["GET"] == 1  # type: ignore[attr-defined]
    assert client.http_client.limiter.max_rate is None  # type: ignore[attr-defined]
    assert http.transport is client.http_client.transport  # type: ignore[attr-defined]


def test_api_url_must_be_an_http_url():
    from click.testing import CliRunner

    from cnamctl.cli import main

    result = CliRunner().invoke(main, ["plan", "--api-url", "ftp://example", "manifests"])
    assert result.exit_code == 1
    assert "is not an http(s) URL" in result.stderr


class _Meter:
    """Records what the client asks; refuses once ``allowed`` attempts were sent."""

    def __init__(self, allowed: int) -> None:
        self.allowed = allowed
        self.asked: list[bool] = []
        self.refunds = 0

    def attempt(self, first: bool) -> None:
        from cnamctl.errors import BudgetSpentError

        self.asked.append(first)
        if len(self.asked) - self.refunds > self.allowed:
            raise BudgetSpentError("over budget")

    def not_billed(self) -> None:
        self.refunds += 1


def test_a_metered_client_asks_before_every_attempt_and_refunds_429s(scripted):
    from cnamctl.errors import BudgetSpentError

    scripted.script = [(429, {"Retry-After": "0"}), (500, {}), (500, {}), (200, {})]
    meter = _Meter(allowed=2)
    http = _client(scripted).metered(meter)
    with pytest.raises(BudgetSpentError):
        http.request("GET", "https://lookups.twilio.com/v2/PhoneNumbers/+14155550100")
    # first attempt (429: refunded), then two retries the meter allowed, then refused
    assert meter.asked == [True, False, False, False]
    assert meter.refunds == 1
    assert len(scripted.seen) == 3  # the refused attempt was never sent
    assert scripted.seen[0] == ("GET", "/v2/PhoneNumbers/+14155550100")


def test_metering_is_the_twins_alone(scripted):
    http = _client(scripted)
    twin = http.metered(_Meter(allowed=0))
    assert http.meter is None
    assert http.request("GET", "https://api.twilio.com/2010-04-01/x.json").status_code == 200
    from cnamctl.errors import BudgetSpentError

    with pytest.raises(BudgetSpentError):
        twin.request("GET", "https://api.twilio.com/2010-04-01/x.json")
    assert len(scripted.seen) == 1


def test_the_environment_is_read_once_per_server_and_still_honoured(monkeypatch):
    """Proxy settings come from the environment as requests reads them, once per
    scheme and host."""
    monkeypatch.setenv("HTTPS_PROXY", "proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "api.twilio.com")
    transport = RewritingHttpClient().transport
    assert transport.route("https://trusthub.twilio.com/v1/TrustProducts?PageSize=1000") == (
        "http://proxy.example:3128"  # a proxy without a scheme is HTTP, as requests has it
    )
    assert transport.route("https://api.twilio.com/2010-04-01/Accounts.json") is None  # NO_PROXY
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example:3128")  # read once: not seen
    assert transport.route("https://trusthub.twilio.com/v1/CustomerProfiles") == (
        "http://proxy.example:3128"
    )
    assert transport.route("https://lookups.twilio.com/v2/x") == "http://other.example:3128"
