"""Who may use the admin API: it can approve reviews and change every knob, and it
runs on developers' laptops, where any web page the developer opens can send it
requests.

Refused, before anything is read or changed:

- **a foreign Origin** (403): browsers send ``Origin`` with cross-site requests,
  including the "simple" ones that need no CORS preflight (a form or ``fetch``
  POST with ``Content-Type: text/plain``); an ``Origin`` other than the emulator's
  own (``http://<Host>``), ``null`` included, is refused, and so is
  ``Sec-Fetch-Site: cross-site``;
- **a body that is not JSON** (415): a POST or PATCH with a body must say
  ``Content-Type: application/json``, which a browser cannot send cross-site
  without a preflight the emulator never grants;
- **a foreign Host** (403), DNS rebinding: without an admin token, ``Host`` must be
  a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``, any port), so a page
  on ``evil.example`` whose name resolves to 127.0.0.1 gets nothing;
- with ``admin_token`` set, a request without ``Authorization: Bearer <token>``
  (401); the Host check is then left to the token.

Serving on a non-loopback interface needs ``admin_token`` (or ``admin_api`` off):
:func:`check_exposure`.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from cnamctl.emulator.config import EmulatorConfig

JSON = "application/json"
_LOOPBACK_NAMES = ("localhost",)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, no port) is this machine only."""
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    """``Host`` without its port (``[::1]:4010`` -> ``::1``)."""
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def check(environ: dict[str, Any], method: str, config: EmulatorConfig) -> None:
    """Raise :class:`Refused` unless this admin request may proceed."""
    host = environ.get("HTTP_HOST") or ""
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and origin.rstrip("/").lower() != f"http://{host}".lower():
        raise Refused(403, f"cross-origin admin requests are refused (Origin {origin[:100]})")
    if (environ.get("HTTP_SEC_FETCH_SITE") or "").lower() in ("cross-site", "same-site"):
        raise Refused(403, "cross-site admin requests are refused")
    if config.admin_token is not None:
        given = environ.get("HTTP_AUTHORIZATION") or ""
        expected = f"Bearer {config.admin_token}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Refused(401, "the admin API needs 'Authorization: Bearer <admin token>'")
    elif not is_loopback(_host_name(host)):
        raise Refused(403, f"Host {host[:100]!r} is not this machine (DNS rebinding?)")
    if method in ("POST", "PATCH", "PUT") and _has_body(environ):
        content_type = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
        if content_type and content_type != JSON:
            raise Refused(415, f"admin request bodies must be {JSON}, not {content_type[:100]}")


def _has_body(environ: dict[str, Any]) -> bool:
    length = environ.get("CONTENT_LENGTH")
    if length:
        return length.strip() != "0"
    return "wsgi.input_terminated" in environ and bool(environ.get("HTTP_TRANSFER_ENCODING"))


def check_exposure(host: str, config: EmulatorConfig) -> str | None:
    """Refuse (ValueError) to serve the unauthenticated admin API beyond this machine;
    a warning to show when the Twilio paths themselves are exposed, else None."""
    if is_loopback(host):
        return None
    if config.admin_api and config.admin_token is None:
        raise ValueError(
            f"serving on {host} would expose the unauthenticated admin API to the network; "
            "give an admin token (--admin-token, or $CNAMCTL_EMULATOR_ADMIN_TOKEN) or turn "
            "the admin API off (--no-admin-api)"
        )
    return (
        f"warning: serving on {host}: the emulated Twilio API (with the seed's "
        "credentials) is reachable from the network"
    )
