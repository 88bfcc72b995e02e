"""Read the live snapshot through the twilio SDK: list calls only, concurrently.

Every collection is read with list calls at PageSize 1000 (never one GET per
resource), as plain JSON pages (``pages.py``). The top-level collections (one
trust-product list per policy read) are read at once; then the numbers' shards
(``shards.py``: the longest list, read as concurrent filtered listings when it has
more than one page), and the per-profile and per-product assignment lists, also at
once. Concurrency is bounded by ``max_workers``; every request is bounded by the
HTTP client's timeout and read-retry budget. A trust product deleted while it is
being read (its assignment lists answer 404) is left out, as if read a moment later.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
)
from cnamctl.live.pages import (
    API_2010,
    PAGE_SIZE,
    TRUSTHUB,
    Listing,
    Record,
    Shape,
    list_all,
    read_pages,
)
from cnamctl.live.shards import NumbersRead
from cnamctl.policies import DEFAULT_POLICIES
from cnamctl.twilio import inflight
from cnamctl.twilio.failures import access_error
from cnamctl.twilio.http import RewritingHttpClient

# What planning reads from each list's records (pages.py refuses records without it).
NUMBER = Shape(("sid", "phone_number"), {"friendly_name": str, "voice_caller_id_lookup": bool})
CALLER_ID = Shape(("sid", "phone_number"), {"friendly_name": str})
_TEXT = dict.fromkeys(("friendly_name", "status", "email", "policy_sid"), str)
BUSINESS_PROFILE = Shape(("sid",), _TEXT)
TRUST_PRODUCT = Shape(("sid",), {**_TEXT, "errors": list, "date_updated": str, "date_created": str})
END_USER = Shape(
    ("sid",), {"friendly_name": str, "type": str, "attributes": dict, "date_created": str}
)
ENTITY_ASSIGNMENT = Shape(("sid", "object_sid"))
ENDPOINT_ASSIGNMENT = Shape(("sid", "channel_endpoint_sid"))


NUMBERS_KEY = "incoming_phone_numbers"


def read_snapshot(
    client: Client,
    *,
    max_workers: int | None = None,
    policies: Sequence[str] = DEFAULT_POLICIES,
    shard_numbers: bool = True,
    stop: threading.Event | None = None,
) -> Snapshot:
    """Read numbers, business profiles, end users, caller IDs, and the trust products
    of ``policies`` (one PolicySid-filtered list each; the plan's policies come from
    ``cnamctl.plan.scope``, the default is the CNAM policy alone).
    ``max_workers``: requests in flight at once; default: as many as the client keeps
    connections (``twilio/inflight.py``: Twilio limits each account's concurrent
    requests; ``$CNAMCTL_READ_CONCURRENCY``);
    ``shard_numbers=False``: the numbers page by page (the benchmark's comparison);
    ``stop``: once set, no new request (PageRefused): the read is not needed."""
    policies = tuple(dict.fromkeys(policies))
    max_workers = max_workers or _in_flight(client)
    stopped = stop.is_set if stop is not None else None
    account = f"{API_2010}/2010-04-01/Accounts/{client.account_sid}"
    hub = f"{TRUSTHUB}/v1"
    numbers_url = f"{account}/IncomingPhoneNumbers.json"

    def read(
        url: str, shape: Shape, key: str | None = None, **filters: str
    ) -> Future[list[Record]]:
        # assignments are kept as the two SIDs planning reads: a business profile's
        # 10,000 assignments are otherwise 10,000 dicts of eight fields until it is read
        project = shape in (ENTITY_ASSIGNMENT, ENDPOINT_ASSIGNMENT)
        return pool.submit(
            list_all, client, url, key=key, shape=shape, stop=stopped, project=project, **filters
        )

    def read_numbers(url: str, **how: Any) -> Future[Listing]:
        how.setdefault("stop", stopped)
        return pool.submit(
            read_pages, client, url, key=NUMBERS_KEY, shape=NUMBER, project=True, **how
        )

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="cnamctl-read") as pool:
        first_f = read_numbers(numbers_url, params={"PageSize": PAGE_SIZE}, limit=1)
        callers_f = read(f"{account}/OutgoingCallerIds.json", CALLER_ID, "outgoing_caller_ids")
        profiles_f = read(f"{hub}/CustomerProfiles", BUSINESS_PROFILE)
        products_f = [
            read(f"{hub}/TrustProducts", TRUST_PRODUCT, PolicySid=policy) for policy in policies
        ]
        users_f = read(f"{hub}/EndUsers", END_USER)

        # The numbers' shards go first: they are the longest chains of pages.
        numbers = NumbersRead(
            numbers_url, _result(first_f), read_numbers, shard=shard_numbers, stop=stopped
        )
        profiles = _result(profiles_f)
        # the filter is the server's; a product of another policy is never kept
        products = [
            p for future in products_f for p in _result(future) if p.get("policy_sid") in policies
        ]
        bp_numbers = {
            p["sid"]: read(
                f"{hub}/CustomerProfiles/{p['sid']}/ChannelEndpointAssignments",
                ENDPOINT_ASSIGNMENT,
            )
            for p in profiles
        }
        tp_numbers = {
            p["sid"]: read(
                f"{hub}/TrustProducts/{p['sid']}/ChannelEndpointAssignments", ENDPOINT_ASSIGNMENT
            )
            for p in products
        }
        tp_entities = {
            p["sid"]: read(f"{hub}/TrustProducts/{p['sid']}/EntityAssignments", ENTITY_ASSIGNMENT)
            for p in products
        }

        snapshot = Snapshot(account_sid=client.account_sid, policies=policies)
        snapshot.numbers.update(  # 100,000 of them: one generator, positional fields
            (
                n["sid"],
                LiveNumber(
                    n["sid"],
                    n["phone_number"],
                    n.get("friendly_name") or "",
                    bool(n.get("voice_caller_id_lookup")),
                ),
            )
            for n in numbers.records(_result)
        )
        for p in profiles:
            snapshot.business_profiles[p["sid"]] = LiveBusinessProfile(
                sid=p["sid"],
                friendly_name=p.get("friendly_name") or "",
                status=str(p.get("status")),
                email=p.get("email"),
                policy_sid=p.get("policy_sid") or "",
                number_assignments=_endpoint_map(_records(bp_numbers[p["sid"]])),
            )
        for p in products:
            entities, endpoints = (
                _unless_gone(tp_entities[p["sid"]]),
                _unless_gone(tp_numbers[p["sid"]]),
            )
            if entities is None or endpoints is None:
                continue  # deleted since the product list was read (another apply's duplicate)
            snapshot.trust_products[p["sid"]] = LiveTrustProduct(
                sid=p["sid"],
                friendly_name=p.get("friendly_name") or "",
                status=str(p.get("status")),
                email=p.get("email"),
                policy_sid=p.get("policy_sid") or "",
                errors=tuple(p.get("errors") or ()),
                entity_assignments={a["object_sid"]: a["sid"] for a in entities},
                number_assignments=_endpoint_map(endpoints),
                date_updated=p.get("date_updated"),
                date_created=p.get("date_created"),
            )
        for u in _result(users_f):
            snapshot.end_users[u["sid"]] = LiveEndUser(
                sid=u["sid"],
                friendly_name=u.get("friendly_name") or "",
                type=u.get("type") or "",
                attributes=dict(u.get("attributes") or {}),
                date_created=u.get("date_created"),
            )
        for c in _result(callers_f):
            snapshot.caller_ids[c["sid"]] = LiveCallerId(
                sid=c["sid"],
                phone_number=c["phone_number"],
                friendly_name=c.get("friendly_name") or "",
            )
    http = client.http_client
    snapshot.request_count = getattr(http, "total_requests", 0)
    return snapshot


T = TypeVar("T")


def _in_flight(client: Client) -> int:
    """The client's connections (``make_client(pool_size=...)``), or the default for
    a client cnamctl did not make."""
    http = client.http_client
    return http.pool_size if isinstance(http, RewritingHttpClient) else inflight.DEFAULT


def _records(future: Future[list[Record]]) -> list[Record]:
    return _result(future)


def _result(future: Future[T]) -> T:
    try:
        return future.result()
    except (TwilioException, OSError) as err:  # requests' connection errors are OSErrors
        raise access_error(err) from None


def _unless_gone(future: Future[list[Record]]) -> list[Record] | None:
    """A product's assignment list, or None when the product itself answers 404: it
    was deleted between the product list and this one (a concurrent apply removing
    its duplicate), so it is not part of the account any more."""
    try:
        return future.result()
    except TwilioRestException as err:
        if err.status == 404:
            return None
        raise access_error(err) from None
    except (TwilioException, OSError) as err:
        raise access_error(err) from None


def _endpoint_map(assignments: Iterable[Record]) -> dict[str, str]:
    return {a["channel_endpoint_sid"]: a["sid"] for a in assignments}
