"""Fixtures for the apply/status end-to-end tests (helpers live in apply_world.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from apply_world import ACCOUNT, TOKEN, World, seed

from cnamctl.emulator import Emulator, EmulatorConfig


@pytest.fixture
def make_world(tmp_path: Path) -> Iterator[Any]:
    """``make_world(seed_doc=None, **EmulatorConfig fields) -> World``: an in-memory
    emulator served on a free port (reviews take 0.5 s unless told otherwise)."""
    stack = ExitStack()

    def make(seed_doc: dict[str, Any] | None = None, **config: Any) -> World:
        defaults: dict[str, Any] = {"review_mode": "auto-approve", "review_delay": 0.5}
        emulator = Emulator(
            db_path=":memory:",
            seed=seed_doc or seed(),
            config=EmulatorConfig(**{**defaults, **config}),
        )
        stack.callback(emulator.close)
        manifests = tmp_path / "manifests"
        manifests.mkdir(exist_ok=True)
        env = {
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_KEY": "",
            "TWILIO_API_SECRET": "",
            "CNAMCTL_API_URL": "",
            "NO_COLOR": "1",
            "CNAMCTL_SETTLE_SECONDS": "0.2",  # the duplicate check of concurrent applies
        }
        world = World(emulator, "", manifests, tmp_path, env)

        def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            if world.before_request is not None:
                world.before_request(environ)
            return emulator.wsgi_app(environ, start_response)  # type: ignore[no-any-return]

        server = stack.enter_context(emulator.serve(port=0, app=app))
        world.base_url = server.base_url
        return world

    yield make
    stack.close()


@pytest.fixture
def world(make_world: Any) -> World:
    return make_world()
