from cnamctl.errors import Location
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


def test_unsafe_tags_are_refused_without_stopping() -> None:
    parsed = parse_yaml("f.yaml", "a: !!python/name:os.system\n---\nb: 1\n")
    assert [str(p) for p in parsed.problems] == [
        "f.yaml:1: unsupported YAML value: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/name:os.system'"
    ]
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
        "f.yaml:1: unsupported YAML value: the alias '*x' is used inside its own anchor "
        "(a recursive structure)"
    ]
    assert [d.data for d in parsed.documents] == [{"b": 1}]
