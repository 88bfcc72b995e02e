"""Connections are kept alive, as Twilio keeps them: a client sends request after
request on one connection, writes with bodies included, and the server closes one
only when it cannot tell where the request ended, when asked to, or when a fault
dropped it."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlencode, urlsplit

import pytest
from support.seeds import ACCOUNT, TOKEN

from cnamctl.emulator import EmulatorConfig
from cnamctl.twilio.transport import _basic

AUTH = {"Authorization": _basic(ACCOUNT, TOKEN)}
FORM = {**AUTH, "Content-Type": "application/x-www-form-urlencoded"}
END_USER = urlencode(
    {"FriendlyName": "ka", "Type": "cnam_information", "Attributes": json.dumps({"x": 1})}
)


def _connection(served) -> http.client.HTTPConnection:
    parts = urlsplit(served.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.connect()
    return connection


def _ask(connection, method: str, path: str, body: str | None = None, **headers: str):
    connection.request(method, path, body=body, headers={**AUTH, **headers})
    answer = connection.getresponse()
    return answer, answer.read()


def test_requests_and_writes_share_one_connection(serve):
    served = serve()
    connection = _connection(served)
    port = connection.sock.getsockname()[1]
    for method, path, body in [
        ("GET", "/v1/Policies", None),
        ("POST", "/v1/EndUsers", END_USER),
        ("GET", "/v1/EndUsers?PageSize=5", None),
        ("GET", "/v1/Nope", None),  # a 404 keeps it too
    ]:
        headers = FORM if body else AUTH
        answer, data = _ask(connection, method, path, body, **headers)
        assert answer.status in (200, 201, 404), data
        assert answer.getheader("Connection") != "close"
        assert connection.sock is not None and connection.sock.getsockname()[1] == port
    listed = json.loads(_ask(connection, "GET", "/v1/EndUsers")[1])
    assert [u["friendly_name"] for u in listed["results"]] == ["ka"]  # the POST's body was whole
    assert len(served.handle.server.open_connections) == 1
    connection.close()


def test_the_server_closes_when_asked_or_unable_to_frame_the_request(serve):
    served = serve()
    asked = _connection(served)
    answer, _ = _ask(asked, "GET", "/v1/Policies", Connection="close")
    assert answer.getheader("Connection") == "close"
    assert asked.sock is None or asked.sock.recv(1) == b""  # closed after the answer

    chunked = _connection(served)
    chunked.request("POST", "/v1/EndUsers", body=iter([END_USER.encode()]), headers=FORM)
    answer = chunked.getresponse()
    answer.read()
    assert answer.status == 201 and answer.getheader("Connection") == "close"
    asked.close()
    chunked.close()


def test_a_dropped_connection_is_not_reused(serve):
    served = serve(config=EmulatorConfig(fault_rate=1.0, fault_kinds=("reset",), fault_seed=3))
    connection = _connection(served)
    try:
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            _ask(connection, "GET", "/v1/Policies")
    finally:
        connection.close()
    served.emu.update_config(fault_rate=0.0)
    again = _connection(served)
    answer, _ = _ask(again, "GET", "/v1/Policies")
    assert answer.status == 200
    again.close()


def test_the_sdk_client_reads_on_kept_connections(serve):
    served = serve()
    client = served.client()
    for _ in range(20):
        client.trusthub.v1.policies.list(limit=5)
    assert len(served.handle.server.open_connections) == 1


def test_shutting_down_closes_idle_connections(serve):
    served = serve()
    connection = _connection(served)
    _ask(connection, "GET", "/v1/Policies")
    served.handle.shutdown()
    connection.sock.settimeout(5)
    try:
        assert connection.sock.recv(1) == b""
    except ConnectionResetError:  # also closed
        pass
    finally:
        connection.close()
