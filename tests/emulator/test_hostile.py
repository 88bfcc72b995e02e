"""Issue #6: hostile and broken requests get Twilio-shaped errors, change nothing and
crash nothing.

Each request below must answer a 4xx with exactly ``{code, message, more_info,
status}`` (the SchemaGuard of the ``serve`` fixture checks the shape of every
error body); afterwards a full dump of the database must equal the one taken
before, no 5xx may have been answered, and the emulator must still serve.
"""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from support.seeds import (
    ACCOUNT,
    API_KEY,
    LOCAL,
    OTHER_ACCOUNT,
    OTHER_TOKEN,
    TOKEN,
    small_seed_with_products,
)

from cnamctl import CNAM_POLICY_SID

MINE = (ACCOUNT, TOKEN)
THEIRS = (OTHER_ACCOUNT, OTHER_TOKEN)
FORM = "application/x-www-form-urlencoded"
NEW_PRODUCT = {"FriendlyName": "x", "Email": "a@b.example", "PolicySid": CNAM_POLICY_SID}
NEW_END_USER = {
    "FriendlyName": "x",
    "Type": "cnam_information",
    "Attributes": '{"cnam_display_name": "ACME"}',
}


def dump(served) -> list[str]:
    with served.emu.store.transaction() as conn:
        return list(conn.iterdump())


def sids(served) -> dict[str, str]:
    def one(sql: str, *args: str) -> str:
        with served.emu.store.transaction() as conn:
            return str(conn.execute(sql, args).fetchone()[0])

    return {
        "product": one("SELECT sid FROM bundles WHERE friendly_name = 'mine'"),
        "their_product": one("SELECT sid FROM bundles WHERE friendly_name = 'theirs'"),
        "end_user": one("SELECT sid FROM end_users WHERE account_sid = ?", ACCOUNT),
        "number": one("SELECT sid FROM phone_numbers WHERE phone_number = ?", LOCAL[0]),
        "caller_id": one("SELECT sid FROM caller_ids WHERE account_sid = ?", ACCOUNT),
        "profile": one("SELECT sid FROM bundles WHERE friendly_name = 'Acme Corp'"),
    }


def chunks(size: int, piece: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent chunked (no Content-Length), so only reading it reveals its size."""
    yield b"FriendlyName=x&Type=cnam_information&Attributes="
    for _ in range(size // piece):
        yield b"a" * piece


def hostile_requests(s: dict[str, str]) -> list[tuple[str, str, dict[str, Any], int]]:
    """(method, path, requests kwargs, expected status)."""
    product = f"/v1/TrustProducts/{s['product']}"
    theirs = f"/v1/TrustProducts/{s['their_product']}"
    number = f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{s['number']}.json"
    caller_id = f"/2010-04-01/Accounts/{ACCOUNT}/OutgoingCallerIds/{s['caller_id']}.json"
    end_user = f"/v1/EndUsers/{s['end_user']}"
    big = "a" * (1024 * 1024 + 1)
    return [
        # wrong or missing credentials, on writes
        ("POST", "/v1/TrustProducts", {"data": NEW_PRODUCT, "auth": None}, 401),
        ("POST", "/v1/TrustProducts", {"data": NEW_PRODUCT, "auth": (ACCOUNT, "bad")}, 401),
        ("DELETE", product, {"auth": (ACCOUNT, "")}, 401),
        ("DELETE", product, {"auth": (API_KEY, "bad")}, 401),
        ("POST", end_user, {"data": {"FriendlyName": "y"}, "auth": (OTHER_ACCOUNT, TOKEN)}, 401),
        ("POST", number, {"data": {"VoiceCallerIdLookup": "true"}, "auth": ("", "")}, 401),
        ("DELETE", caller_id, {"headers": {"Authorization": "Bearer x"}, "auth": None}, 401),
        ("DELETE", caller_id, {"headers": {"Authorization": "Basic %%%"}, "auth": None}, 401),
        # another account's objects
        ("DELETE", product, {"auth": THEIRS}, 404),
        ("POST", product, {"data": {"FriendlyName": "stolen"}, "auth": THEIRS}, 404),
        (
            "POST",
            f"{product}/EntityAssignments",
            {"data": {"ObjectSid": s["end_user"]}, "auth": THEIRS},
            404,
        ),
        ("DELETE", end_user, {"auth": THEIRS}, 404),
        ("POST", end_user, {"data": {"Attributes": "{}"}, "auth": THEIRS}, 404),
        (
            "POST",
            f"{theirs}/EntityAssignments",
            {"data": {"ObjectSid": s["end_user"]}, "auth": THEIRS},
            400,
        ),
        (
            "POST",
            f"{theirs}/EntityAssignments",
            {"data": {"ObjectSid": s["profile"]}, "auth": THEIRS},
            400,
        ),
        (
            "POST",
            f"{theirs}/ChannelEndpointAssignments",
            {
                "data": {"ChannelEndpointType": "phone-number", "ChannelEndpointSid": s["number"]},
                "auth": THEIRS,
            },
            400,
        ),
        ("POST", number, {"data": {"FriendlyName": "stolen"}, "auth": THEIRS}, 401),
        ("DELETE", caller_id, {"auth": THEIRS}, 401),
        (
            "DELETE",
            f"/2010-04-01/Accounts/{OTHER_ACCOUNT}/OutgoingCallerIds/{s['caller_id']}.json",
            {"auth": THEIRS},
            404,
        ),
        # oversized bodies
        ("POST", "/v1/EndUsers", {"data": {**NEW_END_USER, "FriendlyName": big}}, 413),
        ("POST", product, {"data": {"FriendlyName": big}}, 413),
        ("POST", "/v1/EndUsers", {"data": chunks(2 * 1024 * 1024)}, 413),
        # malformed bodies
        (
            "POST",
            "/v1/EndUsers",
            {"data": b"\xff\xfe\x00\x01", "headers": {"Content-Type": FORM}},
            400,
        ),
        (
            "POST",
            "/v1/EndUsers",
            {"data": b"FriendlyName=%zz&Type=%", "headers": {"Content-Type": FORM}},
            400,
        ),
        ("POST", "/v1/EndUsers", {"json": NEW_END_USER}, 400),
        ("POST", "/v1/EndUsers", {"data": b"<xml/>", "headers": {"Content-Type": "text/xml"}}, 400),
        (
            "POST",
            "/v1/EndUsers",
            {
                "data": b"--b\r\ngarbage",
                "headers": {"Content-Type": "multipart/form-data; boundary=b"},
            },
            400,
        ),
        (
            "POST",
            "/v1/EndUsers",
            {"data": b"x", "headers": {"Content-Type": "multipart/form-data"}},
            400,
        ),
        ("POST", "/v1/EndUsers", {"data": {**NEW_END_USER, "Attributes": "[1, 2"}}, 400),
        ("POST", "/v1/EndUsers", {"data": {**NEW_END_USER, "Attributes": '"just a string"'}}, 400),
        ("POST", product, {"data": {"Status": "pending-review", "FriendlyName": "z"}}, 400),
        # unknown paths and methods, malformed SIDs
        ("POST", "/v1/Nothing", {"data": NEW_PRODUCT}, 404),
        ("DELETE", "/v1/TrustProducts/BU123", {}, 404),
        ("POST", "/v1/EndUsers/not-a-sid", {"data": {"FriendlyName": "y"}}, 404),
        ("DELETE", f"{product}/ChannelEndpointAssignments/RA{'0' * 32}", {}, 404),
        ("POST", f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json", {"data": {"To": "+1"}}, 404),
        ("POST", f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json", {"data": {}}, 405),
        (
            "DELETE",
            f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{s['number']}.json",
            {},
            405,
        ),
        ("PUT", product, {"data": {"FriendlyName": "y"}}, 405),
        ("PATCH", "/v1/EndUsers", {"data": NEW_END_USER}, 405),
        ("GET", "/v2/TrustProducts", {}, 404),
        ("GET", "/", {}, 404),
        ("GET", "/v1/TrustProducts/%00", {}, 404),
        ("GET", "/v1/TrustProducts/\u00e9\u00e9", {}, 404),
        ("GET", "/v1/" + "x" * 8000, {}, 404),
        ("POST", "/_emulatorx/approve", {}, 404),
    ]


@pytest.fixture
def hostile_served(serve):
    return serve(seed=small_seed_with_products())


def test_hostile_requests_change_nothing(hostile_served):
    served = hostile_served
    before = dump(served)
    session = served.http(auth=None)
    answers = []
    for method, path, kwargs, expected in hostile_requests(sids(served)):
        kwargs = {"auth": MINE, **kwargs}
        answer = session.request(method, served.url(path), timeout=10, **kwargs)
        answers.append((method, path[:80], answer.status_code, expected))
        body = answer.json()
        assert set(body) == {"code", "message", "more_info", "status"}
        assert body["status"] == answer.status_code
    wrong = [a for a in answers if a[2] != a[3]]
    assert not wrong, wrong
    assert dump(served) == before
    stats = served.emu.stats()
    assert stats["writes"] == 0
    assert not any(status.startswith("5") for status in stats["responses_by_status"])
    # Still serving, and the objects aimed at are intact.
    client = served.client()
    assert client.trusthub.v1.trust_products.list()[0].friendly_name == "mine"


def exchange(address: tuple[str, int], payload: bytes) -> bytes:
    """Send ``payload``, half-close, and read whatever comes back."""
    received = b""
    with socket.create_connection(address, timeout=2) as sock:
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        try:
            while piece := sock.recv(65536):
                received += piece
        except (TimeoutError, ConnectionError):
            pass
    return received


AUTH = "Authorization: Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
RAW = [
    (b"GARBAGE\r\n\r\n", b""),  # http.server answers an HTML page, as HTTP/0.9
    (f"BREW /v1/EndUsers HTTP/1.1\r\nHost: x\r\n{AUTH}\r\n\r\n".encode(), b"HTTP/1.1 405"),
    # a body shorter than its Content-Length (the client gave up)
    (
        f"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\n{AUTH}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
        "FriendlyName=x&Type=cnam_information".encode(),
        b"HTTP/1.1 400",
    ),
    # a Content-Length far beyond the limit, the body never sent
    (
        f"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\n{AUTH}\r\n"
        f"Content-Length: {10**12}\r\n\r\nFriendlyName=x".encode(),
        b"HTTP/1.1 413",
    ),
    (
        f"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\n{AUTH}\r\nContent-Length: -5\r\n\r\n".encode(),
        b"HTTP/1.1 400",
    ),
    (
        b"GET /v1/EndUsers HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \xff\xfe\r\n\r\n",
        b"HTTP/1.1 401",
    ),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", b""),  # a TLS ClientHello
]


def test_hostile_requests_over_raw_sockets(hostile_served):
    """What client libraries refuse to send: broken request lines, lying or negative
    Content-Length, undecodable headers, TLS. The server answers or closes; state is
    unchanged and it keeps serving."""
    served = hostile_served
    before = dump(served)
    address = served.handle.server.server_address[:2]
    for payload, status_line in RAW:
        assert exchange(address, payload).startswith(status_line), payload[:40]
    assert dump(served) == before
    assert requests.get(served.url("/v1/EndUsers"), auth=MINE, timeout=5).status_code == 200
