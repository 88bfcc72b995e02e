"""Twilio credentials from the environment, never printable.

Twilio's SIDs, auth tokens and API key secrets are plain ASCII (hex digits and
letters). A value with anything else in it (a typographic quote or an accented
letter pasted with the token, a non-breaking space) cannot even be sent: HTTP
Basic credentials are Latin-1 in requests, so it would fail deep inside the
HTTP stack. It is refused up front, naming the variable and the position of the
first bad character, never the value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from cnamctl.errors import UsageError

API_KEY_PREFIX = "SK"


@dataclass(frozen=True)
class Credentials:
    """Account SID plus either the auth token or an API key and secret.

    The secret is excluded from ``repr`` so it cannot leak through logs or tracebacks.
    ``source`` says where they came from, for messages (variable names, never values).
    """

    account_sid: str
    username: str
    password: str = field(repr=False)
    source: str = "the credentials"

    def __post_init__(self) -> None:
        for what, value in (
            ("account SID", self.account_sid),
            ("user name", self.username),
            ("secret", self.password),
        ):
            check_sendable(f"{self.source}: the {what}", value)

    @property
    def is_api_key(self) -> bool:
        return self.username.startswith(API_KEY_PREFIX)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Credentials:
        env = os.environ if env is None else env
        account_sid = env.get("TWILIO_ACCOUNT_SID", "").strip()
        api_key = env.get("TWILIO_API_KEY", "").strip()
        api_secret = env.get("TWILIO_API_SECRET", "").strip()
        auth_token = env.get("TWILIO_AUTH_TOKEN", "").strip()
        if not account_sid:
            raise UsageError(
                "no Twilio credentials: set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN "
                "(or TWILIO_API_KEY and TWILIO_API_SECRET), or use --emulator"
            )
        check_sendable("TWILIO_ACCOUNT_SID", account_sid)
        if api_key and api_secret:
            check_sendable("TWILIO_API_KEY", api_key)
            check_sendable("TWILIO_API_SECRET", api_secret)
            return cls(account_sid, api_key, api_secret, "TWILIO_API_KEY/TWILIO_API_SECRET")
        if auth_token:
            check_sendable("TWILIO_AUTH_TOKEN", auth_token)
            return cls(account_sid, account_sid, auth_token, "TWILIO_AUTH_TOKEN")
        raise UsageError(
            "TWILIO_ACCOUNT_SID is set but neither TWILIO_AUTH_TOKEN nor "
            "TWILIO_API_KEY/TWILIO_API_SECRET is"
        )


def check_sendable(name: str, value: str) -> None:
    """UsageError unless ``value`` is printable ASCII without spaces (what Twilio issues)."""
    for index, char in enumerate(value, start=1):
        if not (char.isascii() and char.isprintable()) or char.isspace():
            kind = "a space" if char == " " else f"U+{ord(char):04X}"
            raise UsageError(
                f"{name} holds a character Twilio credentials never contain ({kind} at "
                f"position {index} of {len(value)}); copy the value again from the Twilio Console"
            )
