"""The Emulator: state, configuration and the WSGI app serving both Twilio hosts.

One base URL serves ``/v1/...`` (as trusthub.twilio.com), ``/2010-04-01/...`` (as
api.twilio.com) and the admin API under ``/_emulator/``. Each Twilio request goes
through: stats -> rate limit -> latency -> fault draw -> parse -> [transaction:
authenticate, settle reviews, handler] -> answer.
"""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.serving import BaseWSGIServer
from werkzeug.wrappers import Request

from cnamctl.emulator import errors, review, serialize
from cnamctl.emulator.admin import ADMIN_PREFIX, AdminApi
from cnamctl.emulator.auth import authenticate
from cnamctl.emulator.config import FAULT_500, FAULT_LOST_RESPONSE, FAULT_RESET, EmulatorConfig
from cnamctl.emulator.faults import FaultInjector, drop_connection
from cnamctl.emulator.handlers import build_router
from cnamctl.emulator.handlers.caller_ids import complete_validation
from cnamctl.emulator.http import Ctx, Reply
from cnamctl.emulator.kinds import KINDS
from cnamctl.emulator.ratelimit import TokenBucket
from cnamctl.emulator.routing import Resolution
from cnamctl.emulator.rules import normalize_e164
from cnamctl.emulator.seed import SeedFile, apply_seed, load_seed
from cnamctl.emulator.server import ServerHandle, build_server, serve_in_thread
from cnamctl.emulator.sids import new_sid
from cnamctl.emulator.stats import Stats
from cnamctl.emulator.store import Store

TWILIO_PREFIXES = ("/v1/", "/2010-04-01/")
WRITE_METHODS = ("POST", "DELETE")

_log = logging.getLogger("cnamctl.emulator")

SeedSource = str | Path | dict[str, Any] | SeedFile


class Emulator:
    """A stateful Twilio emulator (Trust Hub v1 + the API 2010 parts cnamctl uses).

    ``db_path`` is ``":memory:"`` or a SQLite file; ``seed`` (a YAML path, a dict or
    None) is applied only if the database is empty, so a file database keeps its
    state across restarts. Close it with :meth:`close`, or use it as a context
    manager (``with Emulator(...) as emu:``).
    """

    def __init__(
        self,
        db_path: str | Path = ":memory:",
        seed: SeedSource | None = None,
        config: EmulatorConfig | None = None,
    ) -> None:
        self.store = Store(db_path)
        self._config = config or EmulatorConfig()
        self._config_lock = threading.Lock()
        self._router = build_router()
        self._stats = Stats()
        self._faults = FaultInjector(self._config)
        self._limiter = self._bucket(self._config)
        self._admin = AdminApi(self)
        self.seed_summary: dict[str, Any] | None = None
        if seed is not None:
            try:
                self.seed_if_empty(seed)
            except BaseException:
                self.store.close()
                raise

    # -- configuration, seeding, stats --------------------------------------------

    @property
    def config(self) -> EmulatorConfig:
        return self._config

    def update_config(self, **changes: Any) -> EmulatorConfig:
        """Change knobs at run time (ValueError on unknown keys or bad values)."""
        with self._config_lock:
            new = self._config.replace(**changes)
            if {"fault_rate", "fault_seed", "fault_kinds"} & changes.keys():
                self._faults.configure(new)
            if "rate_limit" in changes:
                self._limiter = self._bucket(new)
            self._config = new
            return new

    @staticmethod
    def _bucket(config: EmulatorConfig) -> TokenBucket | None:
        return TokenBucket(config.rate_limit) if config.rate_limit else None

    def seed_if_empty(self, seed: SeedSource) -> bool:
        """Apply ``seed`` if the database holds no account yet; True if it did.

        The check and the write are not one transaction, but a Store belongs to one
        Emulator, so nothing else can seed in between.
        """
        parsed = load_seed(seed)
        if not self.store.is_empty():
            return False
        self.seed_summary = apply_seed(self.store, parsed)
        return True

    def accounts(self) -> list[str]:
        with self.store.transaction() as conn:
            return [row[0] for row in conn.execute("SELECT sid FROM accounts ORDER BY sid")]

    def stats(self) -> dict[str, Any]:
        return self._stats.snapshot()

    def operations(self) -> list[tuple[str, str]]:
        """The (method, path template) pairs of every Twilio operation served."""
        return self._router.operations()

    def admin_endpoints(self) -> list[tuple[str, str]]:
        """The (method, path template) pairs of the admin API under /_emulator/."""
        return self._admin.endpoints()

    def reset_stats(self) -> None:
        self._stats.reset()

    # -- admin actions (also served under /_emulator/) ---------------------------

    def approve(self, sid: str, kind: str | None = None) -> dict[str, Any]:
        """Approve a trust product or business profile now, whatever its status."""
        return self._decide(sid, kind, approved=True, error_codes=[])

    def reject(
        self, sid: str, error_codes: list[int] | None = None, kind: str | None = None
    ) -> dict[str, Any]:
        """Reject a bundle with ``error_codes`` (default: the configured reject code)."""
        codes = list(error_codes) if error_codes else [self.config.reject_error_code]
        return self._decide(sid, kind, approved=False, error_codes=codes)

    def _decide(
        self, sid: str, kind: str | None, approved: bool, error_codes: list[int]
    ) -> dict[str, Any]:
        now = time.time()
        with self.store.transaction() as conn:
            review.settle(conn, now)
            row = conn.execute("SELECT kind FROM bundles WHERE sid = ?", (sid,)).fetchone()
            if row is None or (kind is not None and row["kind"] != kind):
                raise LookupError(f"no {kind or 'bundle'} {sid}")
            review.decide(conn, sid, approved, error_codes, now)
            updated = conn.execute("SELECT * FROM bundles WHERE sid = ?", (sid,)).fetchone()
        bundle_kind = next(k for k in KINDS if k.name == updated["kind"])
        return serialize.bundle(updated, bundle_kind)

    def complete_validation(
        self,
        *,
        account_sid: str | None = None,
        phone_number: str | None = None,
        validation_code: str | None = None,
    ) -> dict[str, Any]:
        """Complete a pending caller-ID validation (by number, or by its code)."""
        clauses, args = [], []
        if account_sid:
            clauses.append("account_sid = ?")
            args.append(account_sid)
        if phone_number:
            clauses.append("phone_number = ?")
            args.append(normalize_e164(phone_number) or phone_number)
        if validation_code:
            clauses.append("validation_code = ?")
            args.append(validation_code)
        if not (phone_number or validation_code):
            raise ValueError("give phone_number (with account_sid) or validation_code")
        with self.store.transaction() as conn:
            rows = conn.execute(
                f"SELECT * FROM validation_requests WHERE {' AND '.join(clauses)}", args
            ).fetchall()
            if not rows:
                raise LookupError("no pending validation request matches")
            if len(rows) > 1:
                raise ValueError("several pending validation requests match; give account_sid")
            try:
                caller_id = complete_validation(conn, rows[0], time.time())
            except sqlite3.IntegrityError:
                raise ValueError(f"{rows[0]['phone_number']} is already a caller ID") from None
        return serialize.caller_id(caller_id)

    def pending_validations(self, account_sid: str | None = None) -> list[dict[str, Any]]:
        with self.store.transaction() as conn:
            rows = conn.execute(
                "SELECT * FROM validation_requests WHERE ? IS NULL OR account_sid = ? "
                "ORDER BY date_created",
                (account_sid, account_sid),
            ).fetchall()
        return [serialize.validation_request(row) for row in rows]

    # -- serving ------------------------------------------------------------------

    @property
    def wsgi_app(self) -> Any:
        """The WSGI callable (Twilio paths and /_emulator/)."""
        return self.__call__

    def make_server(
        self, host: str = "127.0.0.1", port: int = 0, app: Any = None
    ) -> BaseWSGIServer:
        """A threaded werkzeug server for this emulator (``app`` may wrap wsgi_app)."""
        return build_server(app or self.wsgi_app, host, port)

    @contextmanager
    def serve(
        self, host: str = "127.0.0.1", port: int = 0, app: Any = None
    ) -> Iterator[ServerHandle]:
        """Serve in a background thread; the handle has ``base_url``."""
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
            return _respond(start_response, Reply(status, body))
        method = environ.get("REQUEST_METHOD", "GET").upper()
        resolution = self._router.resolve(method, path)
        self._stats.request(method, resolution.template)
        reply = self._twilio(environ, method, path, resolution)
        self._stats.status(reply.status)
        return _respond(start_response, reply)

    def _twilio(
        self, environ: dict[str, Any], method: str, path: str, resolution: Resolution
    ) -> Reply:
        config = self.config
        try:
            limiter = self._limiter
            if limiter is not None:
                wait = limiter.acquire()
                if wait:
                    raise errors.rate_limited(TokenBucket.retry_after(wait))
            if config.latency_ms:
                time.sleep(config.latency_ms / 1000.0)
            fault = self._faults.draw()
            if fault is not None:
                self._stats.fault(fault)
                if fault == FAULT_500:
                    raise errors.internal()
                if fault == FAULT_RESET:
                    drop_connection(environ)
            reply = self._dispatch(environ, method, path, resolution, config)
            if fault == FAULT_LOST_RESPONSE:
                drop_connection(environ)
            return reply
        except errors.TwilioError as err:
            return Reply(err.status, err.body(), err.headers)

    def _dispatch(
        self,
        environ: dict[str, Any],
        method: str,
        path: str,
        resolution: Resolution,
        config: EmulatorConfig,
    ) -> Reply:
        if resolution.template is None and not path.startswith(TWILIO_PREFIXES):
            raise errors.not_found(path)
        query, form = _parse(environ, method, config.max_body_bytes)
        now = time.time()
        try:
            with self.store.transaction() as conn:
                account_sid = authenticate(conn, environ.get("HTTP_AUTHORIZATION"))
                if resolution.template is None:
                    raise errors.not_found(path)
                if resolution.handler is None:
                    raise errors.method_not_allowed(method)
                if resolution.params.get("AccountSid", account_sid) != account_sid:
                    raise errors.authenticate()
                review.settle(conn, now)
                ctx = Ctx(conn, account_sid, now, path, resolution.params, query, form, config)
                reply: Reply = resolution.handler(ctx)
        except errors.TwilioError:
            raise
        except Exception:
            _log.exception("emulator error on %s %s", method, path)
            raise errors.internal() from None
        if method in WRITE_METHODS and reply.status < 400:
            self._stats.write()
        return reply


def _buffer_unsized_body(environ: dict[str, Any], limit: int) -> None:
    """Read a body sent without Content-Length (chunked), refusing more than ``limit``.

    werkzeug would cut such a body at its ``max_content_length`` without a word and
    parse the truncated form; buffering it here turns "too large" into a 413 and
    gives the body a Content-Length for the parser.
    """
    if environ.get("CONTENT_LENGTH") or "wsgi.input_terminated" not in environ:
        return
    stream, data = environ["wsgi.input"], bytearray()
    while len(data) <= limit:
        piece = stream.read(min(64 * 1024, limit + 1 - len(data)))
        if not piece:
            break
        data += piece
    if len(data) > limit:
        raise errors.too_large(limit)
    environ["wsgi.input"] = io.BytesIO(bytes(data))
    environ["CONTENT_LENGTH"] = str(len(data))


def _parse(environ: dict[str, Any], method: str, limit: int) -> tuple[Any, Any]:
    """Query and form of a request, outside the database lock (bodies can be slow)."""
    _buffer_unsized_body(environ, limit)
    request = Request(environ)
    request.max_content_length = limit
    request.max_form_memory_size = limit
    if request.content_length is not None and request.content_length > limit:
        raise errors.too_large(limit)
    try:
        query = request.args
        form = request.form if method == "POST" else {}
    except RequestEntityTooLarge:
        raise errors.too_large(limit) from None
    except (HTTPException, ValueError, UnicodeDecodeError):
        raise errors.bad_request("Malformed request body") from None
    return query, form


def _respond(start_response: Any, reply: Reply) -> list[bytes]:
    body = b"" if reply.body is None else json.dumps(reply.body).encode("utf-8")
    headers = [("Content-Length", str(len(body))), ("Twilio-Request-Id", new_sid("RQ"))]
    if reply.body is not None:
        headers.append(("Content-Type", "application/json"))
    headers.extend(reply.headers.items())
    start_response(f"{reply.status} {HTTP_STATUS_CODES.get(reply.status, 'Unknown')}", headers)
    return [body]
