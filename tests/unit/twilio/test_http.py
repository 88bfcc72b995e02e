"""The SDK's HttpClient wrapper: host rewriting and GET retries, against a local server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cnamctl.twilio.http import RewritingHttpClient
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
    assert http.rewrite("https://example.com/x") == "https://example.com/x"


def test_no_base_url_leaves_urls_alone():
    http = RewritingHttpClient(None)
    url = "https://trusthub.twilio.com/v1/EndUsers"
    assert http.rewrite(url) == url


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


def _client(server: ThreadingHTTPServer, **policy: float) -> RewritingHttpClient:
    base = f"http://127.0.0.1:{server.server_address[1]}"
    return RewritingHttpClient(base, read_retry=RetryPolicy(base_delay=0.01, **policy))


def test_get_retries_429_and_5xx_then_succeeds(scripted):
    scripted.script = [(429, {"Retry-After": "0"}), (503, {}), (200, {})]
    http = _client(scripted)
    response = http.request("GET", "https://api.twilio.com/2010-04-01/x.json")
    assert response.status_code == 200
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


def test_api_url_must_be_an_http_url():
    from click.testing import CliRunner

    from cnamctl.cli import main

    result = CliRunner().invoke(main, ["plan", "--api-url", "ftp://example", "manifests"])
    assert result.exit_code == 1
    assert "is not an http(s) URL" in result.stderr
