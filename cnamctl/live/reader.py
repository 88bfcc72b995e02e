"""Read the live snapshot through the twilio SDK: list calls only, concurrently.

Every collection is read with list calls at PageSize 1000 (never one GET per
resource). The five top-level collections are read at once; then the
per-profile and per-product assignment lists, also at once. Concurrency is
bounded by ``max_workers``; every request is bounded by the HTTP client's
timeout and read-retry budget.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from cnamctl import CNAM_POLICY_SID
from cnamctl.errors import TwilioAccessError
from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
)

PAGE_SIZE = 1000
T = TypeVar("T")


def read_snapshot(client: Client, *, max_workers: int = 16) -> Snapshot:
    """Read numbers, business profiles, CNAM products, end users and caller IDs."""
    account = client.api.v2010.accounts(client.account_sid)
    trusthub = client.trusthub.v1
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="cnamctl-read") as pool:
        numbers_f = pool.submit(_list, account.incoming_phone_numbers.list)
        profiles_f = pool.submit(_list, trusthub.customer_profiles.list)
        products_f = pool.submit(_list, trusthub.trust_products.list, policy_sid=CNAM_POLICY_SID)
        users_f = pool.submit(_list, trusthub.end_users.list)
        callers_f = pool.submit(_list, account.outgoing_caller_ids.list)

        profiles = _result(profiles_f)
        products = _result(products_f)
        bp_numbers = {
            p.sid: pool.submit(
                _list,
                trusthub.customer_profiles(
                    p.sid
                ).customer_profiles_channel_endpoint_assignment.list,
            )
            for p in profiles
        }
        tp_numbers = {
            p.sid: pool.submit(
                _list,
                trusthub.trust_products(p.sid).trust_products_channel_endpoint_assignment.list,
            )
            for p in products
        }
        tp_entities = {
            p.sid: pool.submit(
                _list, trusthub.trust_products(p.sid).trust_products_entity_assignments.list
            )
            for p in products
        }

        snapshot = Snapshot(account_sid=client.account_sid)
        for n in _result(numbers_f):
            snapshot.numbers[n.sid] = LiveNumber(
                sid=n.sid,
                phone_number=n.phone_number,
                friendly_name=n.friendly_name or "",
                voice_caller_id_lookup=bool(n.voice_caller_id_lookup),
            )
        for p in profiles:
            snapshot.business_profiles[p.sid] = LiveBusinessProfile(
                sid=p.sid,
                friendly_name=p.friendly_name or "",
                status=str(p.status),
                email=p.email,
                policy_sid=p.policy_sid,
                number_assignments=_endpoint_map(_result(bp_numbers[p.sid])),
            )
        for p in products:
            snapshot.trust_products[p.sid] = LiveTrustProduct(
                sid=p.sid,
                friendly_name=p.friendly_name or "",
                status=str(p.status),
                email=p.email,
                policy_sid=p.policy_sid,
                errors=tuple(p.errors or ()),
                entity_assignments={a.object_sid: a.sid for a in _result(tp_entities[p.sid])},
                number_assignments=_endpoint_map(_result(tp_numbers[p.sid])),
                date_updated=_iso(p.date_updated),
            )
        for u in _result(users_f):
            snapshot.end_users[u.sid] = LiveEndUser(
                sid=u.sid,
                friendly_name=u.friendly_name or "",
                type=u.type or "",
                attributes=dict(u.attributes or {}),
            )
        for c in _result(callers_f):
            snapshot.caller_ids[c.sid] = LiveCallerId(
                sid=c.sid, phone_number=c.phone_number, friendly_name=c.friendly_name or ""
            )
    http = client.http_client
    snapshot.request_count = getattr(http, "total_requests", 0)
    return snapshot


def _list(method: Callable[..., list[T]], **filters: Any) -> list[T]:
    return method(page_size=PAGE_SIZE, **filters)


def _result(future: Future[list[T]]) -> list[T]:
    try:
        return future.result()
    except TwilioRestException as err:
        raise TwilioAccessError(_describe(err)) from None
    except TwilioException as err:
        raise TwilioAccessError(_describe_page_error(err)) from None
    except OSError as err:  # requests' connection errors derive from OSError
        raise TwilioAccessError(f"cannot reach Twilio: {type(err).__name__}") from None


def _describe(err: TwilioRestException) -> str:
    return _http_problem(err.status, err.code, err.msg)


def _http_problem(status: int, code: object, message: str) -> str:
    if status == 401:
        return f"Twilio refused the credentials (HTTP 401, code {code})"
    return f"Twilio answered HTTP {status} (code {code}): {message}"


def _describe_page_error(err: TwilioException) -> str:
    """The SDK's list calls raise a plain TwilioException("Unable to fetch page",
    response) for a refused page: read Twilio's error out of that response."""
    response = err.args[1] if len(err.args) > 1 else None
    status = getattr(response, "status_code", None)
    if not isinstance(status, int):
        return f"Twilio request failed: {err.args[0] if err.args else err}"
    try:
        body = json.loads(response.text)
    except (TypeError, ValueError):
        body = {}
    body = body if isinstance(body, dict) else {}
    return _http_problem(status, body.get("code"), str(body.get("message", "")))


def _endpoint_map(assignments: Iterable[Any]) -> dict[str, str]:
    return {a.channel_endpoint_sid: a.sid for a in assignments}


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None
