"""Served emulators for tests: one factory behind every suite's fixture.

``EmulatorFactory.start(seed, config=..., ...)`` builds an in-memory (or file)
emulator, serves it on a free port through the contract guard (every Twilio
response validated against Twilio's OpenAPI specs; the test fails at teardown if
one did not conform) and an optional per-request hook, and stops everything when
the test ends. The suites' own fixtures (``serve``, ``serve_live``,
``make_world``) are thin wrappers over it.

With ``realistic=True`` the emulator also gets the realism of
:mod:`support.realism` when the switch is on (``CNAMCTL_E2E_REALISM``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from cnamctl.emulator import Clock, Emulator, EmulatorConfig
from cnamctl.emulator.web.server import ServerHandle
from support import realism
from support.contract import SchemaGuard, shared_openapi

Hook = Callable[[dict[str, Any]], None]


@dataclass
class Running:
    """An emulator served for one test."""

    emu: Emulator
    handle: ServerHandle
    guard: SchemaGuard
    hooks: list[Hook]

    @property
    def base_url(self) -> str:
        return self.handle.base_url

    def url(self, path: str) -> str:
        return self.base_url + path


class EmulatorFactory:
    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._guards: list[SchemaGuard] = []

    def start(
        self,
        seed: Any = None,
        *,
        config: EmulatorConfig | None = None,
        db_path: str = ":memory:",
        emu: Emulator | None = None,
        clock: Clock | None = None,
        realistic: bool = False,
        contract: bool = True,
        **knobs: Any,
    ) -> Running:
        """Serve ``emu``, or a new emulator from ``seed``, ``config`` and ``knobs``
        (EmulatorConfig fields, applied over ``config``)."""
        if emu is None:
            config = (config or EmulatorConfig()).replace(**knobs)
            if realistic:
                config = realism.apply(config)
            emu = Emulator(db_path=db_path, seed=seed, config=config, clock=clock)
            self._stack.callback(emu.close)
        hooks: list[Hook] = []
        app = _with_hooks(emu.wsgi_app, hooks)
        guard = SchemaGuard(app, shared_openapi())
        self._guards.append(guard)
        handle = self._stack.enter_context(emu.serve(app=guard if contract else app))
        return Running(emu, handle, guard, hooks)

    def problems(self) -> list[str]:
        return [problem for guard in self._guards for problem in guard.problems]

    def assert_conforming(self) -> None:
        problems = self.problems()
        assert not problems, "responses not conforming to the OpenAPI specs:\n" + "\n".join(
            problems
        )


def _with_hooks(app: Callable[..., Iterable[bytes]], hooks: list[Hook]) -> Any:
    def wrapped(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        for hook in hooks:
            hook(environ)
        return app(environ, start_response)

    return wrapped
