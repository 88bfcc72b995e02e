"""Citing values from files: shortened, inert, and never a credential."""

import string
import unicodedata
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnamctl.manifest.excerpts import cite, looks_like_credential, redact, safe_message

FAST = settings(max_examples=200, database=None, deadline=None)


@pytest.mark.parametrize(
    "value",
    ["ACME SALES", "acme-sales", "trust@acme.example", "+14155550100", "(415) 555-0100",
     "cnamctl/v1", "CnamProfile", "customer-2024-west-region", "TWILIO_AUTH_TOKEN",
     "ACME_AUTH_TOKEN_2", "AC" + "0123456789abcdef" * 2, "BU" + "f" * 32, "Policeman Co",
     "phoneNumbers.12", "displayName"],
)  # fmt: skip
def test_ordinary_values_are_quoted_as_they_are(value: str) -> None:
    assert cite(value) == f"'{value}'"
    assert not looks_like_credential(value)


HEX = st.text(st.sampled_from("0123456789abcdef"), min_size=32, max_size=32)
URLSAFE = st.text(st.sampled_from(string.ascii_letters + string.digits + "-_"), min_size=16)


@FAST
@given(st.one_of(HEX, URLSAFE), st.sampled_from(["{}", "token {}", "{} is it", "'{}'"]))
def test_random_looking_tokens_never_show_more_than_a_prefix(token: str, around: str) -> None:
    if not looks_like_credential(token):  # too few letter-digit pairs: word-like
        return
    shown = cite(around.format(token))
    assert token[4:] not in shown and "[redacted]" in shown


@FAST
@given(HEX.filter(lambda t: sum(a.isdigit() != b.isdigit() for a, b in pairwise(t)) >= 8))
def test_a_twilio_auth_token_is_always_redacted(token: str) -> None:
    assert looks_like_credential(token)
    assert cite(f"TWILIO_AUTH_TOKEN={token}") == "'TWILIO_AUTH_TOKEN=…[redacted]'"


@pytest.mark.parametrize(
    "line",
    ["TWILIO_AUTH_TOKEN=4f1c9e7a2b3d4e5f60718293a4b5c6d7", "export API_KEY=hunter2hunter2",
     "password: correct-horse-battery", "db_passwd=s3cr3t", "client_secret = abc",
     "Authorization: Bearer-abc.def", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY"],
)  # fmt: skip
def test_assignments_to_secret_names_keep_the_name_only(line: str) -> None:
    name, _, value = line.replace(": ", "=").replace(" = ", "=").partition("=")
    shown = cite(line)
    assert name.split()[-1] in shown
    assert value.split()[-1] not in shown
    assert "[redacted]" in shown


@pytest.mark.parametrize(
    "token",
    ["AKIAIOSFODNN7EXAMPLE", "ghp_" + "a1B2c3D4e5" * 4, "xoxb-1234567890-abcdefghij",
     "sk_live_51HaBcDeFgHiJkLmN", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc",
     "-----BEGIN RSA PRIVATE KEY-----"],
)  # fmt: skip
def test_known_token_shapes_are_redacted(token: str) -> None:
    assert token not in redact(token) and "[redacted]" in redact(token)


def test_huge_values_are_shortened_with_their_length() -> None:
    shown = cite("A" * 50_000_000)
    assert len(shown) < 100 and "50,000,000 characters" in shown


@FAST
@given(st.text(st.characters(codec="utf-8"), max_size=200))
def test_cited_text_is_one_inert_line_of_bounded_length(text: str) -> None:
    shown = cite(text)
    assert len(shown) <= 60 * len("\\U0001f600") + 40  # escapes are longer than characters
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in shown)


def test_control_characters_are_shown_as_escapes() -> None:
    assert cite("\x1b]0;pwned\x07\x1b[2J") == "'\\x1b]0;pwned\\x07\\x1b[2J'"
    assert safe_message("a\nb\x1b") == "a\\x0ab\\x1b"
