"""The baseline: a naive reader that issues one GET per resource, sequentially.

It uses the same twilio SDK client as cnamctl, but the way a first script
would: enumerate each collection at the SDK's default page size to learn the
SIDs, then ``fetch()`` every number, caller ID, business profile, trust
product, end user and assignment one at a time, on one thread. It reads the
same objects as ``read_snapshot`` (the benchmark checks the counts agree) and
only counts them; it builds no snapshot.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from twilio.rest import Client

from cnamctl import CNAM_POLICY_SID
from cnamctl.live.model import Snapshot


@dataclass(frozen=True)
class NaiveRead:
    objects: dict[str, int]  # kind -> objects fetched
    requests: int  # HTTP requests sent (the client's own counter)
    seconds: float


def naive_read(client: Client) -> NaiveRead:
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    account = client.api.v2010.accounts(client.account_sid)
    trusthub = client.trusthub.v1

    counts["numbers"] = _fetch_each(
        account.incoming_phone_numbers.stream(), account.incoming_phone_numbers
    )
    counts["caller_ids"] = _fetch_each(
        account.outgoing_caller_ids.stream(), account.outgoing_caller_ids
    )
    counts["end_users"] = _fetch_each(trusthub.end_users.stream(), trusthub.end_users)
    for profile in trusthub.customer_profiles.stream():
        trusthub.customer_profiles(profile.sid).fetch()
        counts["business_profiles"] += 1
        numbers = trusthub.customer_profiles(
            profile.sid
        ).customer_profiles_channel_endpoint_assignment
        counts["business_profile_numbers"] += _fetch_each(numbers.stream(), numbers)
    for product in trusthub.trust_products.stream(policy_sid=CNAM_POLICY_SID):
        trusthub.trust_products(product.sid).fetch()
        counts["trust_products"] += 1
        entities = trusthub.trust_products(product.sid).trust_products_entity_assignments
        counts["trust_product_entities"] += _fetch_each(entities.stream(), entities)
        numbers = trusthub.trust_products(product.sid).trust_products_channel_endpoint_assignment
        counts["trust_product_numbers"] += _fetch_each(numbers.stream(), numbers)
    requests = int(getattr(client.http_client, "total_requests", 0))
    return NaiveRead(dict(counts), requests, time.perf_counter() - started)


def _fetch_each(listed: Iterable[Any], collection: Any) -> int:
    """``fetch()`` every listed item through ``collection(sid)``; how many there were."""
    fetched = 0
    for item in listed:
        collection(item.sid).fetch()
        fetched += 1
    return fetched


def snapshot_counts(live: Snapshot) -> dict[str, int]:
    """The same tallies as :class:`NaiveRead.objects`, from a snapshot."""
    products = live.trust_products.values()
    return {
        "numbers": len(live.numbers),
        "caller_ids": len(live.caller_ids),
        "end_users": len(live.end_users),
        "business_profiles": len(live.business_profiles),
        "business_profile_numbers": sum(
            len(p.number_assignments) for p in live.business_profiles.values()
        ),
        "trust_products": len(live.trust_products),
        "trust_product_entities": sum(len(p.entity_assignments) for p in products),
        "trust_product_numbers": sum(len(p.number_assignments) for p in products),
    }
