"""The pytest plugin (entry point ``pytest11: cnamctl``): the ``twilio_emulator`` fixture.

Loaded into every pytest run where cnamctl is installed, so it imports nothing
heavy until a test asks for the fixture. Disable it with ``-p no:cnamctl``.

Choosing the seed and options, from the narrowest to the widest:

    @pytest.mark.twilio_emulator(seed="seeds/two-accounts.yaml", review_mode="auto-reject")
    def test_x(twilio_emulator): ...

    @pytest.fixture                      # in a conftest.py: for every test below it
    def twilio_emulator_seed():
        return {"accounts": [...]}       # or a path to a seed YAML file

    @pytest.fixture
    def twilio_emulator_options():
        return {"latency_ms": 5}

A relative seed path is read from the directory of the test module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from cnamctl.testkit import TwilioEmulator

MARKER = "twilio_emulator"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=None, set_env=True, **options): the seed and emulator options "
        "of the twilio_emulator fixture for this test (cnamctl test kit)",
    )


@pytest.fixture
def twilio_emulator_seed() -> Any:
    """The seed of ``twilio_emulator``: None (the kit's default seed), a dict, or a
    path to a seed YAML file. Override it in a conftest.py or a test module."""
    return None


@pytest.fixture
def twilio_emulator_options() -> dict[str, Any]:
    """Emulator options of ``twilio_emulator`` (EmulatorConfig fields). Override it."""
    return {}


@pytest.fixture
def twilio_emulator(
    request: pytest.FixtureRequest,
    twilio_emulator_seed: Any,
    twilio_emulator_options: Mapping[str, Any],
) -> Iterator[TwilioEmulator]:
    """A fresh in-process Twilio emulator for this test, with every
    ``twilio.rest.Client`` sent to it (see ``cnamctl.testkit.mock_twilio``)."""
    from cnamctl.testkit import mock_twilio

    seed = twilio_emulator_seed
    options = dict(twilio_emulator_options)
    set_env = True
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if len(marker.args) > 1:
            raise TypeError(f"@pytest.mark.{MARKER} takes at most one positional seed")
        kwargs = dict(marker.kwargs)
        seed = marker.args[0] if marker.args else kwargs.pop("seed", seed)
        set_env = bool(kwargs.pop("set_env", set_env))
        options.update(kwargs)
    if isinstance(seed, str | Path) and not Path(seed).is_absolute():
        seed = request.path.parent / seed
    with mock_twilio(seed, set_env=set_env, **options) as twilio:
        yield twilio
