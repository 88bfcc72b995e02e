"""The live snapshot read through the real twilio SDK from a seeded emulator.

Checks what is read (CNAM products only, assignments resolved) and how: list
calls only, and exactly the number of requests that paging at 1,000 allows.
"""

from __future__ import annotations

import math
from contextlib import ExitStack

import pytest
from support.emulators import EmulatorFactory
from support.seeds import READER_ACCOUNT as ACCOUNT
from support.seeds import READER_CALLERS as CALLERS
from support.seeds import READER_NUMBERS as BIG
from support.seeds import READER_OTHER as OTHER
from support.seeds import READER_TOKEN as TOKEN
from support.seeds import reader_number as _num
from support.seeds import reader_seed
from twilio.base.exceptions import TwilioRestException

from cnamctl.live.reader import read_snapshot
from cnamctl.live.shards import plan_shards
from cnamctl.twilio import Credentials, make_client


@pytest.fixture(scope="module")
def served():
    with ExitStack() as stack:
        factory = EmulatorFactory(stack)
        running = factory.start(reader_seed(), realistic=True)
        yield running.emu, running.base_url
    factory.assert_conforming()


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


def _minimum(numbers_pages: int) -> int:
    return (
        numbers_pages  # incoming numbers
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


def test_request_count_is_the_paging_minimum(served):
    emu, base_url = served
    client = make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), base_url)
    before = emu.stats()
    snapshot = read_snapshot(client, shard_numbers=False)
    assert snapshot.request_count == _minimum(_pages(BIG))
    assert _total(emu.stats()) - _total(before) == _minimum(_pages(BIG))
    assert all(method == "GET" for method in _methods(emu.stats()))


def test_sharded_numbers_cost_the_sample_and_each_shards_pages(served):
    """The numbers in shards (live/shards.py, tests/e2e/live/test_shards_e2e.py): the
    first page, then per shard its pages; every other list at its minimum."""
    _, base_url = served
    client = make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), base_url)
    snapshot = read_snapshot(client)
    sample = [snapshot.numbers[sid].phone_number for sid in sorted(snapshot.numbers)[:1000]]
    plan = plan_shards(sample)  # the emulator lists by SID: its first page
    assert plan is not None
    phones = [n.phone_number for n in snapshot.numbers.values()]
    shard_pages = sum(_pages(sum(s.holds(n) for n in phones)) for s in plan)
    assert snapshot.request_count == _minimum(1 + shard_pages)
    assert len(snapshot.numbers) == BIG


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


def test_assignment_pages_keep_only_what_planning_reads(served, monkeypatch):
    """A business profile's assignments are held page after page until its list ends:
    each is kept as its two SIDs, not as the whole record (peak memory at 100,000
    numbers: docs/benchmarks.md), and the snapshot is the same."""
    from cnamctl.live import reader

    _, base_url = served
    client = make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), base_url)
    plain = read_snapshot(client)
    real = reader.list_all
    kept: dict[str, set[str]] = {}

    def list_all(client, url, **kwargs):
        records = real(client, url, **kwargs)
        if url.endswith(("Assignments", "ChannelEndpointAssignments")):
            kept.setdefault(url.rsplit("/", 1)[-1], set()).update(k for r in records for k in r)
        return records

    monkeypatch.setattr(reader, "list_all", list_all)
    projected = read_snapshot(client)
    assert kept == {
        "EntityAssignments": {"sid", "object_sid"},
        "ChannelEndpointAssignments": {"sid", "channel_endpoint_sid"},
    }
    assert projected.business_profiles == plain.business_profiles
    assert projected.trust_products == plain.trust_products
