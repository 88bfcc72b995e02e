"""Helpers for the import end-to-end tests: a served emulator and the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from cnamctl.cli.app import main
from cnamctl.emulator import Emulator, EmulatorConfig

ACCOUNT = "AC" + "5" * 32
TOKEN = "import-e2e-token"
SHAKEN_POLICY_SID = "RN7a97559effdf62d00f4298208492a5ea"


@dataclass
class Account:
    emulator: Emulator
    base_url: str
    token: str

    def env(self) -> dict[str, str]:
        return {
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": self.token,
            "TWILIO_API_KEY": "",
            "TWILIO_API_SECRET": "",
            "CNAMCTL_API_URL": "",
            "NO_COLOR": "1",
            "CNAMCTL_SETTLE_SECONDS": "0.2",  # the duplicate check of concurrent applies
        }

    def cli(self, *args: str, global_options: tuple[str, ...] = ()) -> Result:
        """``cnamctl [global options] <command> --api-url <emulator> <args>``, in-process."""
        command, *rest = args
        return CliRunner().invoke(
            main,
            [*global_options, command, "--api-url", self.base_url, *rest],
            env=self.env(),
        )

    def import_to(self, out: Path, *extra: str) -> Result:
        return self.cli("import", "--out", str(out), *extra)

    def plan(self, manifests: Path, *extra: str) -> Result:
        return self.cli("plan", str(manifests), "--detailed-exitcode", *extra)


@contextmanager
def served(account: dict[str, Any], *, token: str = TOKEN, **config: Any) -> Iterator[Account]:
    """An in-memory emulator holding one account (``account`` without sid/token)."""
    seed = {"accounts": [{"sid": ACCOUNT, "auth_token": token, **account}]}
    emulator = Emulator(":memory:", seed, config=EmulatorConfig(**config))
    try:
        with emulator.serve(port=0) as server:
            yield Account(emulator, server.base_url, token)
    finally:
        emulator.close()


def numbers(prefix: str, start: int, count: int) -> list[str]:
    """``count`` US long codes ``<prefix><nnnn>`` (prefix: +1, area code, exchange)."""
    return [f"{prefix}{i:04d}" for i in range(start, start + count)]
