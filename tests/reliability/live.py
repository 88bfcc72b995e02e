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

from click.testing import CliRunner, Result
from support.cli_env import cli_env
from support.seeds import RELIABILITY_ACCOUNT as ACCOUNT
from support.seeds import RELIABILITY_KEY as API_KEY
from support.seeds import RELIABILITY_NUMBERS as NUMBERS
from support.seeds import RELIABILITY_OTHER as OTHER_ACCOUNT
from support.seeds import RELIABILITY_OTHER_NUMBER as OTHER_NUMBER
from support.seeds import RELIABILITY_OTHER_TOKEN as OTHER_TOKEN
from support.seeds import RELIABILITY_SECRET as API_SECRET
from support.seeds import RELIABILITY_TOKEN as TOKEN
from support.seeds import reliability_seed as seed
from twilio.rest import Client

from cnamctl.cli.app import main
from cnamctl.emulator import Emulator
from cnamctl.twilio import Credentials, make_client

__all__ = [
    "ACCOUNT",
    "API_KEY",
    "API_SECRET",
    "NUMBERS",
    "OTHER_ACCOUNT",
    "OTHER_NUMBER",
    "OTHER_TOKEN",
    "TOKEN",
    "Live",
    "api_key_env",
    "seed",
    "token_env",
]


def token_env(base_url: str) -> dict[str, str]:
    return cli_env(ACCOUNT, TOKEN, base_url)


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
        """``cnamctl ARGS`` in-process, credentials and ``CNAMCTL_API_URL`` from ``env``
        (lagging writes of the realism switch catch up first: time passes between
        two commands)."""
        self.emulator.catch_up()
        result = CliRunner().invoke(main, list(args), env=env or token_env(self.base_url))
        self.runs.append(result)
        return result

    def client(self, account: str = ACCOUNT, password: str = TOKEN) -> Client:
        self.emulator.catch_up()
        client = make_client(Credentials(account, account, password), self.base_url, timeout=10)
        self.stack.callback(client.http_client.transport.close)  # type: ignore[attr-defined]
        return client

    def requests_seen(self) -> int:
        return int(self.emulator.stats()["total_requests"])

    def writes(self) -> int:
        return int(self.emulator.stats()["writes"])

    def dump(self) -> list[str]:
        """The whole database, as SQL: equal dumps mean equal state."""
        with self.emulator.store.transaction() as conn:
            return list(conn.iterdump())
