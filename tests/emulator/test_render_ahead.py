"""Rows encoded when the emulator starts (domain/ahead.py): served as if encoded on
demand, byte for byte, and encoded again once written."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

import cnamctl.emulator
from cnamctl.emulator import Emulator

SEED = Path(cnamctl.emulator.__file__).parent / "example_seed.yaml"
ACCOUNT = "AC0123456789abcdef0123456789abcdef"
AUTH = {
    "Authorization": "Basic "
    + base64.b64encode(f"{ACCOUNT}:demo-token-please-change".encode()).decode()
}


def _local(url: str) -> str:
    return "/" + url.split("twilio.com/", 1)[1] if "twilio.com/" in url else url


def _lists(client: Client) -> dict[str, bytes]:
    """The body of every list a reconciler reads, by path, each page of each."""
    bodies: dict[str, bytes] = {}

    def walk(path: str | None) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        while path:
            response = client.get(path, headers=AUTH)
            assert response.status_code == 200, path
            bodies[path] = response.data
            body = response.get_json()
            records += body.get("results") or body.get("incoming_phone_numbers") or []
            link = body.get("next_page_uri") or (body.get("meta") or {}).get("next_page_url")
            path = _local(link) if link else None
        return records

    walk(f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json?PageSize=50")
    walk(f"/2010-04-01/Accounts/{ACCOUNT}/OutgoingCallerIds.json?PageSize=50")
    walk("/v1/EndUsers?PageSize=50")
    for collection in ("CustomerProfiles", "TrustProducts"):
        for bundle in walk(f"/v1/{collection}?PageSize=50"):
            for sub in ("ChannelEndpointAssignments", "EntityAssignments"):
                walk(f"/v1/{collection}/{bundle['sid']}/{sub}?PageSize=50")
    return bodies


@pytest.fixture
def emulator() -> Any:
    with Emulator(seed=SEED) as emu:
        yield emu


def test_every_listed_row_is_encoded_when_the_emulator_starts(emulator: Emulator) -> None:
    cache = emulator._database.cache
    encoded = len(cache)
    assert encoded > 1000  # the seed's numbers, and every other list's rows
    _lists(Client(emulator))
    assert len(cache) == encoded  # listing found nothing left to encode


def test_lists_encoded_ahead_are_the_bytes_encoded_on_demand(emulator: Emulator) -> None:
    client = Client(emulator)
    ahead = _lists(client)
    emulator._database.written_around()  # forget every encoded row
    assert _lists(client) == ahead


def test_a_row_written_after_the_start_is_listed_as_written(emulator: Emulator) -> None:
    client = Client(emulator)
    path = f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json?PageSize=1"
    sid = client.get(path, headers=AUTH).get_json()["incoming_phone_numbers"][0]["sid"]
    update = client.post(
        f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{sid}.json",
        headers=AUTH,
        data={"FriendlyName": "renamed after the start"},
    )
    assert update.status_code == 200
    listed = client.get(path, headers=AUTH).get_json()["incoming_phone_numbers"][0]
    assert listed["sid"] == sid
    assert listed["friendly_name"] == "renamed after the start"


def test_a_file_database_is_encoded_again_when_reopened(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite"
    with Emulator(db, seed=SEED) as first:
        seeded = len(first._database.cache)
    with Emulator(db, seed=SEED) as reopened:  # not empty: the seed is not applied again
        assert reopened.seed_summary is None
        assert len(reopened._database.cache) == seeded
