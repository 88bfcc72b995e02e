"""Failed requests turned into a TwilioAccessError a person can act on.

A refusal is described by its HTTP status and Twilio code; a request that got no
answer by the server it went to and the cause, in words ("connection refused",
"nothing for 15 s"), never by an exception's name or a raw payload. Whatever a
server wrote is quoted short and inert.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl

from requests.exceptions import (
    ChunkedEncodingError,
    ConnectTimeout,
    ProxyError,
    ReadTimeout,
    RequestException,
)
from twilio.base.exceptions import TwilioException, TwilioRestException

from cnamctl.errors import TwilioAccessError, UnreachableError
from cnamctl.text import inert, shorten
from cnamctl.twilio.timeouts import ConnectTimedOut, DeadlineExceeded, ReadTimedOut
from cnamctl.twilio.url import server_of


def access_error(err: Exception) -> TwilioAccessError:
    """Describe ``err`` by its HTTP status and Twilio code, or by why no answer came."""
    if isinstance(err, TwilioRestException):
        return TwilioAccessError(_http_problem(err.status, err.code, err.msg))
    if isinstance(err, RequestException):
        return unreachable(err)
    if isinstance(err, TwilioException):
        # The SDK's list calls raise TwilioException("Unable to fetch page", response).
        response = err.args[1] if len(err.args) > 1 else None
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            body = error_body(getattr(response, "text", ""))
            return TwilioAccessError(
                _http_problem(status, body.get("code"), str(body.get("message", "")))
            )
        return TwilioAccessError(
            f"Twilio request failed: {_said(err.args[0] if err.args else err)}"
        )
    return TwilioAccessError(f"cannot reach Twilio: {type(err).__name__}")


def unreachable(err: RequestException) -> UnreachableError:
    """``no answer from the server at HOST: connection refused`` and the like."""
    url = getattr(err.request, "url", None)
    server = server_of(url) if isinstance(url, str) else "the API"
    sent, cause = _cause(err)
    lead = "no answer from" if sent else "cannot reach"
    return UnreachableError(f"{lead} the server at {server}: {cause}")


def _cause(err: RequestException) -> tuple[bool, str]:
    """(whether the request may have reached the server, the cause in words)."""
    if isinstance(err, DeadlineExceeded):
        return True, f"{err.args[0]}; it kept the connection open without finishing"
    if isinstance(err, ConnectTimedOut | ReadTimedOut):
        return not isinstance(err, ConnectTimedOut), str(err.args[0])
    if isinstance(err, ConnectTimeout):
        return False, "no connection in time (connect timeout)"
    if isinstance(err, ReadTimeout):
        return True, "no answer in time (read timeout)"
    if isinstance(err, ProxyError):
        return False, f"the proxy failed ({_root(err)})"
    root = _root_exception(err)
    if isinstance(root, ConnectionRefusedError):
        return False, "connection refused (nothing listens on that port)"
    if isinstance(root, socket.gaierror):
        return False, "its name does not resolve"
    if isinstance(root, ssl.SSLError):
        return False, f"the TLS handshake failed ({_said(root.reason or type(root).__name__)})"
    if isinstance(root, ConnectionResetError):
        return True, "the connection was reset"
    if isinstance(root, http.client.RemoteDisconnected):
        return True, "it closed the connection without answering"
    if isinstance(err, ChunkedEncodingError) or isinstance(root, http.client.IncompleteRead):
        return True, "the answer was cut off"
    if isinstance(root, OSError) and root.strerror:
        return False, _said(root.strerror)
    return True, f"the connection failed ({_root(err)})"


def _root_exception(err: BaseException) -> BaseException:
    """The innermost cause (requests -> urllib3 -> socket), following args and reasons."""
    seen: set[int] = set()
    current = err
    while id(current) not in seen:
        seen.add(id(current))
        inner = next(
            (a for a in getattr(current, "args", ()) if isinstance(a, BaseException)), None
        )
        inner = inner or getattr(current, "reason", None) or current.__cause__
        if not isinstance(inner, BaseException):
            break
        current = inner
    return current


def _root(err: BaseException) -> str:
    return type(_root_exception(err)).__name__


def _said(value: object) -> str:
    return inert(shorten(str(value), 120), keep_lines=False)


def _http_problem(status: int, code: object, message: str) -> str:
    if status == 401:
        return f"Twilio refused the credentials (HTTP 401, code {code})"
    return f"Twilio answered HTTP {status} (code {code}): {_said(message)}"


def error_body(text: str) -> dict[str, object]:
    """Twilio's error document (``code``, ``message``, ...) in a response body, or {}."""
    try:
        body = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}
