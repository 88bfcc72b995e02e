"""Fixtures of the `cnamctl verify` end-to-end tests (helpers in verify_world.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.emulators import EmulatorFactory
from verify_world import VerifyWorld


@pytest.fixture
def make_world(tmp_path: Path, emulators: EmulatorFactory) -> Any:
    """``make_world(seed=None, hours_back=10, **EmulatorConfig fields) -> VerifyWorld``."""

    def make(**options: Any) -> VerifyWorld:
        return VerifyWorld.start(emulators, tmp_path, **options)

    return make


@pytest.fixture
def world(make_world: Any) -> VerifyWorld:
    return make_world()
