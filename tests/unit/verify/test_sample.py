"""Which numbers a run looks up: a sample per profile, cached answers first, then a
budget granted round-robin; stated as properties over random fleets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cnamctl.verify.sample import BUDGET, SAMPLE, Candidate, select

T0 = datetime(2026, 12, 1, tzinfo=UTC)


@st.composite
def fleets(draw: st.DrawFn) -> list[Candidate]:
    profiles = draw(st.integers(1, 5))
    found = []
    for p in range(profiles):
        for n in range(draw(st.integers(0, 12))):
            cached = draw(st.booleans())
            hours = draw(st.none() | st.integers(0, 100))
            last = None if hours is None else T0 - timedelta(hours=hours)
            found.append(Candidate(p, f"+1415555{p:02d}{n:02d}", cached, last, cached))
    return found


@given(fleets(), st.none() | st.integers(1, 6), st.integers(0, 30))
def test_every_number_is_accounted_for_once_and_the_budget_holds(fleet, per_profile, budget):
    chosen = select(fleet, per_profile, budget)
    looked = [(c.profile, c.phone_number) for c in chosen.to_look_up]
    cached = [(c.profile, c.phone_number) for c in chosen.from_cache]
    everything = looked + cached + list(chosen.skipped)
    assert sorted(everything) == sorted((c.profile, c.phone_number) for c in fleet)
    assert len(looked) <= budget
    assert all(not c.cached for c in chosen.to_look_up) and all(c.cached for c in chosen.from_cache)
    if per_profile is not None:
        for profile in {c.profile for c in fleet}:
            picked = [k for k in looked + cached if k[0] == profile]
            assert len(picked) <= per_profile


@given(fleets(), st.integers(1, 6), st.integers(0, 30))
def test_cached_numbers_come_first_and_the_budget_goes_round_robin(fleet, per_profile, budget):
    chosen = select(fleet, per_profile, budget)
    profiles = {c.profile for c in fleet}
    sampled = {p: [c for c in fleet if c.profile == p] for p in profiles}
    want = {
        p: [c for c in group if not c.cached and chosen.skipped.get((p, c.phone_number)) != SAMPLE]
        for p, group in sampled.items()
    }
    for p, group in sampled.items():
        if want[p]:  # an uncached number was sampled only once every cached one was
            assert all(c in chosen.from_cache for c in group if c.cached)
    granted = {p: sum(1 for c in chosen.to_look_up if c.profile == p) for p in profiles}
    assert sum(granted.values()) == min(budget, sum(len(w) for w in want.values()))
    for p in profiles:
        if granted[p] < len(want[p]):  # p was cut short: nobody got two more than p
            assert all(granted[q] <= granted[p] + 1 for q in profiles)
            cut = [c for c in want[p] if c not in chosen.to_look_up]
            assert all(chosen.skipped[(p, c.phone_number)] == BUDGET for c in cut)


def test_the_sample_moves_on_to_numbers_not_looked_up_lately():
    a = Candidate("p", "+14155550100", last_looked_up=T0 - timedelta(hours=30))
    b = Candidate("p", "+14155550101", last_looked_up=T0 - timedelta(hours=40))
    c = Candidate("p", "+14155550102")
    d = Candidate("p", "+14155550103", cached=True, recent=True)
    chosen = select([a, b, c, d], 2, 10)
    assert chosen.from_cache == [d]
    assert chosen.to_look_up == [c]  # never looked up beats looked up long ago
    assert select([a, b], 1, 10).to_look_up == [b]  # the oldest answer first


def test_no_cache_keeps_the_same_sample():
    """With --no-cache a fresh answer is not used, but its number stays in the sample."""
    recent = Candidate("p", "+14155550100", cached=False, last_looked_up=T0, recent=True)
    never = Candidate("p", "+14155550101")
    assert select([never, recent], 1, 10).to_look_up == [recent]


def test_round_robin_across_profiles():
    fleet = [Candidate(p, f"+1415555{p}{n:03d}") for p in range(3) for n in range(5)]
    chosen = select(fleet, None, 4)
    assert [c.profile for c in chosen.to_look_up] == [0, 1, 2, 0]
    assert sum(1 for why in chosen.skipped.values() if why == BUDGET) == 11
