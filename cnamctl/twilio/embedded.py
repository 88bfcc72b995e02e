"""The embedded emulator behind ``--emulator``: a URL and credentials, nothing more.

It runs in a background thread of this process for the duration of a block, its
state in a local SQLite file (``.cnamctl/emulator.sqlite`` or
``$CNAMCTL_EMULATOR_DB``) that persists between invocations, seeded on first use
with the demo account that matches the example manifests. Its review approves a
submitted product after ``EMBEDDED_REVIEW_DELAY`` seconds and caller IDs verify
themselves: gentle on purpose, for the quick start.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from cnamctl.twilio.credentials import Credentials

DEFAULT_EMULATOR_DB = ".cnamctl/emulator.sqlite"
EMBEDDED_REVIEW_DELAY = 20.0  # seconds: long enough to see pending review, short for a demo


@dataclass(frozen=True)
class Embedded:
    base_url: str
    credentials: Credentials  # the demo account's
    db_path: Path


def demo_seed_path() -> Path:
    return Path(str(resources.files("cnamctl.emulator") / "demo_seed.yaml"))


def demo_credentials() -> Credentials:
    seed = yaml.safe_load(demo_seed_path().read_text())
    account = seed["accounts"][0]
    return Credentials(
        account["sid"], account["sid"], account["auth_token"], "the embedded demo account"
    )


@contextmanager
def serve_embedded(env: Mapping[str, str]) -> Iterator[Embedded]:
    """Serve the embedded emulator on a free local port while the block runs."""
    from cnamctl.emulator import Emulator, EmulatorConfig  # only when asked for

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
        yield Embedded(server.base_url, demo_credentials(), db)
