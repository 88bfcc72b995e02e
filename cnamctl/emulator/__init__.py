"""A stateful local Twilio emulator for cnamctl: Trust Hub v1 and API 2010 (parts).

    from cnamctl.emulator import Emulator, EmulatorConfig

    emu = Emulator(db_path=":memory:", seed="seed.yaml", config=EmulatorConfig(review_delay=1))
    with emu.serve(port=0) as server:
        print(server.base_url)

See docs/emulator.md.

The names below load on first use, so that importing a light module of this
package (``cnamctl.emulator.config``, whose knobs give `cnamctl emulator serve` its
options) does not start Werkzeug, SQLite and the domain.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cnamctl.emulator.app import Emulator
    from cnamctl.emulator.clock import Clock, ManualClock, SystemClock
    from cnamctl.emulator.config import EmulatorConfig
    from cnamctl.emulator.storage.seed import SeedError

_HOMES = {
    "Emulator": "cnamctl.emulator.app",
    "Clock": "cnamctl.emulator.clock",
    "ManualClock": "cnamctl.emulator.clock",
    "SystemClock": "cnamctl.emulator.clock",
    "EmulatorConfig": "cnamctl.emulator.config",
    "SeedError": "cnamctl.emulator.storage.seed",
}

__all__ = ["Clock", "Emulator", "EmulatorConfig", "ManualClock", "SeedError", "SystemClock"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(home), name)
