"""Trust Hub review states, Twilio's rejection codes mapped to manifest fields, and
drift: what makes an account "not as declared" beyond a plan's changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from cnamctl.errors import Location
from cnamctl.plan.addresses import PROFILES, Resource, parse

if TYPE_CHECKING:
    from cnamctl.plan.model import Plan

DRAFT = "draft"
PENDING = "pending-review"
IN_REVIEW = "in-review"
APPROVED = "twilio-approved"
REJECTED = "twilio-rejected"

UNDER_REVIEW = frozenset({PENDING, IN_REVIEW})
EDITABLE = frozenset({DRAFT, REJECTED})  # Twilio 60711 forbids edits in every other state

# What re-vetting costs, and which rejection codes concern which manifest field, are
# per policy: ProductSpec.review_cost, .field_of_code, .describe_code (cnamctl/policies.py).


# --- drift: "not as declared" -----------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """One way the account is not as declared that the plan's changes do not show:
    a declared profile's product (of any policy) that Twilio rejected, or one waiting
    in review longer than the drift check allows."""

    address: str
    resource: Resource
    product: str  # SID
    status: str
    message: str
    location: Location | None = None
    error_codes: tuple[int, ...] = ()


def drift_of(plan: Plan, *, max_review_age: timedelta | None, now: datetime) -> list[Drift]:
    """Rejections (the planner's error notices about a declared profile's product)
    and, with ``max_review_age``, products in review for longer than that."""
    found: list[Drift] = []
    for notice in plan.notices:
        address = parse(notice.address, notice.resource)
        if notice.status != REJECTED or address is None:
            continue
        if address.resource.kind not in PROFILES:
            continue
        codes = ", ".join(str(c) for c in notice.error_codes) or "no error code given"
        info = plan.context.info(address.resource) if plan.context else None
        rejected = [p.sid for p in info.products if p.status == REJECTED] if info else []
        found.append(
            Drift(
                notice.address,
                address.resource,
                rejected[0] if rejected else "",
                REJECTED,
                f"rejected by Twilio ({codes})",
                notice.location,
                notice.error_codes,
            )
        )
    if max_review_age is None or plan.context is None:
        return found
    for info in plan.context.resources:
        if not info.declared or info.resource.kind not in PROFILES:
            continue
        for product in info.products:
            since = _instant(product.since)
            if product.status not in UNDER_REVIEW or since is None:
                continue
            waited = now - since
            if waited > max_review_age:
                found.append(
                    Drift(
                        str(info.resource),
                        info.resource,
                        product.sid,
                        product.status,
                        f"{product.sid} has been {product.status} for {describe_age(waited)} "
                        f"(since {product.since}), longer than {describe_age(max_review_age)}",
                        info.location,
                    )
                )
    return found


def not_as_declared(
    plan: Plan, *, max_review_age: timedelta | None, now: datetime | None = None
) -> bool:
    """What ``plan --detailed-exitcode`` exits 2 for: changes to make, or drift."""
    if plan.has_changes:
        return True
    return bool(drift_of(plan, max_review_age=max_review_age, now=now or datetime.now(UTC)))


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(text: str) -> timedelta:
    """``90m``, ``36h``, ``3d``, ``2w`` -> a timedelta; ValueError otherwise."""
    match = _AGE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not an age such as 36h, 3d or 2w")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def describe_age(age: timedelta) -> str:
    """The largest whole unit: ``3 days``, ``5 hours``, ``12 minutes``."""
    seconds = int(age.total_seconds())
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
