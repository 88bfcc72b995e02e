"""cnamctl.text: what may reach a terminal, and how long a quoted value may be."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from cnamctl.text import inert, quoted, redact_url, shorten


def test_escape_sequences_are_shown_not_run() -> None:
    assert inert("a\x1b]0;owned\x07b") == "a\\x1b]0;owned\\x07b"
    assert inert("\x1b[2J") == "\\x1b[2J"


def test_bidi_override_and_zero_width_space_are_visible() -> None:
    assert inert("abc\u202edef\u200b") == "abc\\u202edef\\u200b"


def test_printable_unicode_stays() -> None:
    assert inert("Café Zürich — 東京") == "Café Zürich — 東京"


def test_lines_kept_in_messages_escaped_in_values() -> None:
    assert inert("a\nb\tc") == "a\nb\tc"
    assert inert("a\nb\tc", keep_lines=False) == "a\\x0ab\\x09c"


def test_shorten_says_how_long_the_whole_is() -> None:
    assert shorten("x" * 10) == "x" * 10
    cut = shorten("y" * 50_000_000, 20)
    assert cut.startswith("y" * 19 + "…")
    assert "50,000,000 characters" in cut
    assert len(cut) < 60


def test_quoted_is_short_inert_and_single_line() -> None:
    assert quoted("ACME\x1b[2J\n" + "z" * 1000, 30).count("\n") == 0
    assert "\x1b" not in quoted("\x1b" * 5)
    assert quoted(42) == "'42'"


@given(st.text())
def test_inert_output_has_no_control_or_format_characters(text: str) -> None:
    for char in inert(text, keep_lines=False):
        assert unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"), char


@given(st.text(), st.integers(min_value=2, max_value=200))
def test_shorten_is_bounded(text: str, limit: int) -> None:
    assert len(shorten(text, limit)) <= limit + 30


def test_redact_url_hides_userinfo_only() -> None:
    assert redact_url("http://user:pw@host:8080/x?y=1") == "http://***@host:8080/x?y=1"
    assert redact_url("https://api.twilio.com") == "https://api.twilio.com"
    assert redact_url("http://a@b@host/") == "http://***@host/"
    assert "pw" not in redact_url("http://u:pw@[::1]:9/")
