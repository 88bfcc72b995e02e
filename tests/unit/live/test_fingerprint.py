"""Fingerprints are digests of the same bytes as ever (json.dumps, sorted, compact),
however they are computed: a plan saved by one cnamctl is checked by the next."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cnamctl.live.model import LiveBusinessProfile, LiveTrustProduct, _sorted_json, fingerprint

ascii_text = st.text(st.characters(max_codepoint=0x7F), max_size=12)
any_text = st.text(max_size=12)
leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), any_text)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(any_text, inner, max_size=4)
        | st.tuples(inner, inner)
    ),
    max_leaves=12,
)


def _reference(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=list).encode()


@given(st.dictionaries(ascii_text, values, max_size=6))
def test_the_bytes_are_json_dumps_sorted_and_compact(fields: dict[str, Any]) -> None:
    assert _sorted_json(fields) == _reference(fields)


@given(st.dictionaries(any_text, values, max_size=6))
def test_non_ascii_text_is_escaped_as_json_dumps_does(fields: dict[str, Any]) -> None:
    assert _sorted_json(fields) == _reference(fields)


def test_sets_are_written_as_lists_and_other_keys_fall_back() -> None:
    assert _sorted_json({"a": {"x"}}) == _reference({"a": {"x"}})
    assert _sorted_json({"a": {1: "one"}}) == _reference({"a": {1: "one"}})


def test_a_profile_and_a_product_keep_their_digest() -> None:
    """Digests of records holding mappings, computed by the code before orjson."""
    profile = LiveBusinessProfile(
        "BU" + "1" * 32, "Acme Corp", "twilio-approved", "ops@acme.example", "RN" + "2" * 32,
        {"PN" + "3" * 32: "RA" + "4" * 32, "PN" + "0" * 32: "RA" + "5" * 32},
    )  # fmt: skip
    product = LiveTrustProduct(
        "BU" + "6" * 32, "acme-sales", "twilio-rejected", None, "RN" + "7" * 32,
        ({"code": 11008},), {"IT" + "8" * 32: "BV" + "9" * 32}, {}, "2026-12-01T00:00:00Z",
    )  # fmt: skip
    assert fingerprint(profile) == "90a1018abeca3320"
    assert fingerprint(product) == "1a23e717cbfeb014"
