"""The fewest list requests that can read a snapshot, given Twilio's page size.

Every collection costs ``ceil(n / 1000)`` pages and at least one request (an
empty collection still answers one empty page). A snapshot needs the five
top-level collections (numbers, business profiles, CNAM trust products, end
users, caller IDs) and, per business profile, its number assignments and, per
CNAM product, its number and entity assignments.
"""

from __future__ import annotations

from cnamctl.live.model import Snapshot
from cnamctl.live.pages import PAGE_SIZE


def pages(items: int, page_size: int = PAGE_SIZE) -> int:
    return max(1, -(-items // page_size))


def minimum_requests(live: Snapshot) -> int:
    top = (
        pages(len(live.numbers))
        + pages(len(live.business_profiles))
        + pages(len(live.trust_products))
        + pages(len(live.end_users))
        + pages(len(live.caller_ids))
    )
    per_profile = sum(pages(len(p.number_assignments)) for p in live.business_profiles.values())
    per_product = sum(
        pages(len(p.number_assignments)) + pages(len(p.entity_assignments))
        for p in live.trust_products.values()
    )
    return top + per_profile + per_product
