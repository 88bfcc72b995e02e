"""Fixtures for the trusted-calling end-to-end tests (helpers live in trust_world.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.cli_env import cli_env
from support.emulators import EmulatorFactory
from trust_world import ACCOUNT, TOKEN, World, trust_seed


@pytest.fixture
def make_world(tmp_path: Path, emulators: EmulatorFactory) -> Any:
    """``make_world(seed_doc=None, **EmulatorConfig fields) -> World``: an in-memory
    emulator on a free port (reviews take 0.5 s unless told otherwise), with the
    realism switch's knobs when it is on."""

    def make(seed_doc: dict[str, Any] | None = None, **config: Any) -> World:
        knobs: dict[str, Any] = {"review_mode": "auto-approve", "review_delay": 0.5, **config}
        running = emulators.start(seed_doc or trust_seed(), realistic=True, **knobs)
        manifests = tmp_path / "manifests"
        manifests.mkdir(exist_ok=True)
        env = cli_env(ACCOUNT, TOKEN)
        return World(running.emu, running.base_url, manifests, env)

    return make


@pytest.fixture
def world(make_world: Any) -> World:
    return make_world()
