"""Wiring of the twilio SDK: credentials, base-URL override, connection pooling."""

from cnamctl.twilio.client import make_client
from cnamctl.twilio.credentials import Credentials
from cnamctl.twilio.http import RewritingHttpClient

__all__ = ["Credentials", "RewritingHttpClient", "make_client"]
