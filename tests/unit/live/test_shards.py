"""The shards of the numbers list: a partition of every E.164 number, and its checks."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from cnamctl.live.shards import NANP_LENGTH, Shard, check_shards, covered, plan_shards

# E.164: "+", a first digit 1-9, at most 15 digits in all; "+1" numbers are NANP (ten
# digits after the 1).
nanp = st.from_regex(r"\+1[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True)
other = st.from_regex(r"\+[2-9][0-9]{6,13}", fullmatch=True)
numbers = st.one_of(nanp, other)


@given(sample=st.lists(numbers, max_size=200), number=numbers)
def test_every_covered_number_is_in_exactly_one_shard(sample: list[str], number: str) -> None:
    shards = plan_shards(sample)
    assert shards is not None
    assert covered(number)
    assert sum(s.holds(number) for s in shards) == 1


@given(sample=st.lists(numbers, min_size=1, max_size=200))
def test_each_sample_number_is_held_by_the_shard_it_is_counted_in(sample: list[str]) -> None:
    shards = plan_shards(sample)
    assert shards is not None
    counts = Counter(next(s for s in shards if s.holds(n)) for n in sample)
    assert sum(counts.values()) == len(sample)


def test_a_block_of_consecutive_numbers_splits_evenly() -> None:
    block = [f"+1415200{i:04d}" for i in range(1000)]
    shards = plan_shards(block)
    assert shards is not None
    sizes = [sum(s.holds(n) for n in block) for s in shards if s.pattern.startswith("+1")]
    assert sizes == [100] * 10


def test_numbers_all_ending_in_00_split_on_another_digit() -> None:
    vanity = [f"+1{area}555{i:02d}00" for area in (212, 310, 415, 646) for i in range(25)]
    shards = plan_shards(vanity)
    assert shards is not None
    largest = max(sum(s.holds(n) for n in vanity) for s in shards)
    assert largest <= len(vanity) // 4  # not one shard holding them all
    assert all(not s.pattern.endswith("0") or "*" in s.pattern for s in shards)


def test_a_country_with_a_tenth_of_the_sample_is_split_once_more() -> None:
    sample = [f"+1415200{i:04d}" for i in range(80)] + [f"+4420794{i:05d}" for i in range(20)]
    patterns = {s.pattern for s in plan_shards(sample) or []}
    assert {f"+4{d}" for d in "0123456789"} <= patterns
    assert "+4" not in patterns and "+3" in patterns


def test_a_sample_outside_the_partition_is_not_sharded() -> None:
    assert plan_shards(["+1415200000"]) is None  # a +1 number of eleven characters
    assert plan_shards(["14152000000"]) is None  # no "+"
    assert plan_shards([""]) is None
    assert not covered("+0123456789") and not covered(None)
    assert covered("+" + "4" * 15) and len("+14155550100") == NANP_LENGTH


def test_a_pattern_matches_as_a_prefix_with_any_digit_for_a_star() -> None:
    shard = Shard("+1**5")
    assert shard.holds("+14155550100") and shard.holds("+12159")
    assert not shard.holds("+141") and not shard.holds("+14165550100")
    assert not shard.holds("+1a35") and not shard.holds(None)


def _records(*numbers: str) -> list[dict[str, str]]:
    return [{"sid": f"PN{n[1:]:0>32}", "phone_number": n} for n in numbers]


def test_check_accepts_a_partition_that_holds() -> None:
    a, b = Shard("+1*********0"), Shard("+1*********1")
    sample = _records("+14155550100")
    read = {a: _records("+14155550100", "+14155550110"), b: _records("+14155550101")}
    assert check_shards(sample, read) is None


def test_check_names_a_number_outside_its_pattern() -> None:
    a = Shard("+1*********0")
    problem = check_shards([], {a: _records("+14155550101")})
    assert problem == "PhoneNumber=+1*********0 answered +14155550101"


def test_check_names_a_number_in_two_shards() -> None:
    a, b = Shard("+1"), Shard("+14")
    problem = check_shards([], {a: _records("+14155550100"), b: _records("+14155550100")})
    assert problem == "+14155550100 came in PhoneNumber=+1 and +14"


def test_check_names_a_sample_number_no_shard_returned() -> None:
    a = Shard("+1")
    problem = check_shards(_records("+14155550100", "+14155550101"), {a: []})
    assert problem == "2 number(s) of the first page in no shard, e.g. +14155550100"


def test_check_names_a_number_listed_twice_in_one_shard() -> None:
    a = Shard("+1")
    problem = check_shards([], {a: _records("+14155550100", "+14155550100")})
    assert problem == "+14155550100 came twice in PhoneNumber=+1"
