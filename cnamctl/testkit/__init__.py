"""cnamctl's test kit: test your own Twilio Trust Hub code against the emulator.

    from twilio.rest import Client
    from cnamctl.testkit import mock_twilio

    with mock_twilio() as twilio:                  # every twilio Client goes here
        product = Client().trusthub.v1.trust_products.create(...)
        twilio.approve(product.sid)

With pytest, the ``twilio_emulator`` fixture does the same per test (the plugin
is registered when cnamctl is installed). Everything importable from this module
is public and follows semantic versioning; see docs/test-kit.md.
"""

from cnamctl.emulator import EmulatorConfig, SeedError
from cnamctl.testkit.mock import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    MockTwilio,
    TwilioEmulator,
    default_seed_path,
    mock_twilio,
)
from cnamctl.testkit.transport import UnsupportedTwilioRequest

__all__ = [
    "DEFAULT_ACCOUNT_SID",
    "DEFAULT_AUTH_TOKEN",
    "EmulatorConfig",
    "MockTwilio",
    "SeedError",
    "TwilioEmulator",
    "UnsupportedTwilioRequest",
    "default_seed_path",
    "mock_twilio",
]
