"""``mock_twilio()`` and the :class:`TwilioEmulator` handle it yields."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import os
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from twilio.rest import Client

from cnamctl.emulator import Emulator, EmulatorConfig
from cnamctl.testkit.transport import DISPATCHER

F = TypeVar("F", bound=Callable[..., Any])

SeedLike = str | Path | Mapping[str, Any]

KIT_DEFAULTS: dict[str, Any] = {"review_mode": "manual"}
"""Where the kit's defaults differ from the emulator's: a submitted product waits
for the test to call :meth:`TwilioEmulator.approve` or :meth:`~TwilioEmulator.reject`,
so no test depends on a review timer."""

ENV_SET = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
ENV_CLEARED = ("TWILIO_API_KEY", "TWILIO_API_SECRET")


def default_seed_path() -> Path:
    """The kit's default seed (docs/test-kit.md lists what it holds)."""
    return Path(str(resources.files("cnamctl.testkit") / "default_seed.yaml"))


DEFAULT_ACCOUNT_SID = "ACc0ffeec0ffeec0ffeec0ffeec0ffee00"
DEFAULT_AUTH_TOKEN = "testkit-auth-token"


class TwilioEmulator:
    """One emulated Twilio for a test: an in-memory emulator and its admin actions.

    ``seed`` is a seed dict, a path to a seed YAML file, or None for the kit's
    default seed. ``options`` are :class:`~cnamctl.emulator.EmulatorConfig` fields
    (``review_mode``, ``latency_ms``, ``fault_rate``, ...), passed through as they
    are, so an option the emulator gains works here without a change to the kit.
    """

    def __init__(self, seed: SeedLike | None = None, **options: Any) -> None:
        source = default_seed_path() if seed is None else seed
        self.emulator = Emulator(  # checks the seed first: SeedError, nothing kept
            db_path=":memory:",
            seed=dict(source) if isinstance(source, Mapping) else source,
            config=_config({**KIT_DEFAULTS, **options}),
        )
        self._seed = _read_seed(source)
        self._served: contextlib.ExitStack | None = None
        self._base_url: str | None = None

    # -- who you are -----------------------------------------------------------

    @property
    def accounts(self) -> dict[str, str]:
        """Account SID -> auth token, for every account in the seed."""
        return {str(a["sid"]): str(a["auth_token"]) for a in self._seed.get("accounts", [])}

    @property
    def account_sid(self) -> str:
        """The seed's first account (the kit's default: ``DEFAULT_ACCOUNT_SID``)."""
        return next(iter(self.accounts))

    @property
    def auth_token(self) -> str:
        return self.accounts[self.account_sid]

    def client(self, account_sid: str | None = None) -> Client:
        """A ``twilio.rest.Client`` for an account of the seed (default: the first)."""
        sid = account_sid or self.account_sid
        return Client(sid, self.accounts[sid])

    # -- admin actions -----------------------------------------------------------

    def approve(self, sid: str) -> dict[str, Any]:
        """Approve a submitted trust product or business profile now; its new state."""
        return self.emulator.approve(sid)

    def reject(self, sid: str, error_codes: list[int] | None = None) -> dict[str, Any]:
        """Reject it with Twilio error codes (default: the configured reject code)."""
        return self.emulator.reject(sid, error_codes=error_codes)

    def complete_validation(
        self,
        phone_number: str | None = None,
        *,
        validation_code: str | None = None,
        account_sid: str | None = None,
    ) -> dict[str, Any]:
        """Answer a pending caller-ID validation call: the caller ID now exists."""
        return self.emulator.complete_validation(
            account_sid=account_sid or (self.account_sid if phone_number else None),
            phone_number=phone_number,
            validation_code=validation_code,
        )

    def set_faults(
        self, rate: float, *, kinds: list[str] | None = None, seed: int | None = None
    ) -> None:
        """Inject faults into that share of Twilio requests (0 turns them off).

        ``kinds``: ``"error-500"``, ``"reset"`` (the connection drops before the
        request runs) and ``"commit-then-drop"`` (it runs, the answer is lost);
        default all. ``seed`` makes the draws reproducible.
        """
        changes: dict[str, Any] = {"fault_rate": rate, "fault_seed": seed}
        if kinds is not None:
            changes["fault_kinds"] = tuple(kinds)
        self.emulator.update_config(**changes)

    def set_latency(self, ms: float, *, jitter_ms: float | None = None) -> None:
        """Delay each Twilio request by ``ms`` (plus up to ``jitter_ms`` at random,
        where the emulator supports jitter)."""
        changes: dict[str, Any] = {"latency_ms": ms}
        if jitter_ms is not None:
            changes["jitter_ms"] = jitter_ms
        self.emulator.update_config(**changes)

    def configure(self, **options: Any) -> EmulatorConfig:
        """Change any emulator option now (``review_mode="auto-reject"``, ...)."""
        return self.emulator.update_config(**options)

    @property
    def config(self) -> EmulatorConfig:
        return self.emulator.config

    def stats(self) -> dict[str, Any]:
        """Requests seen so far: ``total_requests``, ``requests`` by ``"METHOD
        /path/template"``, ``responses_by_status``, ``writes``, ``faults``, ..."""
        return self.emulator.stats()

    def reset_stats(self) -> None:
        self.emulator.reset_stats()

    # -- HTTP for code that does not use the twilio SDK ---------------------------

    @property
    def base_url(self) -> str:
        """The emulator served on a free loopback port (started on first use): for
        curl, another SDK, or cnamctl's own ``--api-url``."""
        if self._base_url is None:
            stack = contextlib.ExitStack()
            handle = stack.enter_context(self.emulator.serve(host="127.0.0.1", port=0))
            self._served, self._base_url = stack, str(handle.base_url)
        return self._base_url

    def close(self) -> None:
        if self._served is not None:
            self._served.close()
            self._served = None
        self.emulator.close()


class MockTwilio(contextlib.ContextDecorator):
    """What :func:`mock_twilio` returns: a context manager and a decorator.

    Each ``with`` block, and each call of a decorated function, gets a fresh
    emulator. Blocks nest: the innermost one answers.
    """

    def __init__(self, seed: SeedLike | None, set_env: bool, options: dict[str, Any]) -> None:
        self._seed = seed
        self._set_env = set_env
        self._options = options
        self._open: list[tuple[TwilioEmulator, contextlib.ExitStack]] = []

    def __enter__(self) -> TwilioEmulator:
        twilio = TwilioEmulator(self._seed, **self._options)
        stack = contextlib.ExitStack()
        stack.callback(twilio.close)
        if self._set_env:
            stack.enter_context(_environment(twilio))
        DISPATCHER.push(twilio.emulator)
        stack.callback(DISPATCHER.pop, twilio.emulator)
        self._open.append((twilio, stack))
        return twilio

    def __exit__(self, *exc_info: object) -> None:
        _, stack = self._open.pop()
        stack.close()

    def __call__(self, func: F) -> F:  # type: ignore[override]
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self._recreate_cm():
                    return await func(*args, **kwargs)

            return run_async  # type: ignore[return-value]
        return super().__call__(func)

    def _recreate_cm(self) -> MockTwilio:
        return MockTwilio(self._seed, self._set_env, self._options)


def mock_twilio(
    seed: SeedLike | None = None, *, set_env: bool = True, **options: Any
) -> MockTwilio:
    """Send every ``twilio.rest.Client`` to an in-process emulator.

    As a context manager it yields a :class:`TwilioEmulator`::

        with mock_twilio() as twilio:
            product_sid = onboard(Client(), ...)   # the code under test, unchanged
            twilio.approve(product_sid)

    As a decorator (``@mock_twilio()``) each call runs in a fresh emulator. With
    ``set_env`` (the default), TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN hold the
    seed's first account for the block and TWILIO_API_KEY / TWILIO_API_SECRET are
    unset; all four are restored afterwards. ``options`` are emulator options
    (see :class:`TwilioEmulator`).
    """
    _config({**KIT_DEFAULTS, **options})  # a bad option fails here, not at entry
    return MockTwilio(seed, set_env, dict(options))


@contextlib.contextmanager
def _environment(twilio: TwilioEmulator) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in (*ENV_SET, *ENV_CLEARED)}
    os.environ["TWILIO_ACCOUNT_SID"] = twilio.account_sid
    os.environ["TWILIO_AUTH_TOKEN"] = twilio.auth_token
    for name in ENV_CLEARED:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _config(options: Mapping[str, Any]) -> EmulatorConfig:
    try:
        return EmulatorConfig(**options)
    except TypeError:
        known = sorted(f.name for f in dataclasses.fields(EmulatorConfig))
        unknown = sorted(set(options) - set(known))
        raise TypeError(
            f"unknown emulator option(s): {', '.join(unknown)}; known: {', '.join(known)}"
        ) from None


def _read_seed(seed: SeedLike) -> Mapping[str, Any]:
    """The seed as a mapping (already checked by the emulator), for its credentials."""
    if isinstance(seed, Mapping):
        return seed
    data = yaml.safe_load(Path(seed).read_text(encoding="utf-8"))
    assert isinstance(data, Mapping)  # the emulator accepted it
    return data
