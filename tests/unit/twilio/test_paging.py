"""The paging guard of the HttpClient, page by page (servers: test_servers.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnamctl.errors import NotTwilioError
from cnamctl.twilio import paging
from cnamctl.twilio.paging import PagingGuard, is_list_url, page_of

HUB = "https://trusthub.twilio.com/v1/EndUsers"


def hub_page(sids: list[str], next_url: str | None, page: int) -> dict:
    return {"results": [{"sid": s} for s in sids], "meta": {"key": "results", "page": page,
            "next_page_url": next_url}}  # fmt: skip


def link(n: int) -> str:
    return f"{HUB}?PageSize=2&Page={n}&PageToken=PA{n}"


def test_a_well_behaved_listing_passes_and_a_new_one_starts_afresh():
    guard = PagingGuard()
    guard.check(HUB, hub_page(["IT1", "IT2"], link(1), 0), "s")
    guard.check(link(1), hub_page(["IT3"], None, 1), "s")
    guard.check(HUB, hub_page(["IT1", "IT2"], link(1), 0), "s")  # read again: a new listing


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=8).filter(
        lambda sizes: "0, 0" not in str(sizes[:-1])
    )
)
def test_any_forward_paging_with_distinct_records_passes(sizes):
    guard = PagingGuard()
    counter = 0
    url = HUB
    for index, size in enumerate(sizes):
        sids = [f"IT{counter + i}" for i in range(size)]
        counter += size
        nxt = link(index + 1) if index + 1 < len(sizes) else None
        guard.check(url, hub_page(sids, nxt, index), "s")
        url = nxt or HUB


def test_the_page_bound(monkeypatch):
    monkeypatch.setattr(paging, "MAX_PAGES", 3)
    guard = PagingGuard()
    guard.check(HUB, hub_page(["IT0"], link(1), 0), "s")
    guard.check(link(1), hub_page(["IT1"], link(2), 1), "s")
    with pytest.raises(NotTwilioError, match="more than 3 pages"):
        guard.check(link(2), hub_page(["IT2"], link(3), 2), "s")


@pytest.mark.parametrize(
    ("url", "is_list"),
    [
        ("https://trusthub.twilio.com/v1/TrustProducts", True),
        ("https://trusthub.twilio.com/v1/TrustProducts/BU" + "0" * 32, False),
        ("https://trusthub.twilio.com/v1/TrustProducts/BU" + "0" * 32 + "/Evaluations", True),
        ("https://api.twilio.com/2010-04-01/Accounts/AC" + "a" * 32 + ".json", False),
        ("https://api.twilio.com/2010-04-01/Accounts/AC" + "a" * 32 + "/OutgoingCallerIds.json", True),
    ],
)  # fmt: skip
def test_list_urls(url, is_list):
    assert is_list_url(url) is is_list


def test_a_list_url_answered_without_paging_is_not_twilio():
    with pytest.raises(NotTwilioError, match="without paging where a list belongs"):
        PagingGuard().check(HUB, {"sid": "IT1"}, "s")
    PagingGuard().check(HUB + "/IT" + "1" * 32, {"sid": "IT1"}, "s")  # an instance: fine


def test_api_2010_pages_are_recognised_by_their_next_page_uri():
    page = page_of({"outgoing_caller_ids": [], "next_page_uri": None, "page": 0, "start": 0})
    assert page is not None and page.api_2010 and page.records == []
    assert page_of({"sid": "PN1", "phone_number": "+1"}) is None
