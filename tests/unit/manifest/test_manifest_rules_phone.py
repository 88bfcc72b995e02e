import pytest

from cnamctl.manifest.rules.phone import caller_id_problem, long_code_problem, to_e164


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
