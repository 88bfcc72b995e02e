"""Phone-number rules: the formats read, the messages, and (hypothesis) that only
what a person means unambiguously is read."""

import unicodedata

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnamctl.manifest.excerpts import cite
from cnamctl.manifest.rules.phone import (
    _us_type,
    caller_id_problem,
    long_code_problem,
    read_caller_id,
    read_long_code,
    to_e164,
)


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("+14155550100", "+14155550100"),
        ("(415) 555-0101", "+14155550101"),
        ("415-555-0102", "+14155550102"),
        ("415.555.0103", "+14155550103"),
        ("1 415 555 0104", "+14155550104"),
        ("+44 20 7183 8750", "+442071838750"),
    ],
)
def test_to_e164(text: str, e164: str) -> None:
    assert to_e164(text) == e164


def test_to_e164_rejects_non_numbers() -> None:
    with pytest.raises(ValueError):
        to_e164("call me")


@pytest.mark.parametrize("text", ["+14155550100", "(212) 555-0100", "+13125550100"])
def test_us_long_codes_are_fine(text: str) -> None:
    assert long_code_problem(text) is None
    assert caller_id_problem(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "'hello' is not a phone number"),
        ("+1415555", "'+1415555' is not a valid phone number (too short)"),
        ("+141555501001234", "'+141555501001234' is not a valid phone number (too long)"),
        (
            "+18005550100",
            "'+18005550100' is a toll-free number; CNAM supports US standard long codes only "
            "(toll-free CNAM is changed through Twilio Support)",
        ),
        ("+16045550100", "'+16045550100' is a Canadian number; CNAM supports US numbers only"),
        (
            "+18765550100",
            "'+18765550100' is not a US number (region JM); CNAM supports US numbers only",
        ),
        (
            "+442071838750",
            "'+442071838750' is not a US number (region GB); CNAM supports US numbers only",
        ),
        (
            "+19005550100",
            "'+19005550100' is a premium-rate number; CNAM supports US standard long codes only",
        ),
        (
            "+15005550100",
            "'+15005550100' is a personal (5XX) number; CNAM supports US standard long codes only",
        ),
    ],
)
def test_long_code_problems(text: str, message: str) -> None:
    assert long_code_problem(text) == message


@pytest.mark.parametrize("text", ["+18005550100", "+442071838750", "+16045550100"])
def test_caller_ids_may_be_any_valid_number(text: str) -> None:
    assert caller_id_problem(text) is None


def test_caller_ids_must_be_valid() -> None:
    assert caller_id_problem("+1415555") == "'+1415555' is not a valid phone number (too short)"


# --- what a person means unambiguously (issue 11) -------------------------------------

AREA_CODES = ["212", "213", "312", "415", "510", "617", "646", "702", "818", "917"]
US_NUMBERS = st.builds(
    lambda area, exchange, line: f"{area}{exchange}{line:04d}",
    st.sampled_from(AREA_CODES),
    st.integers(200, 999).filter(lambda n: n % 100 != 11).map(str),
    st.integers(0, 9999),
)
FORMATS = [
    "+1{a}{e}{l}", "+1 {a} {e} {l}", "+1-{a}-{e}-{l}", "+1 ({a}) {e}-{l}", "+1.{a}.{e}.{l}",
    "{a}{e}{l}", "({a}) {e}-{l}", "({a}){e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "{a} {e} {l}",
    "1{a}{e}{l}", "1 {a} {e} {l}", "1-{a}-{e}-{l}", "1 ({a}) {e}-{l}", "1({a}){e}-{l}",
]  # fmt: skip
FAST = settings(max_examples=200, database=None, deadline=None)


def _write(digits: str, form: str) -> str:
    return form.format(a=digits[:3], e=digits[3:6], l=digits[6:])


@FAST
@given(US_NUMBERS, st.sampled_from(FORMATS))
def test_every_plain_format_reads_as_its_own_digits(digits: str, form: str) -> None:
    assert read_long_code(_write(digits, form)) == ("+1" + digits, None)
    assert read_caller_id(_write(digits, form)) == ("+1" + digits, None)


# Characters a person did not mean as part of a number: letters (a keypad reads them
# as digits), other scripts' digits, invisible and spacing characters, punctuation.
KEYPAD_LETTERS = st.sampled_from("OoIlZSBabcdefghijklmnopqrstuvwxyzABCDEFGHJKLMNPQRTUVWXY")
OTHER_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())
INVISIBLE = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e"])
SPACING = st.sampled_from(["\t", "\u00a0", "\u2007", "\u2009", "\u3000", "\u2011", "\u2013", "/"])
HOSTILE = st.one_of(KEYPAD_LETTERS, OTHER_DIGITS, INVISIBLE, SPACING)


@FAST
@given(US_NUMBERS, st.sampled_from(FORMATS), HOSTILE, st.data())
def test_a_foreign_character_anywhere_inside_is_refused_and_shown(
    digits: str, form: str, char: str, data: st.DataObject
) -> None:
    written = _write(digits, form)
    at = data.draw(st.integers(1, len(written) - 1))  # inside: the ends are stripped
    text = written[:at] + char + written[at:]
    for read in (read_long_code, read_caller_id):
        e164, problem = read(text)
        assert e164 is None
        assert problem is not None and problem.startswith(cite(text))
        if char in "xX" and "has an extension" in problem:  # '415 555 0100x12' is one
            continue
        assert f"U+{ord(char):04X}" in problem
        if unicodedata.name(char, ""):
            assert unicodedata.name(char) in problem


@FAST
@given(US_NUMBERS, st.sampled_from(FORMATS), st.integers(0, 9))
def test_a_letter_typed_for_a_digit_is_never_read_as_a_number(
    digits: str, form: str, position: int
) -> None:
    letters = {"0": "O", "1": "l", "2": "Z", "5": "S", "8": "B", "6": "G", "7": "T"}
    if digits[position] not in letters:
        return
    typo = digits[:position] + letters[digits[position]] + digits[position + 1 :]
    text = _write(typo, form)
    e164, problem = read_long_code(text)
    assert e164 is None and problem is not None
    assert "letters are not read as keypad digits" in problem


@pytest.mark.parametrize(
    "text",
    ["+1 415 555 0100 x12", "(415) 555-0100 ext. 9", "415-555-0100 ext12", "4155550100#7",
     "415.555.0100;ext=3", "+14155550100,,2", "+1 415 555 0100 extension 12"],
)  # fmt: skip
def test_extensions_are_refused_naming_the_number_alone(text: str) -> None:
    e164, problem = read_long_code(text)
    assert e164 is None and problem is not None
    assert "has an extension" in problem and cite(text) in problem


@pytest.mark.parametrize(
    ("text", "part"),
    [
        (
            "011 44 20 7183 8750",
            "international dialling prefix 011; write it in E.164 instead: '+442071838750'",
        ),
        ("0044 20 7183 8750", "prefix 00"),
        ("415555010", "not 9"),
        ("41 55 55 01 00", "is not grouped as a US number"),
        ("+1 415--555-0100", "is not written as a phone number"),
        ("+1 415 555 0100-", "is not written as a phone number"),
        ("1+4155550100", "is not written as a phone number"),
        ("(415 555-0100", "is not written as a phone number"),
        ("+" + "1" * 40, "longer than 32 characters"),
    ],
)
def test_ambiguous_writings_are_refused(text: str, part: str) -> None:
    e164, problem = read_caller_id(text)
    assert e164 is None and problem is not None and part in problem


ALPHABET = st.sampled_from(list("0123456789+ -.()xO\u200b\uff11\u0661\t"))


@settings(max_examples=500, database=None, deadline=None)
@given(st.text(ALPHABET, max_size=24))
def test_an_accepted_number_has_exactly_the_digits_written(text: str) -> None:
    """Whatever the text, cnamctl never invents, drops or translates a digit: what it
    accepts is the ASCII digits written (with +1 for a US national number)."""
    for read in (read_long_code, read_caller_id):
        e164, problem = read(text)
        assert (e164 is None) != (problem is None)
        if e164 is None:
            continue
        written = "".join(c for c in text if c in "0123456789")
        assert set(text) <= set("0123456789+ -.()")
        assert e164[1:] == written or e164[1:] == "1" + written


@settings(max_examples=500)
@given(
    st.one_of(  # mostly numbers of US area codes and exchanges, and any ten digits
        st.from_regex(r"[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True),
        st.text("0123456789", min_size=10, max_size=10),
    )
)
def test_a_us_numbers_type_is_libphonenumbers(national: str) -> None:
    """The one-pattern reading of the US metadata (``_us_type``) gives the type
    libphonenumber gives every valid US number, and None for every other."""
    e164 = "+1" + national
    parsed = phonenumbers.parse(e164)
    valid = phonenumbers.is_valid_number_for_region(parsed, "US")
    expected = phonenumbers.number_type(parsed) if valid else None
    assert _us_type(e164) == expected
