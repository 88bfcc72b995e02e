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

from cnamctl.twilio.client import make_client
from cnamctl.twilio.credentials import Credentials

DEFAULT_EMULATOR_DB = ".cnamctl/emulator.sqlite"
EMBEDDED_REVIEW_DELAY = 20.0  # seconds: long enough to see pending review, short for a demo


@dataclass(frozen=True)
class Target:
    client: Client
    label: str  # for people: where the traffic went (never credentials)


def demo_seed_path() -> Path:
    return Path(str(resources.files("cnamctl.emulator") / "demo_seed.yaml"))


def demo_credentials() -> Credentials:
    seed = yaml.safe_load(demo_seed_path().read_text())
    account = seed["accounts"][0]
    return Credentials(account["sid"], account["sid"], account["auth_token"])


@contextmanager
def open_target(
    api_url: str | None, embedded: bool, env: Mapping[str, str] | None = None
) -> Iterator[Target]:
    env = os.environ if env is None else env
    if not embedded:
        creds = Credentials.from_env(env)
        label = f"emulator at {api_url}" if api_url else "Twilio"
        yield Target(make_client(creds, api_url), label)
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
    with emulator.serve(host="127.0.0.1", port=0) as server:
        yield Target(make_client(demo_credentials(), server.base_url), f"embedded emulator ({db})")
