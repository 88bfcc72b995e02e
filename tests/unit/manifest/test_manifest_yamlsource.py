"""YAML reading: lines of keys and items, duplicate keys, and bounded loading."""

import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnamctl.errors import Location
from cnamctl.manifest.limits import Limits
from cnamctl.manifest.yamlsource import parse_yaml

TEXT = """\
# leading comment
apiVersion: cnamctl/v1
kind: CnamProfile
phoneNumbers:
  - "+14155550100"

  - "+14155550101"
nested:
  inner:
    - {a: 1}
---
---
base: &base {k: 1}
merged:
  <<: *base
  j: 2
"""


def test_lines_of_keys_and_items() -> None:
    parsed = parse_yaml("f.yaml", TEXT)
    assert parsed.problems == [] and parsed.complete
    first, second = parsed.documents
    assert first.source == Location("f.yaml", 2)
    lines = first.fields
    assert lines == {
        "apiVersion": 2,
        "kind": 3,
        "phoneNumbers": 4,
        "phoneNumbers.0": 5,
        "phoneNumbers.1": 7,
        "nested": 8,
        "nested.inner": 9,
        "nested.inner.0": 10,
        "nested.inner.0.a": 10,
    }
    assert second.data == {"base": {"k": 1}, "merged": {"k": 1, "j": 2}}
    assert second.fields["merged.j"] == 16
    assert second.fields["merged.k"] == 13  # merged keys point at the anchor


def test_duplicate_keys_are_reported_at_the_second() -> None:
    parsed = parse_yaml("f.yaml", "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert [str(p) for p in parsed.problems] == [
        "f.yaml:4: duplicate key 'c' (first at line 3)",
        "f.yaml:5: duplicate key 'a' (first at line 1)",
    ]
    assert parsed.documents[0].data == {"a": 3, "b": {"c": 2}}


def test_syntax_error_keeps_earlier_documents() -> None:
    parsed = parse_yaml("f.yaml", "a: 1\n---\nb: [1\n")
    assert not parsed.complete
    assert [d.data for d in parsed.documents] == [{"a": 1}]
    assert len(parsed.problems) == 1
    assert parsed.problems[0].location == Location("f.yaml", 4)
    assert parsed.problems[0].message.startswith("YAML syntax error: ")


TAG = "a tag (!...) cnamctl does not read; manifests are plain YAML"


def test_unsafe_tags_are_refused_without_stopping() -> None:
    parsed = parse_yaml("f.yaml", "a: !!python/name:os.system\n---\nb: 1\n")
    assert [str(p) for p in parsed.problems] == [f"f.yaml:1: unsupported YAML value: {TAG}"]
    assert [d.data for d in parsed.documents] == [{"b": 1}]


def test_control_characters() -> None:
    parsed = parse_yaml("f.yaml", "a: 1\nb: '\x07'\n")
    assert [str(p) for p in parsed.problems] == [
        "f.yaml:2: YAML syntax error: unacceptable character #x0007: "
        "special characters are not allowed"
    ]


def test_empty_documents_are_skipped() -> None:
    assert parse_yaml("f.yaml", "# nothing\n---\n---\n...\n").documents == []


def test_a_recursive_alias_is_refused_without_looping() -> None:
    parsed = parse_yaml("f.yaml", "a: &x [1, *x]\n---\nb: 1\n")
    assert [str(p) for p in parsed.problems] == [
        "f.yaml:1: unsupported YAML value: an alias is used inside its own anchor "
        "(a recursive structure)"
    ]
    assert [d.data for d in parsed.documents] == [{"b": 1}]


# --- bounded loading (issue 11): every limit, and agreement with pyyaml ----------------


FAST = settings(
    max_examples=60, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def laughs(width: int, levels: int, *, key: str = "a", flow: bool = True) -> str:
    """A "billion laughs" document: each level is ``width`` aliases of the one before."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels + 1):
        items = ", ".join([f"*l{i - 1}"] * width)
        lines.append(f"l{i}: &l{i} [{items}]" if flow else f"l{i}: &l{i}\n" + "".join(
            f"  - *l{i - 1}\n" for _ in range(width)).rstrip("\n"))  # fmt: skip
    lines.append(f"{key}: *l{levels}")
    return "\n".join(lines) + "\n"


def _first_limit(width: int, levels: int, limits: Limits) -> str | None:
    """Which limit the alias events of ``laughs(width, levels)`` cross first."""
    sizes = [1 + width]  # values of each anchor, expanded
    for _ in range(levels):
        sizes.append(1 + width * sizes[-1])
    uses = [sizes[i - 1] for i in range(1, levels + 1) for _ in range(width)] + [sizes[levels]]
    count = values = 0
    for size in uses:
        count, values = count + 1, values + size
        if count > limits.aliases:
            return "aliases (the limit on aliases)"
        if values > limits.alias_values:
            return f"expand to more than {limits.alias_values:,} values (the limit on what"
    return None


@FAST
@given(st.integers(2, 40), st.integers(1, 12), st.booleans())
def test_alias_bombs_are_refused_by_the_expansion_limit(
    width: int, levels: int, flow: bool
) -> None:
    limits = Limits(aliases=100, alias_values=10_000)
    text = laughs(width, levels, flow=flow)
    started = time.process_time()
    parsed = parse_yaml("f.yaml", text, limits)
    assert time.process_time() - started < 1.0  # a bound, far above the milliseconds taken
    expected = _first_limit(width, levels, limits)
    if expected is None:
        assert parsed.problems == []
        assert parsed.documents[0].data == yaml.safe_load(text)
    else:
        assert len(parsed.problems) == 1 and expected in parsed.problems[0].message
        assert parsed.documents == []


def test_a_bomb_inside_phone_numbers_is_refused_at_its_line() -> None:
    text = (
        "apiVersion: cnamctl/v1\nkind: CnamProfile\nname: x\n"
        "n0: &n0 ['+14155550100', '+14155550101', '+14155550102', '+14155550103']\n"
        + "".join(f"n{i}: &n{i} [{', '.join([f'*n{i - 1}'] * 10)}]\n" for i in range(1, 9))
        + "phoneNumbers: *n8\n"
    )
    parsed = parse_yaml("f.yaml", text)
    assert [str(p) for p in parsed.problems] == [
        "f.yaml:9: YAML aliases in this file expand to more than 100,000 values (the limit on "
        "what aliases may expand to; a 'billion laughs' file?)"
    ]
    assert parsed.documents == [] and not parsed.complete


def test_the_alias_count_is_limited() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 1_001) + "]\n"
    parsed = parse_yaml("f.yaml", text)
    assert [p.message for p in parsed.problems] == [
        "more than 1,000 YAML aliases in this file (the limit on aliases)"
    ]
    assert parse_yaml("f.yaml", text.replace("*a]", "1]")).problems == []


@pytest.mark.parametrize("depth", [65, 100, 10_000, 100_000])
@pytest.mark.parametrize("style", ["flow", "block", "mapping"])
def test_deep_nesting_is_refused_without_recursion(depth: int, style: str) -> None:
    text = {
        "flow": "a: " + "[" * depth + "]" * depth + "\n",
        "block": "a:\n" + "- " * depth + "x\n",
        "mapping": "".join(f"{' ' * i}k:\n" for i in range(min(depth, 2_000))) + "",
    }[style]
    parsed = parse_yaml("f.yaml", text)
    assert len(parsed.problems) == 1
    assert "YAML nesting deeper than 64 levels (the limit on nesting depth" in (
        parsed.problems[0].message
    )
    assert not parsed.complete


def test_nesting_up_to_the_limit_is_read() -> None:
    parsed = parse_yaml("f.yaml", "a: " + "[" * 63 + "]" * 63 + "\n")
    assert parsed.problems == [] and parsed.documents[0].fields["a"] == 1


def test_nesting_through_an_alias_counts() -> None:
    deep = "[" * 40 + "]" * 40
    parsed = parse_yaml(
        "f.yaml", f"a: &d {deep}\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[*d]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
    )
    assert "through an alias" in parsed.problems[0].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 2001-13-45\n", "unsupported YAML value: '2001-13-45' is not a date (month must be in 1..12)"),
        ("a: " + "9" * 5_000 + "\n", "is not an integer (Exceeds the limit (4300 digits)"),
        ("a: !!set {x}\n", TAG),
        ("a: *nowhere\n", "YAML syntax error: found an alias (*name) with no anchor of that name"),
        ("a: &x 1\nb: &x 2\n", "YAML syntax error: found a duplicate anchor (first at line 1)"),
        ("? [a]\n: 1\n", "unsupported YAML value: a mapping key must be a plain value"),
        ("x: &s 5\ny: {<<: *s}\n", "expected a mapping or list of mappings for merging"),
        ("- <<\n", TAG),
    ],
)  # fmt: skip
def test_unusable_values_drop_their_document_with_a_message(text: str, message: str) -> None:
    parsed = parse_yaml("f.yaml", text + "---\nok: 1\n")
    assert len(parsed.problems) == 1 and message in parsed.problems[0].message
    assert [d.data for d in parsed.documents] == [{"ok": 1}]


def test_merges_follow_pyyaml() -> None:
    text = "x: &m {a: 1, b: 1}\nl: &l [{c: 1}, {a: 2}]\ny:\n  <<: [*m, {b: 2, d: 2}]\n  b: 3\nz: {<<: *l}\n"
    parsed = parse_yaml("f.yaml", text)
    assert parsed.problems == []
    assert parsed.documents[0].data == yaml.safe_load(text)
    fields = parsed.documents[0].fields
    assert (fields["y.a"], fields["y.b"], fields["y.d"]) == (1, 5, 4)
    assert (fields["z.c"], fields["z.a"]) == (2, 2)


KEYS = st.sampled_from(["a", "b", "apiVersion", "kind", "phoneNumbers", "1", "yes", "x y"])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@FAST
@given(st.lists(VALUES, min_size=1, max_size=3), st.sampled_from([None, True, False]))
def test_the_same_data_as_pyyaml(documents: list[object], flow: bool | None) -> None:
    """Any YAML pyyaml writes is read back exactly as pyyaml's safe_load reads it."""
    text = yaml.safe_dump_all(documents, default_flow_style=flow)
    parsed = parse_yaml("f.yaml", text)
    assert parsed.problems == []
    assert [d.data for d in parsed.documents] == [
        d for d in yaml.safe_load_all(text) if d is not None
    ]
