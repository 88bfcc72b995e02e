"""Twilio-shaped errors: ``{"code", "message", "more_info", "status"}``.

Codes and messages follow what Twilio answers where that is known (20003
"Authenticate", 20001 "Missing required parameter X in the post body", 20404 "The
requested resource ... was not found", 20429, 60711, 21450, ...). Where Twilio does
not publish the exact answer the nearest documented code is used; docs/emulator.md
lists every choice.
"""

from __future__ import annotations

from typing import Any

MORE_INFO = "https://www.twilio.com/docs/errors/{code}"


class TwilioError(Exception):
    """An error answer; raising it inside a request rolls the transaction back."""

    def __init__(
        self, status: int, code: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.code, self.message)


def error_body(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": MORE_INFO.format(code=code),
        "status": status,
    }


# --- platform errors -------------------------------------------------------------


def authenticate() -> TwilioError:
    return TwilioError(401, 20003, "Authenticate", {"WWW-Authenticate": 'Basic realm="Twilio API"'})


def not_found(path: str) -> TwilioError:
    return TwilioError(404, 20404, f"The requested resource {path} was not found")


def method_not_allowed(method: str) -> TwilioError:
    return TwilioError(405, 20004, f"Method not allowed: {method}")


def missing_param(name: str) -> TwilioError:
    return TwilioError(400, 20001, f"Missing required parameter {name} in the post body")


def invalid_param(name: str, detail: str | None = None) -> TwilioError:
    message = f"Invalid parameter {name}" + (f": {detail}" if detail else "")
    return TwilioError(400, 20001, message)


def bad_request(message: str) -> TwilioError:
    return TwilioError(400, 20001, message)


def page_size_too_large(size: int, maximum: int) -> TwilioError:
    return TwilioError(400, 20007, f"Page size too large: {size} (maximum {maximum})")


def page_token_required() -> TwilioError:
    return TwilioError(400, 70002, "Paged requests must include a PageToken")


def conflict(message: str) -> TwilioError:
    return TwilioError(409, 20409, message)


def too_large(limit: int) -> TwilioError:
    return TwilioError(413, 20413, f"Request Entity Too Large: the body exceeds {limit} bytes")


def rate_limited(retry_after: int) -> TwilioError:
    return TwilioError(429, 20429, "Too many requests", {"Retry-After": str(retry_after)})


def internal() -> TwilioError:
    return TwilioError(500, 20500, "Internal Server Error")


# --- Trust Hub -------------------------------------------------------------------


def status_locked(status: str) -> TwilioError:
    """60711: the bundle is under review or approved and cannot be changed."""
    return TwilioError(
        400, 60711, f"Business status does not allow updates (current status: {status})"
    )


def bad_status(value: str) -> TwilioError:
    return TwilioError(400, 22203, f"Unable to parse bundle status: {value!r}")


def status_with_properties() -> TwilioError:
    return TwilioError(
        400, 22204, "Bundle status and properties cannot be updated in the same request"
    )


def invalid_object(object_sid: str) -> TwilioError:
    return TwilioError(
        400, 22205, f"Attempting to assign invalid object_sid to Bundle: {object_sid}"
    )


def invalid_object_type(object_sid: str) -> TwilioError:
    return TwilioError(400, 22206, f"Attempting to add invalid object type to bundle: {object_sid}")


def bad_attributes() -> TwilioError:
    return TwilioError(400, 22207, "Unable to parse attributes JSON")


def bad_end_user_type(value: str) -> TwilioError:
    return TwilioError(400, 22212, f"Invalid End-User Type in request: {value!r}")


def one_per_account(policy_name: str) -> TwilioError:
    """A second primary business profile (the code is the emulator's guess)."""
    return TwilioError(
        409, 20409, f"An account can have only one {policy_name}; use a secondary profile"
    )


def bad_display_name(reason: str) -> TwilioError:
    return TwilioError(
        400,
        11009,
        f"CNAM registration rejected: display name does not meet requirements ({reason})",
    )


# --- API 2010 --------------------------------------------------------------------


def invalid_phone_number(value: str) -> TwilioError:
    return TwilioError(400, 21217, f"Phone number does not appear to be valid: {value!r}")


def caller_id_exists() -> TwilioError:
    return TwilioError(400, 21450, "Phone number already verified for your account")
