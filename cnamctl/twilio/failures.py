"""Twilio SDK exceptions turned into a TwilioAccessError a person can act on."""

from __future__ import annotations

import json

from twilio.base.exceptions import TwilioException, TwilioRestException

from cnamctl.errors import TwilioAccessError


def access_error(err: Exception) -> TwilioAccessError:
    """Describe ``err`` by its HTTP status and Twilio code, never by raw payloads."""
    if isinstance(err, TwilioRestException):
        return TwilioAccessError(_http_problem(err.status, err.code, err.msg))
    if isinstance(err, TwilioException):
        # The SDK's list calls raise TwilioException("Unable to fetch page", response).
        response = err.args[1] if len(err.args) > 1 else None
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            body = error_body(getattr(response, "text", ""))
            return TwilioAccessError(
                _http_problem(status, body.get("code"), str(body.get("message", "")))
            )
        return TwilioAccessError(f"Twilio request failed: {err.args[0] if err.args else err}")
    return TwilioAccessError(f"cannot reach Twilio: {type(err).__name__}")


def _http_problem(status: int, code: object, message: str) -> str:
    if status == 401:
        return f"Twilio refused the credentials (HTTP 401, code {code})"
    return f"Twilio answered HTTP {status} (code {code}): {message}"


def error_body(text: str) -> dict[str, object]:
    """Twilio's error document (``code``, ``message``, ...) in a response body, or {}."""
    try:
        body = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}
