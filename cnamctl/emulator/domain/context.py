"""What a Twilio handler gets (``Ctx``) and gives back (``Reply``), and the
parameter parsing every handler shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cnamctl.emulator.config import EmulatorConfig
from cnamctl.emulator.domain import errors
from cnamctl.emulator.domain.sids import is_sid
from cnamctl.emulator.storage.db import Db, Row

HTTP_METHODS = ("GET", "POST")  # the spec's enum of every *Method parameter

_TRUE = ("true", "1")
_FALSE = ("false", "0")


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-able (Fragments allowed as values); None: no body (204)
    headers: dict[str, str] = field(default_factory=dict)
    billed: str | None = None  # what Twilio bills for this answer (a Lookup data package)


@dataclass(frozen=True)
class Principal:
    """Who a request authenticates as: an account's auth token, or one of its API
    keys (``key_kind`` ``standard`` or ``main``)."""

    account_sid: str
    key_kind: str | None = None  # None: the account's own auth token

    @property
    def manages_accounts(self) -> bool:
        """Twilio: Standard API keys cannot use the Accounts resource; Main keys and
        auth tokens can."""
        return self.key_kind != "standard"


@dataclass
class Ctx:
    """One authenticated Twilio request, inside its database transaction.

    ``account_sid`` is the account whose resources the request acts on: the
    principal's own, or (API 2010 paths) a subaccount its auth token reaches.
    """

    db: Db
    principal: Principal
    account_sid: str
    path: str
    params: dict[str, str]
    query: Mapping[str, str]
    form: Mapping[str, str]
    config: EmulatorConfig

    @property
    def now(self) -> float:
        return self.db.now

    def not_found(self) -> errors.TwilioError:
        return errors.not_found(self.path)

    def owned(self, table: str, prefix: str, **equal: Any) -> Row:
        """The ``{Sid}`` of the path in ``table``, of this account (404 otherwise)."""
        sid = self.params["Sid"]
        row = None
        if is_sid(sid, prefix):
            row = self.db.get(table, sid, account_sid=self.account_sid, **equal)
        if row is None:
            raise self.not_found()
        return row

    def required(self, name: str) -> str:
        value = self.form.get(name)
        if value is None or value == "":
            raise errors.missing_param(name)
        return value

    def optional(self, name: str) -> str | None:
        return self.form.get(name)

    def sid_param(self, name: str, prefix: str) -> str:
        """A required SID parameter, checked against the spec's pattern."""
        value = self.required(name)
        if not is_sid(value, prefix):
            raise errors.invalid_param(name, f"must be a {prefix} SID")
        return value

    def flag(self, name: str) -> bool | None:
        """A boolean form parameter (the SDK sends 'true'/'false')."""
        return boolean(name, self.form.get(name))

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        """An optional form parameter that the spec restricts to ``allowed`` values."""
        value = self.form.get(name)
        if value in (None, "") or value in allowed:
            return value
        raise errors.invalid_param(name, f"must be one of {', '.join(allowed)}")


def boolean(name: str, raw: str | None) -> bool | None:
    """A boolean parameter (form or query); None when absent."""
    if raw is None or raw == "":
        return None
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise errors.invalid_param(name, "must be true or false")


def friendly_name(value: str, limit: int = 64) -> str:
    if len(value) > limit:
        raise errors.invalid_param("FriendlyName", f"at most {limit} characters")
    return value


def callback_url(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not value.startswith(("http://", "https://")) or len(value) > 2048:
        raise errors.invalid_param("StatusCallback", "must be an http(s) URL")
    return value


def filters(query: Mapping[str, str], names: tuple[str, ...]) -> list[tuple[str, str]]:
    """The list filters present in ``query``, in the spec's order (echoed in page links)."""
    return [(name, query[name]) for name in names if query.get(name) not in (None, "")]
