"""The cross-document number checks skip, by set sizes, what cannot break a rule;
(hypothesis) what they report is what checking every number reports."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cnamctl.manifest.checks import (
    _each_number_in_one_business_profile,
    _numbers_in_two_business_profiles,
    _numbers_listed_twice,
    _numbers_shared_within_kind,
)
from cnamctl.manifest.model import BusinessProfile, CnamProfile, ShakenStirProfile

NUMBERS = [f"+1415555{i:04d}" for i in range(6)]
NAMES = ["acme", "globex", "initech"]

numbers = st.lists(st.sampled_from(NUMBERS), max_size=5)
business_profiles = st.lists(
    st.builds(
        lambda name, listed: BusinessProfile.model_construct(
            kind="BusinessProfile", name=name, phone_numbers=listed
        ),
        st.sampled_from(NAMES),
        numbers,
    ),
    max_size=3,
)
trust_profiles = st.lists(
    st.builds(
        lambda i, kind, owner, listed: kind.model_construct(
            name=f"profile-{i}", business_profile=owner, phone_numbers=listed
        ),
        st.integers(0, 9),
        st.sampled_from([CnamProfile, ShakenStirProfile]),
        st.sampled_from([*NAMES, "nobody"]),
        numbers,
    ).map(lambda p: p.model_copy(update={"kind": type(p).__name__})),
    max_size=4,
)


def _messages(problems):
    return [p.message for p in problems]


@given(business_profiles, trust_profiles)
def test_business_profile_rules_as_checked_number_by_number(profiles, products):
    assert _messages(_numbers_in_two_business_profiles(profiles, products)) == _messages(
        _each_number_in_one_business_profile(profiles, products)
    )


@given(trust_profiles)
def test_a_number_on_two_products_of_a_kind_is_reported(products):
    on_two = {n for n in NUMBERS if sum(n in p.phone_numbers for p in products) > 1}
    reported = _numbers_shared_within_kind("CNAM", products)
    assert bool(reported) == bool(on_two)
    assert {m.split()[1] for m in _messages(reported)} == on_two


@given(business_profiles)
def test_a_number_listed_twice_is_reported(profiles):
    for profile in profiles:
        twice = {n for n in profile.phone_numbers if profile.phone_numbers.count(n) > 1}
        reported = _numbers_listed_twice(profile)
        assert {m.split()[1] for m in _messages(reported)} == twice
