"""The Emulator: wires storage, domain and web together and serves both Twilio hosts.

One base URL serves ``/v1/...`` (as trusthub.twilio.com), ``/2010-04-01/...`` (as
api.twilio.com) and the admin API under ``/_emulator/``. The layers:

- ``storage/``: the SQLite store, the one read/write path (``Db``) with
  read-after-write lag and rendered rows, paging, seeds;
- ``domain/``: the Twilio resources' handlers, rules, policies, evaluation and
  review (the :class:`Reviewer`), what Twilio's people do (``Operator``);
- ``web/``: the request pipeline (rate limit, latency and jitter, faults,
  authentication, routing), stats, and the admin API with its guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer

from cnamctl.emulator.clock import Clock, SystemClock
from cnamctl.emulator.config import EmulatorConfig, LiveConfig
from cnamctl.emulator.domain.ahead import render_ahead
from cnamctl.emulator.domain.operator import Operator
from cnamctl.emulator.domain.reviewer import Reviewer
from cnamctl.emulator.storage.db import Database
from cnamctl.emulator.storage.lag import LagView
from cnamctl.emulator.storage.rendered import RenderCache
from cnamctl.emulator.storage.seed import SeedFile, apply_seed, load_seed
from cnamctl.emulator.storage.store import Store
from cnamctl.emulator.web import http
from cnamctl.emulator.web.admin import ADMIN_PREFIX, AdminApi
from cnamctl.emulator.web.admin_guard import check_exposure
from cnamctl.emulator.web.pipeline import TwilioPipeline
from cnamctl.emulator.web.server import ServerHandle, build_server, serve_in_thread
from cnamctl.emulator.web.stats import Stats

SeedSource = str | Path | dict[str, Any] | SeedFile


class Emulator:
    """A stateful Twilio emulator (Trust Hub v1 + the API 2010 parts cnamctl uses).

    ``db_path`` is ``":memory:"`` or a SQLite file; ``seed`` (a YAML path, a dict or
    None) is applied only if the database is empty, so a file database keeps its
    state across restarts; ``clock`` is the time it runs on (tests pass a
    :class:`~cnamctl.emulator.clock.ManualClock`). Close it with :meth:`close`, or
    use it as a context manager (``with Emulator(...) as emu:``).
    """

    def __init__(
        self,
        db_path: str | Path = ":memory:",
        seed: SeedSource | None = None,
        config: EmulatorConfig | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.store = Store(db_path)
        self.clock = clock or SystemClock()
        self._config = LiveConfig(config or EmulatorConfig())
        self._database = Database(self.store, self.clock, LagView(), RenderCache())
        self._reviewer = Reviewer()
        self._stats = Stats()
        self._operator = Operator(self._database, self._reviewer, lambda: self._config.current)
        self._twilio = TwilioPipeline(
            self._database, self._reviewer, self._config, self._stats, self.clock
        )
        self._admin = AdminApi(
            self._operator, self._config, self._stats, self._health, self.catch_up
        )
        self.seed_summary: dict[str, Any] | None = None
        try:
            if seed is None or not self.seed_if_empty(seed):  # (seeding renders them)
                self.render_lists()  # a file database's rows from an earlier run
        except BaseException:
            self.store.close()
            raise

    # -- configuration, seeding, stats --------------------------------------------

    @property
    def config(self) -> EmulatorConfig:
        return self._config.current

    def update_config(self, **changes: Any) -> EmulatorConfig:
        """Change knobs at run time (ValueError on unknown keys or bad values)."""
        return self._config.update(**changes)

    def seed_if_empty(self, seed: SeedSource) -> bool:
        """Apply ``seed`` if the database holds no account yet; True if it did.

        The check and the write are not one transaction, but a Store belongs to one
        Emulator, so nothing else can seed in between.
        """
        parsed = load_seed(seed)
        if not self.store.is_empty():
            return False
        self.seed_summary = apply_seed(self.store, parsed, now=self.clock.time())
        self._database.written_around()
        self.render_lists()
        return True

    def render_lists(self) -> int:
        """Encode the rows of the lists clients page through now (domain/ahead.py),
        so their first list costs what later ones do; the count of rows encoded."""
        return render_ahead(self._database)

    def accounts(self) -> list[str]:
        return self._operator.accounts()

    def stats(self) -> dict[str, Any]:
        return self._stats.snapshot()

    def reset_stats(self) -> None:
        self._stats.reset()

    def operations(self) -> list[tuple[str, str]]:
        """The (method, path template) pairs of every Twilio operation served."""
        return self._twilio.operations()

    def admin_endpoints(self) -> list[tuple[str, str]]:
        """The (method, path template) pairs of the admin API under /_emulator/."""
        return self._admin.endpoints()

    def _health(self) -> dict[str, Any]:
        return {"status": "ok", "accounts": self.accounts(), "db": self.store.path}

    # -- what Twilio's people and phones do (also under /_emulator/) -------------

    def approve(self, sid: str, kind: str | None = None) -> dict[str, Any]:
        """Approve a trust product or business profile now, whatever its status."""
        return self._operator.approve(sid, kind)

    def reject(
        self, sid: str, error_codes: list[int] | None = None, kind: str | None = None
    ) -> dict[str, Any]:
        """Reject a bundle with ``error_codes`` (default: the configured reject code)."""
        return self._operator.reject(sid, error_codes, kind)

    def complete_validation(
        self,
        *,
        account_sid: str | None = None,
        phone_number: str | None = None,
        validation_code: str | None = None,
    ) -> dict[str, Any]:
        """Complete a pending caller-ID validation (by number, or by its code)."""
        return self._operator.complete_validation(
            account_sid=account_sid, phone_number=phone_number, validation_code=validation_code
        )

    def pending_validations(self, account_sid: str | None = None) -> list[dict[str, Any]]:
        return self._operator.pending_validations(account_sid)

    def catch_up(self) -> int:
        """Make every lagging write visible now; how many were still lagging."""
        pending = self._database.lag.pending(self.clock.time())
        self._database.lag.catch_up()
        return pending

    # -- serving ------------------------------------------------------------------

    @property
    def wsgi_app(self) -> Any:
        """The WSGI callable (Twilio paths and /_emulator/)."""
        return self.__call__

    def exposure_warning(self, host: str) -> str | None:
        """ValueError if serving on ``host`` would expose the unauthenticated admin
        API; a warning if it exposes the Twilio paths; else None."""
        return check_exposure(host, self.config)

    def make_server(
        self, host: str = "127.0.0.1", port: int = 0, app: Any = None
    ) -> BaseWSGIServer:
        """A threaded werkzeug server for this emulator (``app`` may wrap wsgi_app)."""
        self.exposure_warning(host)
        return build_server(app or self.wsgi_app, host, port)

    @contextmanager
    def serve(
        self, host: str = "127.0.0.1", port: int = 0, app: Any = None
    ) -> Iterator[ServerHandle]:
        """Serve in a background thread; the handle has ``base_url``."""
        self.exposure_warning(host)
        with serve_in_thread(app or self.wsgi_app, host, port) as handle:
            yield handle

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- WSGI ---------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            status, body = self._admin.handle(environ, path[len(ADMIN_PREFIX) :] or "/")
            return http.respond(start_response, http.Reply(status, body))
        method = environ.get("REQUEST_METHOD", "GET").upper()
        return http.respond(start_response, self._twilio.handle(environ, method, path))
