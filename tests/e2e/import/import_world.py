"""Helpers for the import end-to-end tests: a served emulator and the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from support.cli_env import cli_env
from support.emulators import EmulatorFactory
from support.seeds import IMPORT_ACCOUNT as ACCOUNT
from support.seeds import IMPORT_TOKEN as TOKEN
from support.seeds import SHAKEN_POLICY_SID, import_seed

from cnamctl.cli.app import main
from cnamctl.emulator import Emulator

__all__ = ["ACCOUNT", "SHAKEN_POLICY_SID", "TOKEN", "Account", "numbers", "served"]


@dataclass
class Account:
    emulator: Emulator
    base_url: str
    token: str

    def env(self) -> dict[str, str]:
        return cli_env(ACCOUNT, self.token)

    def cli(self, *args: str, global_options: tuple[str, ...] = ()) -> Result:
        """``cnamctl [global options] <command> --api-url <emulator> <args>``, in-process."""
        command, *rest = args
        self.emulator.catch_up()  # time passes between two commands (realism switch)
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
    with ExitStack() as stack:
        factory = EmulatorFactory(stack)
        running = factory.start(import_seed(account, token), realistic=True, **config)
        yield Account(running.emu, running.base_url, token)
    factory.assert_conforming()


def numbers(prefix: str, start: int, count: int) -> list[str]:
    """``count`` US long codes ``<prefix><nnnn>`` (prefix: +1, area code, exchange)."""
    return [f"{prefix}{i:04d}" for i in range(start, start + count)]
