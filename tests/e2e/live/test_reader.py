"""The live snapshot read through the real twilio SDK from a seeded emulator.

Checks what is read (CNAM products only, assignments resolved) and how: list
calls only, and exactly the number of requests that paging at 1,000 allows.
"""

from __future__ import annotations

import math

import pytest
from twilio.base.exceptions import TwilioRestException

from cnamctl.emulator import Emulator
from cnamctl.live.reader import read_snapshot
from cnamctl.twilio import Credentials, make_client

ACCOUNT = "AC" + "1" * 32
TOKEN = "reader-test-token"
OTHER = "AC" + "2" * 32
SHAKEN = "RN7a97559effdf62d00f4298208492a5ea"
BIG = 2_500  # numbers: three pages
CALLERS = 1_001  # caller IDs: two pages


def _num(i: int) -> str:
    return f"+141552{i:05d}"


def _seed() -> dict:
    big_bp = [_num(i) for i in range(1_500)]  # first 1,500 generated numbers
    return {
        "accounts": [
            {
                "sid": ACCOUNT,
                "auth_token": TOKEN,
                "incoming_numbers": [_num(i) for i in range(BIG)],
                "outgoing_caller_ids": [
                    {"phone_number": f"+121255{i:05d}", "friendly_name": f"Caller {i}"}
                    for i in range(CALLERS)
                ],
                "business_profiles": [
                    {
                        "friendly_name": "Big Co",
                        "status": "twilio-approved",
                        "phone_numbers": big_bp,
                    },
                    {
                        "friendly_name": "Small Co",
                        "status": "twilio-approved",
                        "phone_numbers": [_num(i) for i in range(2_000, 2_010)],
                    },
                ],
                "trust_products": [
                    {
                        "friendly_name": "big-brand",
                        "status": "twilio-approved",
                        "business_profile": "Big Co",
                        "display_name": "BIG CO",
                        "phone_numbers": big_bp[:1_200],
                    },
                    {
                        "friendly_name": "small-brand",
                        "status": "draft",
                        "business_profile": "Small Co",
                        "display_name": "SMALL CO",
                        "phone_numbers": [_num(i) for i in range(2_000, 2_003)],
                    },
                    {
                        "friendly_name": "big-brand",  # same name, other policy: never read
                        "policy_sid": SHAKEN,
                        "status": "twilio-approved",
                        "business_profile": "Big Co",
                    },
                ],
            },
            {"sid": OTHER, "auth_token": "other-token", "incoming_numbers": ["+13125550100"]},
        ]
    }


@pytest.fixture(scope="module")
def served():
    emu = Emulator(db_path=":memory:", seed=_seed())
    with emu.serve(port=0) as handle:
        yield emu, handle.base_url


def _pages(n: int) -> int:
    return max(1, math.ceil(n / 1000))


def test_snapshot_holds_the_account_and_only_cnam_products(served):
    _, base_url = served
    snapshot = read_snapshot(make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), base_url))

    assert snapshot.account_sid == ACCOUNT
    assert len(snapshot.numbers) == BIG
    assert len(snapshot.caller_ids) == CALLERS
    assert {p.friendly_name for p in snapshot.business_profiles.values()} == {"Big Co", "Small Co"}
    products = {p.friendly_name: p for p in snapshot.trust_products.values()}
    assert sorted(products) == ["big-brand", "small-brand"]  # the SHAKEN one is not read
    big = products["big-brand"]
    assert len(big.number_assignments) == 1_200
    assert big.status == "twilio-approved"
    assert snapshot.end_user_of(big).cnam_display_name == "BIG CO"
    assert snapshot.business_profile_of(big).friendly_name == "Big Co"
    assert products["small-brand"].status == "draft"
    bp = next(p for p in snapshot.business_profiles.values() if p.friendly_name == "Big Co")
    assert len(bp.number_assignments) == 1_500
    first = snapshot.number_by_e164(_num(0))
    assert first is not None and first.sid in big.number_assignments


def test_request_count_is_the_paging_minimum(served):
    emu, base_url = served
    client = make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), base_url)
    before = emu.stats()
    snapshot = read_snapshot(client)
    minimum = (
        _pages(BIG)  # incoming numbers
        + _pages(CALLERS)  # caller IDs
        + 1  # business profiles
        + 1  # CNAM products (PolicySid filter)
        + 1  # end users
        + _pages(1_500)  # Big Co's number assignments
        + _pages(10)  # Small Co's
        + _pages(1_200)  # big-brand's number assignments
        + _pages(3)  # small-brand's
        + 2  # entity assignments of each CNAM product
    )
    assert snapshot.request_count == minimum
    assert _total(emu.stats()) - _total(before) == minimum
    assert all(method == "GET" for method in _methods(emu.stats()))


def test_other_accounts_see_nothing_of_it(served):
    _, base_url = served
    snapshot = read_snapshot(make_client(Credentials(OTHER, OTHER, "other-token"), base_url))
    assert [n.phone_number for n in snapshot.numbers.values()] == ["+13125550100"]
    assert not snapshot.trust_products and not snapshot.caller_ids


def _total(stats: dict) -> int:
    return int(stats["total_requests"])


def _methods(stats: dict) -> set[str]:
    return {key.split(" ")[0] for key in stats["requests"]}


def test_a_product_deleted_while_it_is_read_is_left_out(served, monkeypatch):
    """Another apply deletes its duplicate product between the product list and the
    product's assignment lists: the snapshot is as if read a moment later."""
    from cnamctl.live import reader

    _, base_url = served
    client = make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), base_url)
    small = next(
        p.sid
        for p in read_snapshot(client).trust_products.values()
        if p.friendly_name == "small-brand"
    )
    real = reader.list_all

    def list_all(client, url, **kwargs):
        if f"/TrustProducts/{small}/" in url:
            raise TwilioRestException(404, url, "The requested resource was not found", 20404)
        return real(client, url, **kwargs)

    monkeypatch.setattr(reader, "list_all", list_all)
    snapshot = read_snapshot(client)
    assert small not in snapshot.trust_products
    assert {p.friendly_name for p in snapshot.trust_products.values()} == {"big-brand"}
