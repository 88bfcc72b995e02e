"""Fixtures of the reliability suite (helpers and constants: live.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from support.emulators import EmulatorFactory

from .live import Live, seed


@pytest.fixture
def serve_live(emulators: EmulatorFactory) -> Iterator[Callable[..., Live]]:
    """Factory: ``serve_live(**EmulatorConfig fields) -> Live`` (stopped after the test;
    the realism switch's knobs added when it is on)."""
    with ExitStack() as stack:

        def start(**config: Any) -> Live:
            settings = {"review_mode": "auto-approve", "review_delay": 0.2, **config}
            running = emulators.start(seed(), realistic=True, **settings)
            return Live(running.emu, running.base_url, stack)

        yield start


@pytest.fixture
def live(serve_live: Callable[..., Live]) -> Live:
    return serve_live()


@pytest.fixture(scope="module")
def corpus_live() -> Iterator[Live]:
    """One served emulator for a whole module of refused inputs: each case compares
    request counts and database dumps before and after."""
    with ExitStack() as stack:
        factory = EmulatorFactory(stack)
        running = factory.start(seed(), realistic=True)
        yield Live(running.emu, running.base_url, stack)
