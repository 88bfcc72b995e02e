"""The ``--api-url`` base URL: checked once, and never printed with its userinfo.

A base URL may carry ``user:password@`` (a recording proxy's login, pasted from
somewhere). cnamctl never sends it: the twilio SDK authenticates every request
with the Twilio credentials, which take precedence over a URL's userinfo in
requests, so the part is dropped from the URL the HTTP client uses, and every
form of the URL meant for people (``display``, ``server``) leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

from cnamctl.errors import UsageError
from cnamctl.text import quoted, redact_url

TWILIO_DOMAIN = "twilio.com"


@dataclass(frozen=True)
class ApiUrl:
    """A base URL for all Twilio traffic (an emulator, a proxy)."""

    scheme: str  # http | https
    server: str  # host[:port] without userinfo: how messages name the server
    path: str  # prefix, without a trailing slash ("" for none)
    raw: str = field(repr=False)  # as given; may hold a password: never print it

    @classmethod
    def parse(cls, value: str) -> ApiUrl:
        """``value`` checked; a UsageError says what is wrong (without echoing a password)."""
        shown = quoted(redact_url(value), 80)
        try:
            parts = urlsplit(value.strip())
            port = parts.port  # raises ValueError when out of range or not a number
        except ValueError as err:
            raise UsageError(f"--api-url {shown} is not a usable URL ({err})") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(
                f"--api-url {shown} is not an http(s) URL such as http://127.0.0.1:4010"
            )
        if parts.query or parts.fragment:
            raise UsageError(f"--api-url {shown}: a base URL has no ?query or #fragment")
        if not (parts.hostname.isascii() and parts.hostname.isprintable()):
            raise UsageError(f"--api-url {shown}: the host name must be plain ASCII")
        return cls(parts.scheme, _server(parts, port), parts.path.rstrip("/"), value)

    @property
    def base(self) -> str:
        """The URL requests go to: scheme, host, port and path prefix; no userinfo."""
        return f"{self.scheme}://{self.server}{self.path}"

    @property
    def display(self) -> str:
        """For people: the URL as given, userinfo replaced by ``***``."""
        return redact_url(self.raw.strip())


def _server(parts: SplitResult, port: int | None) -> str:
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{host}:{port}" if port is not None else host


def is_twilio_host(host: str | None) -> bool:
    """``api.twilio.com``, ``trusthub.twilio.com``, ...: never ``eviltwilio.com``."""
    return bool(host) and (host == TWILIO_DOMAIN or str(host).endswith("." + TWILIO_DOMAIN))


def server_of(url: str) -> str:
    """``host[:port]`` of ``url`` without userinfo, for messages."""
    try:
        parts = urlsplit(url)
        return _server(parts, parts.port)
    except ValueError:
        return "?"
