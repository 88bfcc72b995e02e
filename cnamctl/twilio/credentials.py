"""Twilio credentials from the environment, never printable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from cnamctl.errors import UsageError


@dataclass(frozen=True)
class Credentials:
    """Account SID plus either the auth token or an API key and secret.

    The secret is excluded from ``repr`` so it cannot leak through logs or tracebacks.
    """

    account_sid: str
    username: str
    password: str = field(repr=False)

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
        if api_key and api_secret:
            return cls(account_sid=account_sid, username=api_key, password=api_secret)
        if auth_token:
            return cls(account_sid=account_sid, username=account_sid, password=auth_token)
        raise UsageError(
            "TWILIO_ACCOUNT_SID is set but neither TWILIO_AUTH_TOKEN nor "
            "TWILIO_API_KEY/TWILIO_API_SECRET is"
        )
