"""The typed decoding of pages is a fast path only: for any page, it gives exactly
what the generic path gives after its checks and projection, or None (the page
then goes the generic way, which words the problem)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cnamctl.live import typed
from cnamctl.live.pages import Shape, _page
from cnamctl.live.reader import ENDPOINT_ASSIGNMENT, NUMBER, TRUST_PRODUCT

SHAPES = [NUMBER, ENDPOINT_ASSIGNMENT, TRUST_PRODUCT]
KEY_2010 = "incoming_phone_numbers"

_json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["", "PN1", "+14155550100"])
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(st.sampled_from("ab"), inner, max_size=2)
    ),
    max_leaves=4,
)
_field_names = st.sampled_from(
    ["sid", "phone_number", "friendly_name", "voice_caller_id_lookup", "channel_endpoint_sid",
     "status", "errors", "date_updated", "uri", "x"]
)  # fmt: skip
_records = st.one_of(
    st.dictionaries(_field_names, _json_values, max_size=6),
    st.fixed_dictionaries(
        {"sid": st.sampled_from(["PN1", "PN2", "XX3"]), "phone_number": st.just("+14155550100")},
        optional={"friendly_name": _json_values, "voice_caller_id_lookup": _json_values},
    ),
    _json_values,
)
_meta_v1 = st.fixed_dictionaries(
    {"page": st.integers(0, 2)},
    optional={"key": st.sampled_from(["results", "other"]), "next_page_url": _json_scalars},
)


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, str | None]:
    records = draw(st.one_of(st.lists(_records, max_size=4), _json_values))
    if draw(st.booleans()):  # API 2010
        body: Any = {KEY_2010: records, "next_page_uri": draw(_json_scalars), "page": 0}
        if draw(st.booleans()):
            body["another_list"] = []
        key: str | None = KEY_2010
    else:
        body = {"results": records}
        if draw(st.booleans()):
            body["meta"] = draw(_meta_v1)
        if draw(st.booleans()):
            body["other"] = records
        key = None
    if draw(st.booleans()):
        body = draw(_json_values)  # not a page at all
    return json.dumps(body), key


def generic(text: str, shape: Shape, key: str | None) -> dict[str, Any] | None:
    """What read_pages keeps of a page decoded generically (None: it refuses it)."""
    body = json.loads(text)
    found = _page(body, key)
    if isinstance(found, str):
        return None
    records, _next = found
    if any(shape.problem(r) for r in records):
        return None
    return [{k: r[k] for k in shape.fields if k in r} for r in records]


@settings(max_examples=600)
@given(pages(), st.sampled_from(SHAPES))
def test_a_typed_page_is_the_generic_page_or_none(page, shape):
    text, key = page
    fast = typed.decode(text, shape.signature, key)
    expected = generic(text, shape, key)
    if fast is None:
        # only ever a page the generic path refuses, or one naming another list as its
        # records (Trust Hub's meta.key), which the fast path leaves to the generic one
        meta = json.loads(text).get("meta") if isinstance(json.loads(text), dict) else None
        names_another = isinstance(meta, dict) and meta.get("key") not in (None, "", "results")
        assert expected is None or names_another
        return
    assert expected is not None, "the fast path accepted a page the generic path refuses"
    found = _page(fast, key)
    assert not isinstance(found, str)
    assert found[0] == expected
    generic_body = json.loads(text)
    records_key = key or "results"
    assert {k: v for k, v in fast.items() if k != records_key} == {
        k: v for k, v in generic_body.items() if k != records_key
    }


@settings(max_examples=300)
@given(pages(), st.sampled_from(SHAPES))
def test_a_page_decodes_alike_from_its_utf8_bytes(page, shape):
    """The HttpClient hands the decoder a UTF-8 body's bytes, never made text."""
    text, key = page
    assert typed.decode(text.encode(), shape.signature, key) == typed.decode(
        text, shape.signature, key
    )


def test_a_page_of_numbers_keeps_the_four_fields():
    record = {"sid": "PN1", "phone_number": "+14155550100", "friendly_name": None, "uri": "/x"}
    text = json.dumps({KEY_2010: [record], "next_page_uri": None, "page": 0})
    body = typed.decode(text, NUMBER.signature, KEY_2010)
    assert body == {
        KEY_2010: [{"sid": "PN1", "phone_number": "+14155550100", "friendly_name": None}],
        "next_page_uri": None,
        "page": 0,
    }
    wrong = json.dumps({KEY_2010: [{**record, "voice_caller_id_lookup": 1}], "next_page_uri": None})
    assert typed.decode(wrong, NUMBER.signature, KEY_2010) is None
