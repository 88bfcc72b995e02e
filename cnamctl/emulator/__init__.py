"""A stateful local Twilio emulator for cnamctl: Trust Hub v1 and API 2010 (parts).

    from cnamctl.emulator import Emulator, EmulatorConfig

    emu = Emulator(db_path=":memory:", seed="seed.yaml", config=EmulatorConfig(review_delay=1))
    with emu.serve(port=0) as server:
        print(server.base_url)

See docs/emulator.md.
"""

from cnamctl.emulator.app import Emulator
from cnamctl.emulator.clock import Clock, ManualClock, SystemClock
from cnamctl.emulator.config import EmulatorConfig
from cnamctl.emulator.storage.seed import SeedError

__all__ = ["Clock", "Emulator", "EmulatorConfig", "ManualClock", "SeedError", "SystemClock"]
