"""Wiring of the twilio SDK: credentials, base URL, bounded requests, retries, rate limit.

The names below load on first use, so importing a light module of this package
(``cnamctl.twilio.url`` for option parsing) does not import the twilio SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cnamctl.twilio.client import make_client, paced
    from cnamctl.twilio.credentials import Credentials
    from cnamctl.twilio.http import RewritingHttpClient
    from cnamctl.twilio.timeouts import Timeouts

_HOMES = {
    "Credentials": "cnamctl.twilio.credentials",
    "RewritingHttpClient": "cnamctl.twilio.http",
    "Timeouts": "cnamctl.twilio.timeouts",
    "make_client": "cnamctl.twilio.client",
    "paced": "cnamctl.twilio.client",
}

__all__ = ["Credentials", "RewritingHttpClient", "Timeouts", "make_client", "paced"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(home), name)
