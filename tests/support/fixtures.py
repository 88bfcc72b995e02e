"""Fixtures every suite may use (a pytest plugin, loaded by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from support.contract import OpenApi, shared_openapi
from support.emulators import EmulatorFactory


@pytest.fixture
def emulators() -> Iterator[EmulatorFactory]:
    """Factory of served emulators (``emulators.start(seed, ...)``), stopped after the
    test; the test fails if any Twilio response did not conform to the specs."""
    with ExitStack() as stack:
        factory = EmulatorFactory(stack)
        yield factory
    factory.assert_conforming()


@pytest.fixture(scope="session")
def oas() -> OpenApi:
    return shared_openapi()
