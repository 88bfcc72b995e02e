"""The numbers read in shards, against the emulator, compared with a plain read.

Accounts with skewed and unknown number ranges (a block bought at once, vanity
numbers all ending in 00, numbers of seven countries, a country holding most of
them); for each, the sharded read must equal the page-by-page read exactly,
read every number once (the first page, the sample, once more), and cost the
requests the shard plan says. Then servers whose filter does not behave as
documented: the read falls back to paging and still equals the plain read.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from contextlib import ExitStack
from typing import Any

import pytest
from support.emulators import EmulatorFactory
from support.seeds import account, seed

from cnamctl.emulator.domain import errors
from cnamctl.emulator.domain.handlers import numbers as emulator_numbers
from cnamctl.live import reader
from cnamctl.live.pages import Listing
from cnamctl.live.reader import read_snapshot
from cnamctl.live.shards import NumbersRead, plan_shards
from cnamctl.policies import ALL_POLICIES
from cnamctl.twilio import Credentials, make_client

NUMBERS_GET = "GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json"


def _sid(i: int) -> str:
    return f"AC{i:032x}"


def _range(prefix: str, width: int, count: int, start: int = 0) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(start, start + count)]


SKEWED = (
    _range("+1415200", 4, 1_300)  # one block, bought at once
    + [f"+1{area}555{i:02d}00" for area in (212, 310, 646, 718) for i in range(75)]  # ...00
    + _range("+44207946", 4, 250)  # United Kingdom
    + _range("+612987", 5, 120)  # Australia
    + _range("+3314567", 4, 60)  # France
    + _range("+4930123", 5, 60)  # Germany
    + _range("+813123", 5, 60)  # Japan
    + _range("+52551234", 4, 60)  # Mexico: +52, not NANP
    + _range("+1416555", 4, 50)  # Canada: NANP
    + _range("+1800555", 4, 50)  # toll-free
)
MOSTLY_ONE_COUNTRY = [*_range("+44207946", 4, 1_000), "+14155550100"]
JUST_OVER_A_PAGE = _range("+1312555", 4, 1_001)
ACCOUNTS = {"skewed": SKEWED, "mostly one country": MOSTLY_ONE_COUNTRY, "1,001": JUST_OVER_A_PAGE}


@pytest.fixture(scope="module")
def served() -> Any:
    accounts = [
        account(_sid(i + 1), f"token-{i}", incoming_numbers=numbers)
        for i, numbers in enumerate(ACCOUNTS.values())
    ]
    with ExitStack() as stack:
        factory = EmulatorFactory(stack)
        yield factory.start(seed(*accounts))
        factory.assert_conforming()


def _client(running: Any, name: str) -> Any:
    i = list(ACCOUNTS).index(name)
    return make_client(Credentials(_sid(i + 1), _sid(i + 1), f"token-{i}"), running.base_url)


def _numbers(snapshot: Any) -> dict[str, tuple[str, str, bool]]:
    return {
        sid: (n.phone_number, n.friendly_name, n.voice_caller_id_lookup)
        for sid, n in snapshot.numbers.items()
    }


class _Recorder:
    """Every listing of numbers read_snapshot reads, by the filter it used."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.listings: list[tuple[str | None, Listing]] = []
        real = reader.read_pages

        def read_pages(client: Any, url: str, **how: Any) -> Listing:
            listing = real(client, url, **how)
            if "IncomingPhoneNumbers" in url:
                pattern = (how.get("params") or {}).get("PhoneNumber")
                self.listings.append((pattern, listing))
            return listing

        monkeypatch.setattr(reader, "read_pages", read_pages)


@pytest.mark.parametrize("name", list(ACCOUNTS))
def test_sharded_read_equals_the_plain_read_and_reads_each_number_once(
    served: Any, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    plain = read_snapshot(_client(served, name), shard_numbers=False)
    assert sorted(n.phone_number for n in plain.numbers.values()) == sorted(ACCOUNTS[name])

    recorder = _Recorder(monkeypatch)
    served.emu.reset_stats()
    sharded = read_snapshot(_client(served, name))

    assert _numbers(sharded) == _numbers(plain)
    assert sharded.fingerprints() == plain.fingerprints()
    (first, sample), *shards = recorder.listings
    assert first is None and len(sample.records) == 1000 and sample.next_url
    assert len(shards) >= 18  # ten NANP shards and one or more per other country digit
    sids = Counter(r["sid"] for _, listing in shards for r in listing.records)
    assert set(sids) == set(plain.numbers) and set(sids.values()) == {1}  # once each

    # The requests: the sample page, then each shard's pages (an empty shard: one).
    plan = plan_shards([r["phone_number"] for r in sample.records])
    assert plan is not None and sorted(s.pattern for s in plan) == sorted(p for p, _ in shards)
    sizes = [sum(s.holds(n.phone_number) for n in plain.numbers.values()) for s in plan]
    expected = 1 + sum(max(1, math.ceil(size / 1000)) for size in sizes)
    assert served.emu.stats()["requests"][NUMBERS_GET] == expected


def test_with_every_trust_policy_the_sharded_read_still_equals_the_plain_read(
    served: Any,
) -> None:
    """SHAKEN/STIR and Voice Integrity plans read more (their products, and they take
    toll-free numbers, which CNAM does not): the numbers come the same either way."""
    client = _client(served, "skewed")
    plain = read_snapshot(client, shard_numbers=False, policies=ALL_POLICIES)
    sharded = read_snapshot(_client(served, "skewed"), policies=ALL_POLICIES)
    assert sharded.policies == plain.policies == ALL_POLICIES
    assert _numbers(sharded) == _numbers(plain)
    assert sharded.fingerprints() == plain.fingerprints()
    toll_free = {n.phone_number for n in sharded.numbers.values() if n.phone_number[2:5] == "800"}
    assert len(toll_free) == 50


def test_the_skewed_account_is_read_in_fewer_rounds_than_pages(served: Any) -> None:
    """What sharding is for: the longest shard is far shorter than the whole list."""
    plain = read_snapshot(_client(served, "skewed"), shard_numbers=False)
    sample = sorted(plain.numbers)[:1000]  # the emulator lists by SID
    plan = plan_shards([plain.numbers[s].phone_number for s in sample])
    assert plan is not None
    longest = max(sum(s.holds(n.phone_number) for n in plain.numbers.values()) for s in plan)
    assert longest <= len(SKEWED) / 4


def test_a_list_of_one_page_is_one_request(emulators: Any) -> None:
    running = emulators.start(
        seed(account(_sid(9), "t", incoming_numbers=_range("+1415200", 4, 1000)))
    )
    client = make_client(Credentials(_sid(9), _sid(9), "t"), running.base_url)
    snapshot = read_snapshot(client)
    assert len(snapshot.numbers) == 1000
    assert running.emu.stats()["requests"][NUMBERS_GET] == 1


# --- a server whose filter does not do what the documentation says --------------------


def _ignored(value: str) -> tuple[str, list[object]]:
    return "1", []  # every number, whatever the pattern


def _narrower(value: str) -> tuple[str, list[object]]:
    clause, args = REAL_CLAUSE(value)
    return f"{clause} AND phone_number NOT LIKE '%7'", args  # loses numbers ending in 7


def _refused(value: str) -> tuple[str, list[object]]:
    raise errors.invalid_param("PhoneNumber", "wildcards are not accepted")


REAL_CLAUSE = emulator_numbers._phone_number_clause


@pytest.mark.parametrize(
    ("behaviour", "warning"),
    [
        (_ignored, "answered"),
        (_narrower, "of the first page in no shard"),
        (_refused, "was refused (HTTP 400)"),
    ],
)
def test_a_filter_that_misbehaves_falls_back_to_paging(
    served: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    behaviour: Any,
    warning: str,
) -> None:
    plain = read_snapshot(_client(served, "1,001"), shard_numbers=False)
    monkeypatch.setattr(emulator_numbers, "_phone_number_clause", behaviour)
    with caplog.at_level(logging.WARNING, logger="cnamctl.live"):
        sharded = read_snapshot(_client(served, "1,001"))
    assert _numbers(sharded) == _numbers(plain)
    (record,) = [r for r in caplog.records if r.name == "cnamctl.live"]
    assert "page by page instead" in record.getMessage() and warning in record.getMessage()


def test_a_first_page_the_partition_does_not_cover_is_read_on_plainly() -> None:
    """A "+1" number that is not twelve characters: no shards, the plain rest."""
    first = Listing(
        [{"sid": "PN1", "phone_number": "+1415555010"}], "https://api.twilio.com/next", 1
    )
    asked: list[tuple[str, dict[str, Any]]] = []

    def submit(url: str, **how: Any) -> Any:
        from concurrent.futures import Future

        asked.append((url, how))
        future: Future[Listing] = Future()
        future.set_result(Listing([{"sid": "PN2", "phone_number": "+14155550101"}], None, 1))
        return future

    numbers = NumbersRead("https://api.twilio.com/list", first, submit)
    assert numbers.shards == []
    ((url, how),) = asked
    assert url == "https://api.twilio.com/next"
    assert how["params"] is None and how["first_number"] == 2
    assert [r["sid"] for r in numbers.records(lambda f: f.result())] == ["PN1", "PN2"]
