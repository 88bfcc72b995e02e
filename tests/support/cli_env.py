"""The environment an end-to-end test runs `cnamctl` in: one account's credentials,
no stray API key or URL from the developer's shell, no colour, and a settle time
above the emulator's read-after-write lag (the realism switch's, when it is on)."""

from __future__ import annotations

from support import realism

QUIET_SETTLE = 0.4  # seconds; the lag of a realism run is added to it


def settle_seconds() -> str:
    """``CNAMCTL_SETTLE_SECONDS`` for a test: how long a new write may take to show."""
    lag = float(realism.settings().get("lag_ms", 0.0)) / 1000
    return f"{QUIET_SETTLE + lag:g}"


def cli_env(account_sid: str, token: str, api_url: str = "") -> dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": account_sid,
        "TWILIO_AUTH_TOKEN": token,
        "TWILIO_API_KEY": "",
        "TWILIO_API_SECRET": "",
        "CNAMCTL_API_URL": api_url,
        "NO_COLOR": "1",
        "CNAMCTL_SETTLE_SECONDS": settle_seconds(),
    }
