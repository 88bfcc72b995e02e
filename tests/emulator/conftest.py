"""Fixtures: served emulators with a small seed, SDK clients, and a response guard.

Every response a served emulator gives during a test passes through
:class:`SchemaGuard`, which validates it against the OpenAPI specs (tests/emulator/
oas.py); the fixture fails the test if any response did not conform. Without the
specs (../shared/twilio-oai absent) the guard only checks error bodies.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import pytest
import requests
from twilio.rest import Client

from cnamctl.emulator import Emulator, EmulatorConfig
from cnamctl.emulator.server import ServerHandle
from cnamctl.twilio import Credentials, make_client

from .helpers import ACCOUNT, TOKEN, small_seed
from .oas import ERROR_SCHEMA, OpenApi, specs_available


@dataclass
class SchemaGuard:
    """WSGI middleware: validate every Twilio-path response against the specs."""

    app: Callable[..., Any]
    oas: OpenApi | None
    problems: list[str] = field(default_factory=list)
    checked: int = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen: dict[str, int] = {}

        def capture(status: str, headers: Any, exc_info: Any = None) -> Any:
            seen["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        chunks = list(self.app(environ, capture))  # a dropped connection raises through
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if not path.startswith("/_emulator"):
            raw = b"".join(chunks)
            self.check(method, path, seen["status"], json.loads(raw) if raw else None)
        return chunks

    def check(self, method: str, path: str, status: int, body: Any) -> None:
        self.checked += 1
        if self.oas is not None:
            found = self.oas.problems(method, path, status, body)
        elif status >= 400:
            found = [e.message for e in jsonschema.Draft4Validator(ERROR_SCHEMA).iter_errors(body)]
        else:
            found = []
        if found:
            self.problems.append(f"{method} {path} -> {status}: {found}")


@dataclass
class Served:
    """An emulator served over HTTP for one test."""

    emu: Emulator
    handle: ServerHandle
    guard: SchemaGuard
    stack: ExitStack

    @property
    def base_url(self) -> str:
        return self.handle.base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def client(
        self, account: str = ACCOUNT, username: str | None = None, password: str = TOKEN
    ) -> Client:
        """A real twilio SDK client aimed at this emulator."""
        creds = Credentials(account_sid=account, username=username or account, password=password)
        client = make_client(creds, api_url=self.base_url, timeout=10)
        self.stack.callback(client.http_client.session.close)  # type: ignore[attr-defined]
        return client

    def http(self, auth: tuple[str, str] | None = (ACCOUNT, TOKEN)) -> requests.Session:
        session = requests.Session()
        if auth is not None:
            session.auth = auth
        self.stack.callback(session.close)
        return session


@pytest.fixture(scope="session")
def oas() -> OpenApi | None:
    return OpenApi() if specs_available() else None


@pytest.fixture
def serve(oas: OpenApi | None) -> Iterator[Callable[..., Served]]:
    """Factory: ``serve(seed=..., config=..., db_path=...)`` -> a served emulator."""
    with ExitStack() as stack:
        guards: list[SchemaGuard] = []

        def start(
            seed: Any = None,
            config: EmulatorConfig | None = None,
            db_path: str = ":memory:",
            emu: Emulator | None = None,
        ) -> Served:
            if emu is None:
                emu = Emulator(
                    db_path=db_path, seed=small_seed() if seed is None else seed, config=config
                )
                stack.callback(emu.close)
            guard = SchemaGuard(emu.wsgi_app, oas)
            guards.append(guard)
            handle = stack.enter_context(emu.serve(app=guard))
            return Served(emu, handle, guard, stack)

        yield start
        problems = [p for guard in guards for p in guard.problems]
    assert not problems, "responses not conforming to the OpenAPI specs:\n" + "\n".join(problems)


@pytest.fixture
def served(serve: Callable[..., Served]) -> Served:
    return serve()


@pytest.fixture
def client(served: Served) -> Client:
    return served.client()
