"""HTTP Basic authentication: Account SID + Auth Token, or API Key SID + secret."""

from __future__ import annotations

import base64
import binascii
import hmac
import sqlite3

from cnamctl.emulator import errors


def authenticate(conn: sqlite3.Connection, header: str | None) -> str:
    """The account SID the ``Authorization`` header authenticates; else 401 / 20003."""
    if not header or not header[:6].lower() == "basic ":
        raise errors.authenticate()
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise errors.authenticate() from None
    username, sep, password = decoded.partition(":")
    if not sep:
        raise errors.authenticate()
    row = None
    if username.startswith("AC"):
        row = conn.execute(
            "SELECT sid, auth_token FROM accounts WHERE sid = ?", (username,)
        ).fetchone()
    elif username.startswith("SK"):
        row = conn.execute(
            "SELECT account_sid, secret FROM api_keys WHERE sid = ?", (username,)
        ).fetchone()
    if row is None or not hmac.compare_digest(str(row[1]).encode(), password.encode()):
        raise errors.authenticate()
    return str(row[0])
