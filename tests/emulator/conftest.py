"""Fixtures of the emulator suite: served emulators with the small seed and SDK clients.

Every response a served emulator gives during a test passes the contract guard of
``support.emulators`` (Twilio's OpenAPI specs, vendored in tests/support); the
test fails if any did not conform.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from support.emulators import EmulatorFactory, Running
from support.seeds import ACCOUNT, TOKEN, small_seed
from twilio.rest import Client

from cnamctl.emulator import Emulator, EmulatorConfig
from cnamctl.twilio import Credentials, make_client


@dataclass
class Served:
    """An emulator served over HTTP for one test, with clients aimed at it."""

    running: Running
    stack: ExitStack

    @property
    def emu(self) -> Emulator:
        return self.running.emu

    @property
    def handle(self) -> Any:
        return self.running.handle

    @property
    def guard(self) -> Any:
        return self.running.guard

    @property
    def base_url(self) -> str:
        return self.running.base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def client(
        self, account: str = ACCOUNT, username: str | None = None, password: str = TOKEN
    ) -> Client:
        """A real twilio SDK client aimed at this emulator."""
        creds = Credentials(account_sid=account, username=username or account, password=password)
        client = make_client(creds, api_url=self.base_url, timeout=10)
        self.stack.callback(client.http_client.transport.close)  # type: ignore[attr-defined]
        return client

    def http(self, auth: tuple[str, str] | None = (ACCOUNT, TOKEN)) -> requests.Session:
        session = requests.Session()
        if auth is not None:
            session.auth = auth
        self.stack.callback(session.close)
        return session


@pytest.fixture
def serve(emulators: EmulatorFactory) -> Iterator[Callable[..., Served]]:
    """Factory: ``serve(seed=..., config=..., db_path=..., clock=...)`` -> a served
    emulator (the small seed by default)."""
    stack = ExitStack()

    def start(
        seed: Any = None,
        config: EmulatorConfig | None = None,
        db_path: str = ":memory:",
        emu: Emulator | None = None,
        **options: Any,
    ) -> Served:
        running = emulators.start(
            small_seed() if seed is None else seed,
            config=config,
            db_path=db_path,
            emu=emu,
            **options,
        )
        return Served(running, stack)

    yield start
    stack.close()


@pytest.fixture
def served(serve: Callable[..., Served]) -> Served:
    return serve()


@pytest.fixture
def client(served: Served) -> Client:
    return served.client()
