import pytest

from cnamctl.manifest.rules.display_name import (
    display_name_problem,
    generic_kind,
    prohibited_term,
)


@pytest.mark.parametrize(
    "name",
    ["ACME SALES", "Acme Corp.", "Acme, Inc.", "A1 PLUMBING", "ABCDEFGHIJKLMNO", "Acme Help, NY",
     "Policeman Co", "Marshall Law", "Texas Roadhouse", "NYC PIZZA"],
)  # fmt: skip
def test_acceptable_names(name: str) -> None:
    assert display_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "a display name must not be empty"),
        (
            "ABCDEFGHIJKLMNOP",
            "'ABCDEFGHIJKLMNOP' is 16 characters long; CNAM display names are at most 15",
        ),
        ("1ST CHOICE", "'1ST CHOICE' must start with a letter"),
        (" ACME", "' ACME' must start with a letter"),
        ("Élan Co", "'Élan Co' must start with a letter"),
        (
            "A&B-C",
            "'A&B-C' contains '&' '-'; only letters, digits, periods, commas and spaces are allowed",
        ),
        ("ACME POLICE", "'ACME POLICE' contains the prohibited term 'Police'"),
        ("Fbi Tips", "'Fbi Tips' contains the prohibited term 'FBI'"),
        ("Call 911 now", "'Call 911 now' contains the prohibited term '911'"),
        ("Ohio", "'Ohio' is a US state; the display name must identify the business"),
        (
            "TX",
            "'TX' is a US state abbreviation; the display name must identify the business",
        ),
        ("Los Angeles", "'Los Angeles' is a US city; the display name must identify the business"),
        (
            "Portland, OR",
            "'Portland, OR' is a US city and state; the display name must identify the business",
        ),
        (
            "Unknown",
            "'Unknown' is a generic caller-ID value; the display name must identify the business",
        ),
    ],
)
def test_problems(name: str, message: str) -> None:
    assert display_name_problem(name) == message


def test_prohibited_terms_are_whole_words() -> None:
    assert prohibited_term("Policeman") is None
    assert prohibited_term("Homeland Security Co") == "Homeland Security"
    assert prohibited_term("HOMELAND SECURE") is None


def test_generic_kind_normalises_punctuation_and_case() -> None:
    assert generic_kind("st. louis") == "a US city"
    assert generic_kind("N.Y.") == "a US state abbreviation"
    assert generic_kind("Kansas City, MO") == "a US city and state"
    assert generic_kind("Acme of Ohio") is None
