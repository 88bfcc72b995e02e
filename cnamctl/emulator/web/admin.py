"""The admin API under ``/_emulator/`` (JSON in, JSON out).

It drives what Twilio's humans and phones would do (approve or reject a bundle,
answer a caller-ID validation call, let lagging writes catch up) and exposes the
emulator's own knobs and stats. It is never served under Twilio's paths, and
every request passes :mod:`admin_guard` first (no cross-site requests, no foreign
Host, an admin token where one is set).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

from cnamctl.emulator.config import LiveConfig
from cnamctl.emulator.domain.operator import Operator
from cnamctl.emulator.domain.policies import CUSTOMER_PROFILE, TRUST_PRODUCT
from cnamctl.emulator.web import admin_guard
from cnamctl.emulator.web.routing import Router
from cnamctl.emulator.web.stats import Stats

ADMIN_PREFIX = "/_emulator"
MAX_ADMIN_BODY = 64 * 1024
_log = logging.getLogger("cnamctl.emulator")
_BUNDLE_PATHS = {"trust-products": TRUST_PRODUCT, "customer-profiles": CUSTOMER_PROFILE}

Result = tuple[int, Any]


class AdminApi:
    def __init__(
        self,
        operator: Operator,
        config: LiveConfig,
        stats: Stats,
        health: Callable[[], dict[str, Any]],
        catch_up: Callable[[], int],
    ) -> None:
        self._operator = operator
        self._config = config
        self._stats = stats
        self._health = health
        self._catch_up = catch_up
        self._router = Router()
        routes: list[tuple[str, str, Callable[..., Result]]] = [
            ("GET", "/health", self.health),
            ("GET", "/stats", self.stats),
            ("POST", "/stats/reset", self.reset_stats),
            ("GET", "/config", self.get_config),
            ("PATCH", "/config", self.patch_config),
            ("POST", "/config", self.patch_config),
            ("POST", "/lag/catch-up", self.catch_up),
            ("GET", "/validation-requests", self.list_validations),
            ("POST", "/validation-requests/complete", self.complete_validation),
        ]
        for segment, kind in _BUNDLE_PATHS.items():
            routes += [
                ("POST", f"/{segment}/{{Sid}}/approve", partial(self.approve, kind=kind)),
                ("POST", f"/{segment}/{{Sid}}/reject", partial(self.reject, kind=kind)),
            ]
        for method, template, handler in routes:
            self._router.add(method, template, handler)

    def endpoints(self) -> list[tuple[str, str]]:
        """Every (method, path) served, e.g. ``("POST", "/_emulator/stats/reset")``."""
        return [(method, ADMIN_PREFIX + path) for method, path in self._router.operations()]

    def handle(self, environ: dict[str, Any], path: str) -> Result:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        config = self._config.current
        if not config.admin_api:
            return 404, {"error": "the admin API is off (admin_api: false)"}
        try:
            admin_guard.check(environ, method, config)
        except admin_guard.Refused as refused:
            return refused.status, {"error": refused.message}
        resolution = self._router.resolve(method, path)
        if resolution.template is None:
            return 404, {"error": f"no admin endpoint {ADMIN_PREFIX}{path}"}
        if resolution.handler is None:
            return 405, {"error": f"method {method} not allowed on {ADMIN_PREFIX}{path}"}
        try:
            body = _json_body(environ) if method in ("POST", "PATCH") else {}
            result: Result = resolution.handler(
                body=body, query=_query(environ), **resolution.params
            )
            return result
        except LookupError as err:
            return 404, {"error": str(err.args[0] if err.args else err)}
        except ValueError as err:
            return 400, {"error": str(err)}
        except Exception:
            _log.exception("admin error on %s %s%s", method, ADMIN_PREFIX, path)
            return 500, {"error": "internal error (see the emulator's log)"}

    def health(self, **_: Any) -> Result:
        return 200, self._health()

    def stats(self, **_: Any) -> Result:
        return 200, self._stats.snapshot()

    def reset_stats(self, **_: Any) -> Result:
        self._stats.reset()
        return 200, self._stats.snapshot()

    def get_config(self, **_: Any) -> Result:
        return 200, self._config.current.as_dict()

    def patch_config(self, body: dict[str, Any], **_: Any) -> Result:
        return 200, self._config.update(admin=True, **body).as_dict()

    def catch_up(self, **_: Any) -> Result:
        return 200, {"caught_up": self._catch_up()}

    def approve(self, kind: str, Sid: str, **_: Any) -> Result:
        return 200, self._operator.approve(Sid, kind=kind)

    def reject(self, kind: str, Sid: str, body: dict[str, Any], **_: Any) -> Result:
        codes = body.get("error_codes")
        if codes is not None and (
            not isinstance(codes, list)
            or not all(isinstance(c, int) and not isinstance(c, bool) for c in codes)
        ):
            raise ValueError("error_codes must be a list of integers")
        return 200, self._operator.reject(Sid, codes, kind=kind)

    def list_validations(self, query: dict[str, str], **_: Any) -> Result:
        return 200, {
            "validation_requests": self._operator.pending_validations(query.get("account_sid"))
        }

    def complete_validation(self, body: dict[str, Any], **_: Any) -> Result:
        fields = {k: body.get(k) for k in ("account_sid", "phone_number", "validation_code")}
        if not all(v is None or isinstance(v, str) for v in fields.values()):
            raise ValueError("account_sid, phone_number and validation_code must be strings")
        return 200, self._operator.complete_validation(**fields)


def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ValueError("bad Content-Length") from None
    if length > MAX_ADMIN_BODY or length < 0:
        raise ValueError("body too large" if length > 0 else "bad Content-Length")
    raw = environ["wsgi.input"].read(length) if length else b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise ValueError("body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


def _query(environ: dict[str, Any]) -> dict[str, str]:
    return dict(parse_qsl(environ.get("QUERY_STRING", "")))
