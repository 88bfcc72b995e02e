"""Where Twilio traffic goes: real Twilio, an emulator URL, or the embedded emulator.

The embedded emulator runs in a background thread of this process, its state in
a local SQLite file (``.cnamctl/emulator.sqlite`` or ``$CNAMCTL_EMULATOR_DB``)
that persists between invocations, seeded on first use with the demo account
that matches the example manifests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from twilio.rest import Client

from cnamctl.manifest.model import Account
from cnamctl.twilio.accounts import account_credentials
from cnamctl.twilio.client import make_client
from cnamctl.twilio.credentials import Credentials

DEFAULT_EMULATOR_DB = ".cnamctl/emulator.sqlite"
EMBEDDED_REVIEW_DELAY = 20.0  # seconds: long enough to see pending review, short for a demo


@dataclass(frozen=True)
class Target:
    client: Client
    label: str  # for people: where the traffic went (never credentials)


@dataclass(frozen=True)
class Endpoint:
    """Where traffic goes, and how each account's client is made there."""

    api_url: str | None  # None: Twilio itself
    label: str
    env: Mapping[str, str]
    embedded: bool = False

    def default_credentials(self) -> Credentials:
        return demo_credentials() if self.embedded else Credentials.from_env(self.env)

    def client_for(self, account: Account | None = None) -> Client:
        """A client for ``account`` (None: the account the environment names)."""
        if account is None:
            return make_client(self.default_credentials(), self.api_url)
        parent = demo_credentials() if self.embedded else None  # else read when needed
        return make_client(
            account_credentials(account, self.env, self.api_url, parent), self.api_url
        )


def demo_seed_path() -> Path:
    return Path(str(resources.files("cnamctl.emulator") / "demo_seed.yaml"))


def demo_credentials() -> Credentials:
    seed = yaml.safe_load(demo_seed_path().read_text())
    account = seed["accounts"][0]
    return Credentials(account["sid"], account["sid"], account["auth_token"])


@contextmanager
def open_endpoint(
    api_url: str | None, embedded: bool, env: Mapping[str, str] | None = None
) -> Iterator[Endpoint]:
    """Twilio, an emulator at ``api_url``, or the embedded emulator (served for the
    duration of the block)."""
    env = os.environ if env is None else env
    if not embedded:
        label = f"emulator at {api_url}" if api_url else "Twilio"
        yield Endpoint(api_url, label, env)
        return

    from cnamctl.emulator import Emulator, EmulatorConfig

    db = Path(env.get("CNAMCTL_EMULATOR_DB") or DEFAULT_EMULATOR_DB)
    db.parent.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(
        db_path=str(db),
        seed=str(demo_seed_path()),
        config=EmulatorConfig(
            review_mode="auto-approve",
            review_delay=EMBEDDED_REVIEW_DELAY,
            auto_verify_caller_ids=True,
        ),
    )
    with emulator, emulator.serve(host="127.0.0.1", port=0) as server:
        yield Endpoint(server.base_url, f"embedded emulator ({db})", env, embedded=True)


@contextmanager
def open_target(
    api_url: str | None, embedded: bool, env: Mapping[str, str] | None = None
) -> Iterator[Target]:
    """One client for the account the environment (or the embedded demo) names."""
    with open_endpoint(api_url, embedded, env) as endpoint:
        yield Target(endpoint.client_for(None), endpoint.label)
