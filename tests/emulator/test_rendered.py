"""Rows encoded a page at a time (storage/rendered.py): the bytes of json.dumps, always."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cnamctl.emulator.storage.rendered import encode_many

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def pages(draw: Any) -> list[dict[str, Any]]:
    """Resources of one list: mostly the same keys and values, some of them changed,
    some with other keys or another key order, strings that look like the marker."""
    keys = draw(st.lists(st.text(max_size=6), min_size=1, max_size=6, unique=True))
    base = {k: draw(values) for k in keys}
    out = []
    for _ in range(draw(st.integers(0, 12))):
        resource = dict(base)
        for k in draw(st.lists(st.sampled_from(keys), max_size=3)):
            resource[k] = draw(values | st.just("\u2060cnamctl-slot\u2060"))
        if draw(st.booleans()) and draw(st.booleans()):
            resource = dict(reversed(list(resource.items())))
        if draw(st.booleans()) and draw(st.booleans()):
            resource[draw(st.text(max_size=6))] = draw(values)
        out.append(resource)
    return out


@given(pages())
@example(  # found by this test: False == 0, so the template's false stood for a row's 0
    [
        {"": "\u2060cnamctl-slot\u2060", "0": [[False, None, False]]},
        {"": None, "0": [[0, None, False]]},
    ]
)
def test_encode_many_is_json_dumps_of_each(resources: list[dict[str, Any]]) -> None:
    assert encode_many(resources) == [json.dumps(r).encode("utf-8") for r in resources]


def test_a_page_of_numbers_is_encoded_from_one_template() -> None:
    numbers = [
        {"sid": f"PN{i:032d}", "phone_number": f"+1415555{i:04d}", "capabilities": {"voice": True}}
        for i in range(1000)
    ]
    numbers[500]["capabilities"] = {"voice": False}  # a row unlike the template
    assert encode_many(numbers) == [json.dumps(n).encode() for n in numbers]


@pytest.mark.parametrize(
    ("first", "other"),
    [
        (False, 0),
        (True, 1),
        (1, 1.0),
        (0.0, -0.0),
        ([False], [0]),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
        ({1: "x"}, {True: "x"}),
        ((1, 2), [1, 2]),
    ],
)
def test_values_equal_to_the_templates_but_encoded_otherwise(first: Any, other: Any) -> None:
    """Equal to Python, not to JSON: each row keeps its own encoding."""
    rows = [{"sid": f"PN{i}", "flag": first} for i in range(10)]
    rows[5]["flag"] = other
    assert encode_many(rows) == [json.dumps(r).encode() for r in rows]
