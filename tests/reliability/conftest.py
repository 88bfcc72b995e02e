"""Fixtures of the reliability suite (helpers and constants: live.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from cnamctl.emulator import Emulator, EmulatorConfig

from .live import Live, seed


@pytest.fixture
def serve_live() -> Iterator[Callable[..., Live]]:
    """Factory: ``serve_live(**EmulatorConfig fields) -> Live`` (stopped after the test)."""
    with ExitStack() as stack:

        def start(**config: Any) -> Live:
            settings = {"review_mode": "auto-approve", "review_delay": 0.2, **config}
            emulator = Emulator(":memory:", seed=seed(), config=EmulatorConfig(**settings))
            stack.callback(emulator.close)
            handle = stack.enter_context(emulator.serve(port=0))
            return Live(emulator, handle.base_url, stack)

        yield start


@pytest.fixture
def live(serve_live: Callable[..., Live]) -> Live:
    return serve_live()


@pytest.fixture(scope="module")
def corpus_live() -> Iterator[Live]:
    """One served emulator for a whole module of refused inputs: each case compares
    request counts and database dumps before and after."""
    with ExitStack() as stack:
        emulator = Emulator(":memory:", seed=seed())
        stack.callback(emulator.close)
        handle = stack.enter_context(emulator.serve(port=0))
        yield Live(emulator, handle.base_url, stack)
