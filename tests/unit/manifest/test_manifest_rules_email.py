import pytest

from cnamctl.manifest.excerpts import cite
from cnamctl.manifest.rules.email import email_problem


@pytest.mark.parametrize(
    "address",
    ["trust@acme.example", "first.last+cnam@mail.acme.co", "o'brien@example.org", "x@a-b.io"],
)
def test_valid(address: str) -> None:
    assert email_problem(address) is None


@pytest.mark.parametrize(
    "address",
    ["acme.example", "a@b", "a@@b.com", ".a@b.com", "a.@b.com", "a..b@c.com", "a b@c.com",
     "a@-b.com", "a@b.c", "a@b..com", "@b.com", "a@", "x" * 65 + "@b.com"],
)  # fmt: skip
def test_invalid(address: str) -> None:
    assert email_problem(address) == f"{cite(address)} is not a valid email address"


def test_a_long_address_is_quoted_shortened() -> None:
    address = "x" * 65 + "@b.com"
    assert email_problem(address) == (
        f"'{address[:59]}… (71 characters)' is not a valid email address"
    )
