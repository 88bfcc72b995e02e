"""Fixtures for the apply/status end-to-end tests (helpers live in apply_world.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apply_world import ACCOUNT, TOKEN, World, seed
from support.cli_env import cli_env
from support.emulators import EmulatorFactory


@pytest.fixture
def make_world(tmp_path: Path, emulators: EmulatorFactory) -> Any:
    """``make_world(seed_doc=None, **EmulatorConfig fields) -> World``: an in-memory
    emulator served on a free port (reviews take 0.5 s unless told otherwise), with
    the realism switch's knobs when it is on."""

    def make(seed_doc: dict[str, Any] | None = None, **config: Any) -> World:
        knobs: dict[str, Any] = {"review_mode": "auto-approve", "review_delay": 0.5, **config}
        running = emulators.start(seed_doc or seed(), realistic=True, **knobs)
        manifests = tmp_path / "manifests"
        manifests.mkdir(exist_ok=True)
        env = cli_env(ACCOUNT, TOKEN)
        world = World(running.emu, running.base_url, manifests, tmp_path, env)

        def before(environ: dict[str, Any]) -> None:
            if world.before_request is not None:
                world.before_request(environ)

        running.hooks.append(before)
        return world

    return make


@pytest.fixture
def world(make_world: Any) -> World:
    return make_world()
