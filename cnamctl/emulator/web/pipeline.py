"""The way every Twilio request goes, in order:

stats -> rate limit -> latency + jitter -> fault draw -> parse -> [transaction:
authenticate, account acted on, settle reviews, handler] -> answer.

The waits (rate limit, latency) and body parsing happen before the database
lock is taken, so they never hold it.
"""

from __future__ import annotations

import logging
from typing import Any

from cnamctl.emulator.clock import Clock
from cnamctl.emulator.config import (
    FAULT_500,
    FAULT_LOST_RESPONSE,
    FAULT_RESET,
    EmulatorConfig,
    LiveConfig,
)
from cnamctl.emulator.domain import errors, review
from cnamctl.emulator.domain.context import Ctx, Reply
from cnamctl.emulator.domain.handlers import routes
from cnamctl.emulator.domain.reviewer import Reviewer
from cnamctl.emulator.storage.db import Database
from cnamctl.emulator.web import http
from cnamctl.emulator.web.auth import account_acted_on, authenticate
from cnamctl.emulator.web.faults import FaultInjector, drop_connection
from cnamctl.emulator.web.latency import Latency
from cnamctl.emulator.web.ratelimit import TokenBucket
from cnamctl.emulator.web.routing import Resolution, Router
from cnamctl.emulator.web.stats import Stats

TWILIO_PREFIXES = ("/v1/", "/2010-04-01/", "/v2/")
WRITE_METHODS = ("POST", "DELETE")

_log = logging.getLogger("cnamctl.emulator")


def build_router() -> Router:
    router = Router()
    for method, template, handler in routes():
        router.add(method, template, handler)
    return router


class TwilioPipeline:
    def __init__(
        self,
        database: Database,
        reviewer: Reviewer,
        config: LiveConfig,
        stats: Stats,
        clock: Clock,
    ) -> None:
        self._database = database
        self._reviewer = reviewer
        self._config = config
        self._stats = stats
        self._clock = clock
        self.router = build_router()
        self._latency = Latency(clock)
        self._faults = FaultInjector(config.current)
        self._limiter: TokenBucket | None = None
        self._seen: dict[str, tuple[Any, ...]] = {}
        config.listen(self._configure)

    def _changed(self, part: str, *values: Any) -> bool:
        if self._seen.get(part) == values:
            return False
        self._seen[part] = values
        return True

    def _configure(self, config: EmulatorConfig) -> None:
        """Rebuild what depends on the knobs that changed (an RNG is reseeded only
        when its own knobs change, so unrelated changes keep runs reproducible)."""
        if self._changed("latency", config.latency_ms, config.jitter_ms, config.random_seed):
            self._latency.configure(config.latency_ms, config.jitter_ms, config.random_seed)
        if self._changed(
            "faults", config.fault_rate, config.fault_seed, config.fault_kinds, config.random_seed
        ):
            self._faults.configure(config)
        if self._changed("rate", config.rate_limit):
            self._limiter = (
                TokenBucket(config.rate_limit, clock=self._clock.monotonic)
                if config.rate_limit
                else None
            )
        if self._changed("lag", config.lag_ms, config.lag_changes, config.random_seed):
            self._database.lag.configure(config.lag_ms, config.lag_changes, config.random_seed)
        if self._changed("human", config.random_seed):
            self._reviewer.reseed(config.random_seed)

    def operations(self) -> list[tuple[str, str]]:
        return self.router.operations()

    def handle(self, environ: dict[str, Any], method: str, path: str) -> Reply:
        resolution = self.router.resolve(method, path)
        self._stats.request(method, resolution.template)
        reply = self._run(environ, method, path, resolution)
        self._stats.status(reply.status)
        return reply

    def _run(
        self, environ: dict[str, Any], method: str, path: str, resolution: Resolution
    ) -> Reply:
        config = self._config.current
        try:
            limiter = self._limiter
            if limiter is not None:
                wait = limiter.acquire()
                if wait:
                    raise errors.rate_limited(TokenBucket.retry_after(wait))
            self._latency.wait()
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
        query, form = http.parse(environ, method, config.max_body_bytes)
        try:
            with self._database.transaction(client=True, reading=method == "GET") as db:
                principal = authenticate(db, environ.get("HTTP_AUTHORIZATION"))
                if resolution.template is None:
                    raise errors.not_found(path)
                if resolution.handler is None:
                    raise errors.method_not_allowed(method)
                account = account_acted_on(db, principal, resolution.params.get("AccountSid"))
                review.settle(db, self._reviewer, config)
                ctx = Ctx(db, principal, account, path, resolution.params, query, form, config)
                reply: Reply = resolution.handler(ctx)
        except errors.TwilioError:
            raise
        except Exception:
            _log.exception("emulator error on %s %s", method, path)
            raise errors.internal() from None
        if method in WRITE_METHODS and reply.status < 400:
            self._stats.write()
        if reply.billed is not None:
            self._stats.billed(reply.billed)
        return reply
