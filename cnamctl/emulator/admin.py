"""The admin API under ``/_emulator/`` (JSON in, JSON out, no authentication).

It drives what Twilio's humans and phones would do (approve or reject a bundle,
answer a caller-ID validation call) and exposes the emulator's own knobs and stats.
It is never served under Twilio's paths.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from cnamctl.emulator.policies import CUSTOMER_PROFILE, TRUST_PRODUCT
from cnamctl.emulator.routing import Router

if TYPE_CHECKING:
    from cnamctl.emulator.app import Emulator

ADMIN_PREFIX = "/_emulator"
MAX_ADMIN_BODY = 64 * 1024
_log = logging.getLogger("cnamctl.emulator")
_BUNDLE_PATHS = {"trust-products": TRUST_PRODUCT, "customer-profiles": CUSTOMER_PROFILE}

Result = tuple[int, Any]


class AdminApi:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator
        self._router = Router()
        routes: list[tuple[str, str, Callable[..., Result]]] = [
            ("GET", "/health", self.health),
            ("GET", "/stats", self.stats),
            ("POST", "/stats/reset", self.reset_stats),
            ("GET", "/config", self.get_config),
            ("PATCH", "/config", self.patch_config),
            ("POST", "/config", self.patch_config),
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
        return 200, {"status": "ok", "accounts": self.emu.accounts(), "db": self.emu.store.path}

    def stats(self, **_: Any) -> Result:
        return 200, self.emu.stats()

    def reset_stats(self, **_: Any) -> Result:
        self.emu.reset_stats()
        return 200, self.emu.stats()

    def get_config(self, **_: Any) -> Result:
        return 200, self.emu.config.as_dict()

    def patch_config(self, body: dict[str, Any], **_: Any) -> Result:
        return 200, self.emu.update_config(**body).as_dict()

    def approve(self, kind: str, Sid: str, **_: Any) -> Result:
        return 200, self.emu.approve(Sid, kind=kind)

    def reject(self, kind: str, Sid: str, body: dict[str, Any], **_: Any) -> Result:
        codes = body.get("error_codes")
        if codes is not None and (
            not isinstance(codes, list)
            or not all(isinstance(c, int) and not isinstance(c, bool) for c in codes)
        ):
            raise ValueError("error_codes must be a list of integers")
        return 200, self.emu.reject(Sid, codes, kind=kind)

    def list_validations(self, query: dict[str, str], **_: Any) -> Result:
        return 200, {"validation_requests": self.emu.pending_validations(query.get("account_sid"))}

    def complete_validation(self, body: dict[str, Any], **_: Any) -> Result:
        fields = {k: body.get(k) for k in ("account_sid", "phone_number", "validation_code")}
        if not all(v is None or isinstance(v, str) for v in fields.values()):
            raise ValueError("account_sid, phone_number and validation_code must be strings")
        return 200, self.emu.complete_validation(**fields)


def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ValueError("bad Content-Length") from None
    if length > MAX_ADMIN_BODY:
        raise ValueError("body too large")
    raw = environ["wsgi.input"].read(length) if length else b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ValueError("body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


def _query(environ: dict[str, Any]) -> dict[str, str]:
    return dict(parse_qsl(environ.get("QUERY_STRING", "")))
