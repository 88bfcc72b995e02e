"""What a failed request means for the write it carried.

=========== ============================================= ==========================
kind        when                                          what apply does
=========== ============================================= ==========================
THROTTLED   HTTP 429 (Twilio code 20429)                  not done: wait, send again
NOT_SENT    connection refused / connect timeout          not done: wait, send again
AMBIGUOUS   5xx, reset, read timeout, broken response     maybe done: read back
                                                          first, send again only if
                                                          the effect is absent
REJECTED    any other 4xx (validation, already exists,    read back: done if the
            not found)                                    effect is there, else the
                                                          change fails
=========== ============================================= ==========================

Messages never include request bodies or headers (so no credentials).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from requests.exceptions import ConnectTimeout, RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException
from urllib3.exceptions import NewConnectionError

from cnamctl.errors import CnamctlError
from cnamctl.text import inert, shorten
from cnamctl.twilio.failures import error_body

THROTTLED_STATUS = 429


class FailureKind(StrEnum):
    THROTTLED = "throttled"
    NOT_SENT = "not-sent"
    AMBIGUOUS = "ambiguous"
    REJECTED = "rejected"

    @property
    def retryable(self) -> bool:
        return self is not FailureKind.REJECTED


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    message: str
    status: int | None = None
    code: int | None = None


def classify(err: BaseException) -> Failure:
    """Classify an exception raised by an SDK call (anything else is a bug: AMBIGUOUS
    would be wrong to retry blindly, so it is REJECTED with its type name)."""
    if isinstance(err, TwilioException) and not isinstance(err, TwilioRestException):
        refused = _refused_page(err)
        if refused is not None:
            return classify(refused)
    if isinstance(err, TwilioRestException):
        message = f"HTTP {err.status}" + (f" (code {err.code})" if err.code else "")
        if err.msg:
            message += f": {shorten(inert(str(err.msg), keep_lines=False), 300)}"
        if err.status == THROTTLED_STATUS:
            kind = FailureKind.THROTTLED
        elif err.status >= 500:
            kind = FailureKind.AMBIGUOUS
        else:
            kind = FailureKind.REJECTED
        return Failure(kind, message, err.status, err.code)
    if isinstance(err, RequestException):
        if _never_sent(err):
            return Failure(FailureKind.NOT_SENT, f"cannot connect ({_root_name(err)})")
        return Failure(FailureKind.AMBIGUOUS, f"connection lost ({_root_name(err)})")
    if isinstance(err, CnamctlError):  # e.g. NotTwilioError: its message says it all
        return Failure(FailureKind.REJECTED, str(err))
    return Failure(FailureKind.REJECTED, f"unexpected {type(err).__name__}: {err}")


def _refused_page(err: TwilioException) -> TwilioRestException | None:
    """The SDK's list calls raise ``TwilioException("Unable to fetch page", response)``:
    the same refusal as a TwilioRestException, for the table above."""
    response = err.args[1] if len(err.args) > 1 else None
    status = getattr(response, "status_code", None)
    if not isinstance(status, int):
        return None
    body = error_body(getattr(response, "text", "") or "")
    code = body.get("code")
    return TwilioRestException(
        status, "", msg=str(body.get("message") or ""), code=code if isinstance(code, int) else None
    )


def _never_sent(err: RequestException) -> bool:
    if isinstance(err, ConnectTimeout):
        return True
    reason = getattr(err.args[0], "reason", None) if err.args else None
    return isinstance(reason, NewConnectionError)


def _root_name(err: BaseException) -> str:
    """The innermost cause's type name, e.g. ConnectionResetError."""
    seen: set[int] = set()
    current: BaseException = err
    while id(current) not in seen:
        seen.add(id(current))
        inner = next(
            (a for a in getattr(current, "args", ()) if isinstance(a, BaseException)), None
        )
        inner = (
            inner or getattr(current, "reason", None) or current.__cause__ or current.__context__
        )
        if not isinstance(inner, BaseException):
            break
        current = inner
    return type(current).__name__
