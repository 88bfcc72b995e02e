"""Run-time knobs of the emulator; changeable while it runs (``PATCH /_emulator/config``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

REVIEW_MODES = ("auto-approve", "auto-reject", "manual")

FAULT_500 = "error-500"
FAULT_RESET = "reset"
FAULT_LOST_RESPONSE = "commit-then-drop"
FAULT_KINDS = (FAULT_500, FAULT_RESET, FAULT_LOST_RESPONSE)

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class EmulatorConfig:
    """Behaviour knobs. Immutable: a change makes a new config (see :meth:`replace`).

    - ``latency_ms``: sleep this long before answering each Twilio request.
    - ``rate_limit``: requests per second over the Twilio paths (token bucket, burst of
      one second); ``None`` disables it. Excess answers 429 / 20429 with Retry-After.
    - ``fault_rate``: probability of injecting a fault per Twilio request, drawn from a
      RNG seeded with ``fault_seed``; ``fault_kinds`` restricts which faults are drawn.
    - ``review_mode`` / ``review_delay``: how submitted bundles are reviewed (docs).
    - ``reject_error_code``: the error code ``auto-reject`` attaches.
    - ``auto_verify_caller_ids``: a ValidationRequest immediately creates the caller ID.
    """

    latency_ms: float = 0
    rate_limit: float | None = None
    fault_rate: float = 0.0
    fault_seed: int | None = None
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    review_mode: str = "auto-approve"
    review_delay: float = 2.0
    reject_error_code: int = 11009
    auto_verify_caller_ids: bool = False
    max_body_bytes: int = MAX_BODY_BYTES

    def __post_init__(self) -> None:
        object.__setattr__(self, "fault_kinds", tuple(self.fault_kinds))
        problems = _type_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        if self.latency_ms < 0:
            problems.append("latency_ms must be >= 0")
        if self.rate_limit is not None and self.rate_limit <= 0:
            problems.append("rate_limit must be > 0 (or null to disable)")
        if not 0.0 <= self.fault_rate <= 1.0:
            problems.append("fault_rate must be between 0 and 1")
        unknown = set(self.fault_kinds) - set(FAULT_KINDS)
        if unknown or not self.fault_kinds:
            problems.append(f"fault_kinds must be a non-empty subset of {list(FAULT_KINDS)}")
        if self.review_mode not in REVIEW_MODES:
            problems.append(f"review_mode must be one of {list(REVIEW_MODES)}")
        if self.review_delay < 0:
            problems.append("review_delay must be >= 0")
        if self.max_body_bytes <= 0:
            problems.append("max_body_bytes must be > 0")
        if problems:
            raise ValueError("; ".join(problems))

    def replace(self, **changes: Any) -> EmulatorConfig:
        """A copy with ``changes`` applied; unknown keys or bad values raise ValueError."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(unknown)}")
        try:
            return dataclasses.replace(self, **changes)
        except TypeError as err:  # e.g. a string where a number belongs
            raise ValueError(str(err)) from err

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["fault_kinds"] = list(self.fault_kinds)
        return data


_NUMBERS = ("latency_ms", "fault_rate", "review_delay")
_INTEGERS = ("reject_error_code", "max_body_bytes")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_problems(config: EmulatorConfig) -> list[str]:
    """Type checks first, so values from JSON or the CLI fail with a clear message."""
    problems = [
        f"{name} must be a number" for name in _NUMBERS if not _is_number(getattr(config, name))
    ]
    problems += [
        f"{name} must be an integer"
        for name in _INTEGERS
        if not isinstance(getattr(config, name), int) or isinstance(getattr(config, name), bool)
    ]
    if config.rate_limit is not None and not _is_number(config.rate_limit):
        problems.append("rate_limit must be a number or null")
    if config.fault_seed is not None and (
        not isinstance(config.fault_seed, int) or isinstance(config.fault_seed, bool)
    ):
        problems.append("fault_seed must be an integer or null")
    if not isinstance(config.auto_verify_caller_ids, bool):
        problems.append("auto_verify_caller_ids must be true or false")
    if not all(isinstance(kind, str) for kind in config.fault_kinds):
        problems.append("fault_kinds must be strings")
    return problems
