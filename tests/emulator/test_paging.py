"""Paging in both envelope styles, followed by the real SDK."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from support.seeds import PAGING_ACCOUNT as ACC
from support.seeds import PAGING_TOKEN as TOKEN
from support.seeds import paging_seed as seed_with
from twilio.base.exceptions import TwilioException

from cnamctl import CNAM_POLICY_SID


def pages(count: int, size: int) -> int:
    """Requests a full listing takes: the last page is the one without a next page."""
    return max(1, -(-count // size))


@pytest.mark.parametrize("count", [0, 1, 50, 1000, 1001])
def test_incoming_numbers_every_size(serve, count):
    served = serve(seed=seed_with(count))
    numbers = (
        served.client(account=ACC, password=TOKEN).api.v2010.accounts(ACC).incoming_phone_numbers
    )
    full = numbers.list(page_size=1000)
    assert len(full) == count
    assert len({n.sid for n in full}) == count
    small = numbers.list(page_size=50)
    assert [n.sid for n in small] == [n.sid for n in full]
    requests_made = served.emu.stats()["requests"][
        "GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json"
    ]
    assert requests_made == pages(count, 1000) + pages(count, 50)


@pytest.mark.parametrize("count", [0, 1, 50, 51, 1000, 1001])
def test_v1_lists_every_size(serve, count):
    served = serve(seed=seed_with(0, products=count))
    products = served.client(account=ACC, password=TOKEN).trusthub.v1.trust_products
    default = products.list()  # the SDK sends no PageSize: the server's default, 50
    assert len(default) == count and len({p.sid for p in default}) == count
    full = products.list(page_size=1000)
    assert [p.sid for p in full] == [p.sid for p in default]
    requests_made = served.emu.stats()["requests"]["GET /v1/TrustProducts"]
    assert requests_made == pages(count, 50) + pages(count, 1000)


def test_v1_meta_links(serve):
    served = serve(seed=seed_with(0, products=5))
    http = served.http(auth=(ACC, TOKEN))
    first = http.get(
        served.url("/v1/TrustProducts"), params={"PageSize": 2, "PolicySid": CNAM_POLICY_SID}
    ).json()
    meta = first["meta"]
    assert meta["key"] == "results" and meta["page"] == 0 and meta["page_size"] == 2
    assert meta["previous_page_url"] is None
    assert meta["first_page_url"] == (
        f"https://trusthub.twilio.com/v1/TrustProducts?PolicySid={CNAM_POLICY_SID}&PageSize=2&Page=0"
    )
    nxt = urlsplit(meta["next_page_url"])
    assert nxt.netloc == "trusthub.twilio.com"
    query = parse_qs(nxt.query)
    assert query["Page"] == ["1"] and query["PageToken"][0].startswith("PA")
    second = http.get(served.url(nxt.path), params=nxt.query).json()
    assert second["meta"]["page"] == 1
    prev = urlsplit(second["meta"]["previous_page_url"])
    back = http.get(served.url(prev.path), params=prev.query).json()
    assert [r["sid"] for r in back["results"]] == [r["sid"] for r in first["results"]]


def test_2010_envelope(serve):
    served = serve(seed=seed_with(3, caller_ids=3))
    http = served.http(auth=(ACC, TOKEN))
    body = http.get(
        served.url(f"/2010-04-01/Accounts/{ACC}/OutgoingCallerIds.json"), params={"PageSize": 2}
    ).json()
    assert len(body["outgoing_caller_ids"]) == 2
    assert (body["page"], body["page_size"], body["start"], body["end"]) == (0, 2, 0, 1)
    assert body["uri"] == f"/2010-04-01/Accounts/{ACC}/OutgoingCallerIds.json?PageSize=2&Page=0"
    assert body["next_page_uri"].startswith(f"/2010-04-01/Accounts/{ACC}/OutgoingCallerIds.json?")
    rest = http.get(served.url(body["next_page_uri"])).json()
    assert (rest["page"], rest["start"], rest["end"]) == (1, 2, 2)
    assert rest["next_page_uri"] is None and rest["previous_page_uri"] is not None
    empty = http.get(
        served.url(f"/2010-04-01/Accounts/{ACC}/IncomingPhoneNumbers.json"),
        params={"PhoneNumber": "+19999999999"},
    ).json()
    assert empty["incoming_phone_numbers"] == [] and empty["end"] == 0


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"PageSize": 1001}, 20007),
        ({"PageSize": 0}, 20001),
        ({"PageSize": "ten"}, 20001),
        ({"Page": -1}, 20001),
        ({"Page": 3}, 70002),
        ({"PageToken": "garbage"}, 20001),
    ],
)
def test_bad_paging_parameters(serve, params, code):
    served = serve(seed=seed_with(1))
    answer = served.http(auth=(ACC, TOKEN)).get(served.url("/v1/EndUsers"), params=params)
    assert answer.status_code == 400 and answer.json()["code"] == code


def test_sdk_page_size_over_the_maximum(serve):
    served = serve(seed=seed_with(1))
    client = served.client(account=ACC, password=TOKEN)
    with pytest.raises(TwilioException) as err:
        client.api.v2010.accounts(ACC).incoming_phone_numbers.page(page_size=1001)
    response = err.value.args[1]
    assert response.status_code == 400 and '"code": 20007' in response.text
