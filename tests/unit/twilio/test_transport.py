"""The urllib3 transport under the HttpClient sends what requests sent: the same
query and form encoding, the environment's proxy, requests' exception classes,
the text decoded by its charset."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from requests.models import RequestEncodingMixin

from cnamctl.twilio.timeouts import Timeouts
from cnamctl.twilio.transport import Transport, _encoded

QUICK = Timeouts(connect=2.0, read=2.0, total=5.0)

_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
_scalar = st.one_of(_text, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
_values = st.dictionaries(
    _text.filter(bool), st.one_of(_scalar, st.lists(_scalar, max_size=4)), max_size=6
)


@given(_values)
def test_query_and_form_encoding_is_requests_own(values):
    """A list is repeated keys, None is left out, the rest by str: byte for byte
    what requests wrote for the SDK's params and form data."""
    assert _encoded(values) == RequestEncodingMixin._encode_params(values)


class _Echo(BaseHTTPRequestHandler):
    """Answers with what it received; ``/charset/<name>`` answers text in that charset."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if self.path.startswith("/charset/"):
            charset = self.path.rsplit("/", 1)[1]
            payload = "caf\u00e9 \u00fcber".encode(charset)
            kind = f"text/plain; charset={charset}"
        else:
            seen = {"method": self.command, "path": self.path, "body": body}
            seen["headers"] = {k.lower(): v for k, v in self.headers.items()}
            payload, kind = json.dumps(seen).encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


class _Proxy(BaseHTTPRequestHandler):
    """A forward HTTP proxy: takes absolute-form requests and relays them."""

    def do_GET(self) -> None:
        target = urlsplit(self.path)
        self.server.seen.append((self.path, self.headers.get("Proxy-Authorization")))  # type: ignore[attr-defined]
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
        headers = {k: v for k, v in self.headers.items() if not k.lower().startswith("proxy-")}
        upstream.request("GET", f"{target.path}?{target.query}", headers=headers)
        answer = upstream.getresponse()
        payload = answer.read()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.getheader("Content-Type", ""))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    def log_message(self, *args: object) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def echo() -> Iterator[str]:
    for url, _server in _serve(_Echo):
        yield url


@pytest.fixture
def proxy():
    yield from _serve(_Proxy)


def test_a_get_carries_its_query_auth_and_headers(echo):
    transport = Transport()
    answer = transport.send(
        "GET",
        f"{echo}/v1/TrustProducts?Page=2",
        timeouts=QUICK,
        params={"PageSize": 1000, "PolicySid": ["RN1", "RN2"], "Skipped": None},
        headers={"User-Agent": "twilio-python/9", "Accept": "application/json"},
        auth=("AC123", "s\u00e9cret"),
    )
    seen = json.loads(answer.text)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    path = urlsplit(seen["path"])
    assert path.path == "/v1/TrustProducts"
    assert parse_qsl(path.query) == [
        ("Page", "2"),
        ("PageSize", "1000"),
        ("PolicySid", "RN1"),
        ("PolicySid", "RN2"),
    ]
    user, _, password = (
        base64.b64decode(seen["headers"]["authorization"][6:]).decode().partition(":")
    )
    assert (user, password) == ("AC123", "s\u00e9cret")
    assert seen["headers"]["user-agent"] == "twilio-python/9"
    assert seen["headers"]["accept"] == "application/json"
    assert "gzip" in seen["headers"]["accept-encoding"]
    assert (
        answer.request.url
        == f"{echo}/v1/TrustProducts?Page=2&PageSize=1000&PolicySid=RN1&PolicySid=RN2"
    )


def test_a_form_and_a_json_body(echo):
    transport = Transport()
    form = json.loads(
        transport.send(
            "POST", f"{echo}/v1/EndUsers", timeouts=QUICK, data={"A": "x y", "B": [1, 2]}
        ).text
    )
    assert form["body"] == "A=x+y&B=1&B=2"
    assert form["headers"]["content-type"] == "application/x-www-form-urlencoded"
    sent = json.loads(
        transport.send(
            "POST",
            f"{echo}/v2/Things",
            timeouts=QUICK,
            json={"a": [1]},
            headers={"Content-Type": "application/json"},
        ).text
    )
    assert json.loads(sent["body"]) == {"a": [1]}
    assert sent["headers"]["content-type"] == "application/json"


@pytest.mark.parametrize("charset", ["utf-8", "latin-1", "utf-16"])
def test_text_is_decoded_by_its_charset(echo, charset):
    answer = Transport().send("GET", f"{echo}/charset/{charset}", timeouts=QUICK)
    assert answer.text == "caf\u00e9 \u00fcber"


@pytest.mark.parametrize(
    ("charset", "as_bytes"),
    [("utf-8", True), ("UTF8", True), ("latin-1", False), ("utf-16", False)],
)
def test_only_a_utf8_body_is_handed_over_as_bytes(echo, charset, as_bytes):
    answer = Transport().send("GET", f"{echo}/charset/{charset}", timeouts=QUICK)
    assert answer.utf8 == (answer.content if as_bytes else None)
    assert answer.text == "caf\u00e9 \u00fcber"


def test_the_environments_proxy_carries_the_request(echo, proxy, monkeypatch):
    proxy_url, proxy_server = proxy
    host = urlsplit(proxy_url).netloc
    monkeypatch.setenv("HTTP_PROXY", f"http://user:pw@{host}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    transport = Transport()
    answer = transport.send("GET", f"{echo}/v1/EndUsers", timeouts=QUICK, params={"PageSize": 5})
    assert json.loads(answer.text)["path"] == "/v1/EndUsers?PageSize=5"
    assert proxy_server.seen == [
        (f"{echo}/v1/EndUsers?PageSize=5", "Basic " + base64.b64encode(b"user:pw").decode())
    ]
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert Transport().route(f"{echo}/v1/EndUsers") is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_failures_are_requests_own_exceptions_naming_the_url():
    url = f"http://127.0.0.1:{_free_port()}/v1/EndUsers"
    with pytest.raises(requests.exceptions.ConnectionError) as refused:
        Transport().send("GET", url, timeouts=QUICK)
    assert refused.value.request.url == url
    assert isinstance(refused.value.__cause__.reason.__cause__, ConnectionRefusedError)


def test_silence_is_requests_read_timeout():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
        with pytest.raises(requests.exceptions.ReadTimeout) as slow:
            Transport().send("GET", url, timeouts=Timeouts(connect=1.0, read=0.2, total=5.0))
    assert slow.value.request.url == url


def test_a_body_cut_off_is_requests_chunked_encoding_error():
    """The server promises 100 bytes, sends 5 and closes."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def answer() -> None:
            conn, _ = listener.accept()
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello")
            conn.close()

        threading.Thread(target=answer, daemon=True).start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/cut"
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            Transport().send("GET", url, timeouts=QUICK)
