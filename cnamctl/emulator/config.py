"""The emulator's knobs: one table of fields that gives the Python API, the checks,
the ``cnamctl emulator serve`` options and the admin config (``PATCH
/_emulator/config``).

Each field of :class:`EmulatorConfig` is declared with :func:`knob`: its help text,
its range or choices, whether the admin API may change it at run time, and where
its behaviour comes from (a Twilio source, or "guess"). ``cli/emulator_cmd.py``
turns the same table into command-line options and docs/emulator.md lists it, so
a new knob is one declaration here.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union

REVIEW_MODES = ("auto-approve", "auto-reject", "manual")
DISPLAY_NAME_CHECKS = ("review", "save")
LAG_CHANGES = ("stale", "missing")

FAULT_500 = "error-500"
FAULT_RESET = "reset"
FAULT_LOST_RESPONSE = "commit-then-drop"
FAULT_KINDS = (FAULT_500, FAULT_RESET, FAULT_LOST_RESPONSE)

MAX_BODY_BYTES = 1024 * 1024
MAX_DELAY_MS = 60_000.0  # a minute: past any client's timeout, never a hang
MAX_LAG_MS = 600_000.0
MAX_REVIEW_DELAY = 30 * 24 * 3600.0  # Twilio's reviews take days, not months


@dataclass(frozen=True)
class Knob:
    """What the table says about one field (``dataclasses.Field.metadata["knob"]``)."""

    help: str
    minimum: float | None = None
    maximum: float | None = None
    min_open: bool = False  # minimum itself is refused (rate_limit > 0)
    choices: tuple[str, ...] | None = None
    admin: bool = True  # may change at run time through the admin API
    secret: bool = False  # never shown by GET /_emulator/config
    source: str = "guess"  # the Twilio behaviour it follows, or "guess"


def knob(default: Any, help: str, **details: Any) -> Any:
    return dataclasses.field(default=default, metadata={"knob": Knob(help, **details)})


@dataclass(frozen=True)
class EmulatorConfig:
    """Behaviour knobs. Immutable: a change makes a new config (see :meth:`replace`).

    Every field is described where it is declared; ``EmulatorConfig.fields()``
    lists them with their metadata.
    """

    # -- the network ------------------------------------------------------------
    latency_ms: float = knob(
        0.0, "Delay before answering each Twilio request, in ms.", minimum=0, maximum=MAX_DELAY_MS
    )
    jitter_ms: float = knob(
        0.0,
        "Extra delay per request, drawn uniformly from [0, jitter_ms] (seeded by "
        "random_seed), so concurrent requests finish in any order.",
        minimum=0,
        maximum=MAX_DELAY_MS,
    )
    rate_limit: float | None = knob(
        None,
        "Requests per second over the Twilio paths (token bucket, burst of one "
        "second); excess answers 429 / 20429 with Retry-After. None: off.",
        minimum=0,
        maximum=100_000,
        min_open=True,
        source="Twilio error 20429 (Too Many Requests)",
    )
    fault_rate: float = knob(
        0.0, "Probability of an injected fault per Twilio request.", minimum=0, maximum=1
    )
    fault_seed: int | None = knob(
        None, "Seed of the fault draws (default: random_seed, else random)."
    )
    fault_kinds: tuple[str, ...] = knob(FAULT_KINDS, "Faults to draw from.", choices=FAULT_KINDS)
    lag_ms: float = knob(
        0.0,
        "Read-after-write lag: an object created or changed becomes visible to "
        "GET requests after a delay drawn from [0, lag_ms] (seeded by random_seed).",
        minimum=0,
        maximum=MAX_LAG_MS,
        source="twilio-node issue 936 and john/drive.vote issue 858: 404s for "
        "resources just created",
    )
    lag_changes: str = knob(
        "stale",
        "What a lagging GET sees of an object changed (not created): `stale`, its "
        "version before the write, or `missing`, nothing (404, absent from lists).",
        choices=LAG_CHANGES,
    )
    random_seed: int | None = knob(
        None, "Seed of jitter, lag and human-rejection draws (None: random)."
    )
    # -- review -----------------------------------------------------------------
    review_mode: str = knob(
        "auto-approve",
        "`auto-approve`: the emulator's reviewer decides; `auto-reject`: reject with "
        "reject_error_code; `manual`: wait for an admin decision.",
        choices=REVIEW_MODES,
    )
    review_delay: float = knob(2.0, "Seconds a review takes.", minimum=0, maximum=MAX_REVIEW_DELAY)
    reject_error_code: int = knob(
        11009, "The error code auto-reject attaches.", minimum=1, maximum=99_999
    )
    display_name_check: str = knob(
        "review",
        "When CNAM display-name rules apply: `review` (saved whatever the name, "
        "rejected in review with 11009/11008, as Twilio documents) or `save` (an "
        "invalid name is refused with 400 / 11009 when the end user is saved).",
        choices=DISPLAY_NAME_CHECKS,
        source="Twilio errors 11008 and 11009 (CNAM registration rejected ...)",
    )
    taken_display_names: tuple[str, ...] = knob(
        (),
        "Display names registered elsewhere: review rejects them with 11009 (already "
        "in use by another registration), as it does a name another account of the "
        "emulator has registered.",
        source="Twilio error 11009, possible cause 'already in use by another registration'",
    )
    check_business_match: bool = knob(
        False,
        "Review rejects a display name sharing no word with its business profile's "
        "business name with 11007 (does not match the registered business).",
        source="Twilio error 11007; the matching rule is a guess",
    )
    human_rejection_rate: float = knob(
        0.0,
        "Probability that a reviewer rejects an otherwise compliant bundle "
        "(seeded by random_seed).",
        minimum=0,
        maximum=1,
    )
    human_rejection_codes: tuple[int, ...] = knob(
        (),
        "Codes a human rejection uses, one drawn per rejection (default: the "
        "policy's: 11007 for CNAM, 18601 for business profiles).",
        minimum=1,
        maximum=99_999,
    )
    # -- Lookup -------------------------------------------------------------------
    cnam_propagation_delay: float = knob(
        10.0,
        "Seconds between a CNAM product's approval (or a number's assignment to an "
        "approved one) and Lookup answering its display name; the previous name, or "
        "none, answers until then.",
        minimum=0,
        maximum=MAX_REVIEW_DELAY,
        source="Twilio's CNAM guide: the display name may take 48-72 hours to propagate",
    )
    # -- numbers and caller IDs --------------------------------------------------
    auto_verify_caller_ids: bool = knob(
        False, "A validation request creates its caller ID at once (no phone call)."
    )
    # -- HTTP and the admin API -----------------------------------------------
    max_body_bytes: int = knob(
        MAX_BODY_BYTES,
        "Largest request body accepted (413 above).",
        minimum=1,
        maximum=64 * MAX_BODY_BYTES,
    )
    admin_api: bool = knob(True, "Serve the admin API under /_emulator/.", admin=False)
    admin_token: str | None = knob(
        None,
        "Bearer token the admin API requires; needed to serve on a non-loopback "
        "interface (or admin_api off).",
        admin=False,
        secret=True,
    )

    def __post_init__(self) -> None:
        for name in ("fault_kinds", "taken_display_names", "human_rejection_codes"):
            value = getattr(self, name)
            if isinstance(value, list | tuple):
                object.__setattr__(self, name, tuple(value))
        problems = [p for f in self.fields() if (p := _problem(f, getattr(self, f.name)))]
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def fields(cls) -> list[dataclasses.Field[Any]]:
        return list(dataclasses.fields(cls))

    @staticmethod
    def knob_of(field: dataclasses.Field[Any]) -> Knob:
        return typing.cast(Knob, field.metadata["knob"])

    def replace(self, **changes: Any) -> EmulatorConfig:
        """A copy with ``changes`` applied; unknown keys or bad values raise ValueError."""
        names = {f.name for f in self.fields()}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(unknown)}")
        return dataclasses.replace(self, **changes)

    def admin_replace(self, **changes: Any) -> EmulatorConfig:
        """:meth:`replace` for the admin API: start-up-only fields are refused."""
        fixed = sorted(
            f.name for f in self.fields() if f.name in changes and not self.knob_of(f).admin
        )
        if fixed:
            raise ValueError(f"{', '.join(fixed)} can only be set when the emulator starts")
        return self.replace(**changes)

    def as_dict(self) -> dict[str, Any]:
        """The config as JSON, secrets left out."""
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in self.fields()
            if not self.knob_of(f).secret
        }


# -- checks generated from the table ---------------------------------------------


@functools.cache
def _types_of(name: str) -> tuple[type, bool, type | None]:
    """(base type, optional?, item type for tuples) of a field's annotation."""
    hint = typing.get_type_hints(EmulatorConfig)[name]
    optional = False
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional, hint = True, args[0]
    if typing.get_origin(hint) is tuple:
        return tuple, optional, typing.get_args(hint)[0]
    return hint, optional, None


def field_types(field: dataclasses.Field[Any]) -> tuple[type, bool, type | None]:
    """(base type, optional?, item type for tuples) of a field."""
    return _types_of(field.name)


def _is_a(value: Any, kind: type) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, int | float)
    return isinstance(value, kind)


_KIND_NAMES = {float: "a number", int: "an integer", bool: "true or false", str: "a string"}


def _problem(field: dataclasses.Field[Any], value: Any) -> str | None:
    meta = EmulatorConfig.knob_of(field)
    kind, optional, item = field_types(field)
    name = field.name
    if value is None:
        return None if optional else f"{name} must not be null"
    if item is not None:
        if not isinstance(value, tuple) or not all(_is_a(v, item) for v in value):
            return f"{name} must be a list of {_KIND_NAMES[item].split(' ', 1)[1]}s"
        values = list(value)
        if name == "fault_kinds" and not values:
            return "fault_kinds must not be empty"
    else:
        if not _is_a(value, kind):
            return f"{name} must be {_KIND_NAMES[kind]}" + (" or null" if optional else "")
        values = [value]
    for v in values:
        if meta.choices is not None and v not in meta.choices:
            return f"{name} must be one of {', '.join(meta.choices)} (got {v!r})"
        if isinstance(v, int | float) and not isinstance(v, bool):
            if v != v or v in (float("inf"), float("-inf")):
                return f"{name} must be a finite number"
            low, high = meta.minimum, meta.maximum
            if low is not None and (v < low or (meta.min_open and v == low)):
                return f"{name} must be {'>' if meta.min_open else '>='} {low:g} (got {v:g})"
            if high is not None and v > high:
                return f"{name} must be <= {high:g} (got {v:g})"
        if isinstance(v, str) and len(v) > 256:
            return f"{name} entries must be at most 256 characters"
    return None


class LiveConfig:
    """The config in force, and who must hear when it changes (the latency, the
    fault injector, the rate limiter, the lag)."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._listeners: list[Callable[[EmulatorConfig], None]] = []

    @property
    def current(self) -> EmulatorConfig:
        return self._config

    def listen(self, listener: Callable[[EmulatorConfig], None]) -> None:
        """Call ``listener`` with the config now and after every change."""
        self._listeners.append(listener)
        listener(self._config)

    def update(self, *, admin: bool = False, **changes: Any) -> EmulatorConfig:
        """Change knobs (ValueError on unknown keys or bad values); ``admin``: a
        change through the admin API, which may not touch start-up-only fields."""
        with self._lock:
            config = self._config
            new = config.admin_replace(**changes) if admin else config.replace(**changes)
            self._config = new
            for listener in self._listeners:
                listener(new)
            return new
