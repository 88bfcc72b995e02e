"""Helpers of the reliability suite: a live in-process emulator and the real CLI.

The emulator is served over HTTP on a free port (the CLI reaches it with
``--api-url``/``CNAMCTL_API_URL``), so every request cnamctl makes is counted by
the emulator's own statistics, and its database can be dumped to show that
something changed nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from click.testing import CliRunner, Result
from twilio.rest import Client

from cnamctl.cli.app import main
from cnamctl.emulator import Emulator
from cnamctl.twilio import Credentials, make_client

ACCOUNT = "AC" + "7" * 32
# Recognisable secrets: a leak anywhere is found by a plain substring search.
TOKEN = "tok-RELIABILITY-SECRET-4f1c9e7a2b"
API_KEY = "SK" + "7" * 32
API_SECRET = "key-RELIABILITY-SECRET-93d1aa07c5"
OTHER_ACCOUNT = "AC" + "8" * 32
OTHER_TOKEN = "tok-OTHER-SECRET-61b0c2d9e4"
NUMBERS = [f"+1415555{i:04d}" for i in range(6)]
OTHER_NUMBER = "+12125550100"


def seed() -> dict[str, Any]:
    """Two accounts: ours (an approved business profile holding every number) and
    another one, whose SIDs are used to cross account boundaries."""
    return {
        "accounts": [
            {
                "sid": ACCOUNT,
                "auth_token": TOKEN,
                "api_keys": [{"sid": API_KEY, "secret": API_SECRET}],
                "incoming_numbers": NUMBERS,
                "outgoing_caller_ids": [
                    {"phone_number": "+14155550199", "friendly_name": "Front desk"}
                ],
                "business_profiles": [
                    {"friendly_name": "Acme Corp", "phone_numbers": NUMBERS},
                ],
            },
            {
                "sid": OTHER_ACCOUNT,
                "auth_token": OTHER_TOKEN,
                "incoming_numbers": [OTHER_NUMBER],
                "business_profiles": [
                    {"friendly_name": "Other Corp", "phone_numbers": [OTHER_NUMBER]}
                ],
                "trust_products": [
                    {
                        "friendly_name": "theirs",
                        "status": "twilio-approved",
                        "business_profile": "Other Corp",
                        "display_name": "OTHER CORP",
                        "phone_numbers": [OTHER_NUMBER],
                    }
                ],
            },
        ]
    }


def token_env(base_url: str) -> dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_KEY": "",
        "TWILIO_API_SECRET": "",
        "CNAMCTL_API_URL": base_url,
        "NO_COLOR": "1",
        "CNAMCTL_SETTLE_SECONDS": "0.2",  # the duplicate check of concurrent applies
    }


def api_key_env(base_url: str) -> dict[str, str]:
    return {
        **token_env(base_url),
        "TWILIO_AUTH_TOKEN": "",
        "TWILIO_API_KEY": API_KEY,
        "TWILIO_API_SECRET": API_SECRET,
    }


@dataclass
class Live:
    """A served emulator and the CLI aimed at it."""

    emulator: Emulator
    base_url: str
    stack: ExitStack
    runs: list[Result] = field(default_factory=list)

    def cli(self, args: Sequence[str], env: dict[str, str] | None = None) -> Result:
        """``cnamctl ARGS`` in-process, credentials and ``CNAMCTL_API_URL`` from ``env``."""
        result = CliRunner().invoke(main, list(args), env=env or token_env(self.base_url))
        self.runs.append(result)
        return result

    def client(self, account: str = ACCOUNT, password: str = TOKEN) -> Client:
        client = make_client(Credentials(account, account, password), self.base_url, timeout=10)
        self.stack.callback(client.http_client.session.close)  # type: ignore[attr-defined]
        return client

    def requests_seen(self) -> int:
        return int(self.emulator.stats()["total_requests"])

    def writes(self) -> int:
        return int(self.emulator.stats()["writes"])

    def dump(self) -> list[str]:
        """The whole database, as SQL: equal dumps mean equal state."""
        with self.emulator.store.transaction() as conn:
            return list(conn.iterdump())
