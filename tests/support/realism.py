"""The realism switch: run the end-to-end tests against a harder emulator.

    CNAMCTL_E2E_REALISM=1 pytest tests/e2e tests/reliability
    CNAMCTL_E2E_REALISM="jitter_ms=100,lag_ms=300,random_seed=7" pytest tests/e2e

When ``CNAMCTL_E2E_REALISM`` is set (and not ``0``), every emulator the end-to-end
fixtures start (``make_world``, ``serve_live``, the import, reader and
multi-account worlds) gets, on top of what the test asks for:

- ``jitter_ms`` (default 30): every request waits a random extra delay, so
  concurrent writes complete in any order;
- ``lag_ms`` (default 200): created and changed objects are invisible (or stale)
  to GET requests for a random while;
- ``display_name_check = "review"``: display names are judged in review only;
- ``random_seed`` (default 1): the draws are reproducible.

``key=value`` pairs (comma-separated) override the defaults; any EmulatorConfig
field may be given. The harness lets lagging writes catch up between two cnamctl
commands of a test, and before the test reads the account to check it (a person
does not rerun a command within a fraction of a second, and a test's own checks
are not what is being tested); inside one command, every read may lag.
"""

from __future__ import annotations

import os
from typing import Any

from cnamctl.emulator import EmulatorConfig
from cnamctl.emulator.config import field_types

VARIABLE = "CNAMCTL_E2E_REALISM"
DEFAULTS: dict[str, Any] = {
    "jitter_ms": 30.0,
    "lag_ms": 200.0,
    "display_name_check": "review",
    "random_seed": 1,
}


def enabled() -> bool:
    return os.environ.get(VARIABLE, "").strip() not in ("", "0")


def settings() -> dict[str, Any]:
    """The knobs the switch adds (empty when it is off)."""
    if not enabled():
        return {}
    raw = os.environ[VARIABLE].strip()
    chosen = dict(DEFAULTS)
    if raw != "1":
        fields = {f.name: f for f in EmulatorConfig.fields()}
        for pair in raw.split(","):
            name, _, value = pair.partition("=")
            name = name.strip()
            if name not in fields:
                raise ValueError(f"{VARIABLE}: unknown emulator setting {name!r}")
            kind, _, item = field_types(fields[name])
            chosen[name] = _parse(value.strip(), kind, item)
    return chosen


def _parse(value: str, kind: type, item: type | None) -> Any:
    if item is not None:
        return tuple(item(v) for v in value.split(";") if v)
    if kind is bool:
        return value.lower() in ("1", "true", "yes")
    return kind(value)


def apply(config: EmulatorConfig) -> EmulatorConfig:
    """``config`` with the switch's knobs (unchanged when it is off)."""
    return config.replace(**settings()) if enabled() else config
