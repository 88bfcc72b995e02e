"""Where Twilio traffic goes: real Twilio, a base URL (``--api-url``), or the
embedded emulator (``embedded.py``), and how each account's client is made there.

``Endpoint.label`` is the one form of the target meant for people: it never holds
a URL's userinfo (``url.py``), so commands print it as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from twilio.rest import Client

from cnamctl.text import inert
from cnamctl.twilio import inflight
from cnamctl.twilio.accounts import account_credentials
from cnamctl.twilio.client import make_client
from cnamctl.twilio.credentials import Credentials
from cnamctl.twilio.embedded import serve_embedded
from cnamctl.twilio.timeouts import DEFAULT_TIMEOUTS, Timeouts, timeouts_from_env
from cnamctl.twilio.url import ApiUrl

if TYPE_CHECKING:  # the manifest models (pydantic) load only where they are needed
    from cnamctl.manifest.model import Account


@dataclass(frozen=True)
class Target:
    client: Client
    label: str  # for people: where the traffic went (never credentials)


@dataclass(frozen=True)
class Endpoint:
    """Where traffic goes, and how each account's client is made there."""

    api_url: ApiUrl | None  # None: Twilio itself
    label: str  # for people, ready to print: "Twilio", "emulator at http://***@host:port"
    env: Mapping[str, str] = field(repr=False)
    embedded: Credentials | None = None  # the embedded emulator's demo account
    max_rps: float | None = None  # pace every client made here (apply --max-rps)
    timeouts: Timeouts = DEFAULT_TIMEOUTS  # of every request ($CNAMCTL_HTTP_TIMEOUT)
    read_concurrency: int = inflight.DEFAULT  # requests in flight ($CNAMCTL_READ_CONCURRENCY)

    def __str__(self) -> str:
        return self.label

    def default_credentials(self) -> Credentials:
        return self.embedded or Credentials.from_env(self.env)

    def client_for(self, account: Account | None = None) -> Client:
        """A client for ``account`` (None: the account the environment names), paced
        at ``max_rps`` by a limiter of its own (Twilio limits each account apart)."""
        if account is None:
            credentials = self.default_credentials()
        else:  # the embedded demo account is the parent of every embedded subaccount
            credentials = account_credentials(
                account, self.env, self.api_url, self.embedded, timeouts=self.timeouts
            )
        return make_client(
            credentials,
            self.api_url,
            timeout=self.timeouts,
            pool_size=self.read_concurrency,
            max_rps=self.max_rps,
        )


@contextmanager
def open_endpoint(
    api_url: str | ApiUrl | None,
    embedded: bool,
    env: Mapping[str, str] | None = None,
    *,
    max_rps: float | None = None,
) -> Iterator[Endpoint]:
    """Twilio, the server at ``api_url``, or the embedded emulator (served for the
    duration of the block). A malformed ``api_url`` is a UsageError."""
    env = os.environ if env is None else env
    if isinstance(api_url, str):
        api_url = ApiUrl.parse(api_url)
    timeouts = timeouts_from_env(env)
    in_flight = inflight.read_concurrency_from_env(env)
    if not embedded:
        label = f"emulator at {api_url.display}" if api_url else "Twilio"
        yield Endpoint(api_url, label, env, None, max_rps, timeouts, read_concurrency=in_flight)
        return
    with serve_embedded(env) as served:
        label = f"embedded emulator ({inert(str(served.db_path), keep_lines=False)})"
        url = ApiUrl.parse(served.base_url)
        yield Endpoint(
            url, label, env, served.credentials, max_rps, timeouts, read_concurrency=in_flight
        )


@contextmanager
def open_target(
    api_url: str | ApiUrl | None, embedded: bool, env: Mapping[str, str] | None = None
) -> Iterator[Target]:
    """One client for the account the environment (or the embedded demo) names."""
    with open_endpoint(api_url, embedded, env) as endpoint:
        yield Target(endpoint.client_for(None), endpoint.label)
