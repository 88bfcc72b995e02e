"""Build a twilio.rest.Client aimed at Twilio or at an emulator base URL."""

from __future__ import annotations

from twilio.rest import Client

from cnamctl.twilio.credentials import Credentials
from cnamctl.twilio.http import RewritingHttpClient


def make_client(
    credentials: Credentials,
    api_url: str | None = None,
    *,
    timeout: float = 30.0,
    pool_size: int = 32,
) -> Client:
    """A twilio SDK client; with ``api_url`` all traffic goes to that base URL."""
    http = RewritingHttpClient(api_url, timeout=timeout, pool_size=pool_size)
    return Client(
        username=credentials.username,
        password=credentials.password,
        account_sid=credentials.account_sid,
        http_client=http,
    )
