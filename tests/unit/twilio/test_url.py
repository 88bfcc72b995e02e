"""``--api-url`` parsed once: what is accepted, how it is shown, what is sent."""

from __future__ import annotations

import pytest

from cnamctl.errors import UsageError
from cnamctl.twilio.url import ApiUrl, is_twilio_host, server_of


@pytest.mark.parametrize(
    ("value", "base", "server"),
    [
        ("http://127.0.0.1:4010", "http://127.0.0.1:4010", "127.0.0.1:4010"),
        ("https://emu.example/prefix/", "https://emu.example/prefix", "emu.example"),
        ("http://[::1]:4010", "http://[::1]:4010", "[::1]:4010"),
        ("http://u:p@127.0.0.1:4010/x", "http://127.0.0.1:4010/x", "127.0.0.1:4010"),
        ("  http://127.0.0.1:4010  ", "http://127.0.0.1:4010", "127.0.0.1:4010"),
    ],
)
def test_a_base_url_keeps_scheme_host_port_and_prefix_only(value, base, server):
    url = ApiUrl.parse(value)
    assert (url.base, url.server) == (base, server)


def test_the_display_form_hides_userinfo_and_keeps_the_rest():
    url = ApiUrl.parse("http://proxy:s3cret@127.0.0.1:4010/x")
    assert url.display == "http://***@127.0.0.1:4010/x"
    assert "s3cret" not in repr(url)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("http://[::1", "is not a usable URL (Invalid IPv6 URL)"),
        ("http://h:99999", "is not a usable URL (Port out of range 0-65535)"),
        ("http://h:port", "is not a usable URL"),
        ("ftp://h", "is not an http(s) URL"),
        ("http://", "is not an http(s) URL"),
        ("127.0.0.1:4010", "is not an http(s) URL"),
        ("http://h/x?y=1", "a base URL has no ?query or #fragment"),
        ("http://h/#top", "a base URL has no ?query or #fragment"),
        ("http://h\u00e9:1", "the host name must be plain ASCII"),
    ],
)
def test_what_is_refused_and_why(value, says):
    with pytest.raises(UsageError, match=None) as info:
        ApiUrl.parse(value)
    assert says in str(info.value)
    assert str(info.value).startswith("--api-url '")


def test_a_refusal_never_echoes_the_password():
    with pytest.raises(UsageError) as info:
        ApiUrl.parse("http://u:hunter2@[::1")
    assert "hunter2" not in str(info.value) and "***@" in str(info.value)


@pytest.mark.parametrize(
    ("host", "twilio"),
    [
        ("api.twilio.com", True),
        ("trusthub.twilio.com", True),
        ("twilio.com", True),
        ("api.dublin.ie1.twilio.com", True),
        ("eviltwilio.com", False),
        ("twilio.com.example", False),
        ("", False),
        (None, False),
    ],
)
def test_twilio_hosts(host, twilio):
    assert is_twilio_host(host) is twilio


def test_server_of_drops_userinfo_and_survives_nonsense():
    assert server_of("https://u:p@api.twilio.com/x") == "api.twilio.com"
    assert server_of("http://[::1") == "?"
