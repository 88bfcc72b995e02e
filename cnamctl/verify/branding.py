"""What Twilio registered for each declared number, from the live snapshot (pure).

A number is branded when a twilio-approved CNAM trust product holds it (a number
is on one CNAM product at most): that product's ``cnam_information`` end user
names what Twilio registered. The product need not be the profile's own: a
number moved to another product in the Console is branded with that product's
name, which ``classify`` then holds against the declared one. A number on no
approved product is "not branded yet", and so is one whose profile is being
renamed: its approved product keeps the old name while a replacement carrying
the declared name is in review (``plan/cnam.py``), so there is nothing to
verify until that review ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from cnamctl.live.model import LiveTrustProduct, Snapshot
from cnamctl.manifest.model import CnamProfile
from cnamctl.plan.review import (
    APPROVED,
    DRAFT,
    UNDER_REVIEW,
    _instant,  # one parser of Twilio's dates
)
from cnamctl.text import inert, quoted
from cnamctl.verify.model import Branding

PRODUCT_DATE = "the product's date_updated"
ASSIGNMENT_DATE = "the number's assignment"

# (product SID, number SID) -> the assignment's date_created, as Twilio gives it
AssignmentDates = Mapping[tuple[str, str], str | None]


def same_name(a: str | None, b: str | None) -> bool:
    """Display names compared ignoring letter case and runs of spaces."""
    if a is None or b is None:
        return a is b
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def brand_profile(
    profile: CnamProfile, live: Snapshot, assigned: AssignmentDates
) -> list[Branding]:
    """A Branding per declared number of ``profile``, in declaration order."""
    holders = _holders(live)
    renaming = _replacement_under_way(profile, live)
    found = []
    for e164 in dict.fromkeys(profile.phone_numbers):
        number = live.number_by_e164(e164)
        if number is None:
            found.append(Branding(e164, not_branded=f"not a number of {live.account_sid}"))
            continue
        products = holders.get(number.sid, [])
        approved = next((p for p in products if p.status == APPROVED), None)
        if approved is None:
            found.append(Branding(e164, not_branded=_why_not(products)))
            continue
        user = live.end_user_of(approved)
        name = user.cnam_display_name if user else None
        since, source = _since(approved, assigned.get((approved.sid, number.sid)))
        waiting = None
        if renaming is not None and not same_name(name, profile.display_name):
            waiting = (
                f"the declared name waits for the review of {renaming.sid} ({renaming.status}); "
                f"until then the number keeps {_shown(name)} on {approved.sid}"
            )
        found.append(Branding(e164, approved.sid, name, since, source, waiting))
    return found


def _holders(live: Snapshot) -> dict[str, list[LiveTrustProduct]]:
    """Number SID -> the CNAM products holding it (approved first)."""
    held: dict[str, list[LiveTrustProduct]] = {}
    ranked = sorted(live.trust_products.values(), key=lambda p: (p.status != APPROVED, p.sid))
    for product in ranked:
        for number_sid in product.number_assignments:
            held.setdefault(number_sid, []).append(product)
    return held


def _replacement_under_way(profile: CnamProfile, live: Snapshot) -> LiveTrustProduct | None:
    """A product of the profile's name carrying the declared name, not approved yet."""
    for product in sorted(live.trust_products.values(), key=lambda p: p.sid):
        if product.friendly_name != profile.name:
            continue
        if product.status not in UNDER_REVIEW and product.status != DRAFT:
            continue
        user = live.end_user_of(product)
        if user is not None and same_name(user.cnam_display_name, profile.display_name):
            return product
    return None


def _why_not(products: Iterable[LiveTrustProduct]) -> str:
    held = list(products)
    if not held:
        return "on no CNAM product (cnamctl apply assigns it)"
    product = held[0]
    status = inert(product.status, keep_lines=False)
    return f"on {inert(product.sid, keep_lines=False)} ({status}), not approved yet"


def _since(product: LiveTrustProduct, assigned: str | None) -> tuple[datetime | None, str | None]:
    approved, joined = instant(product.date_updated), instant(assigned)
    if joined is not None and (approved is None or joined > approved):
        return joined, ASSIGNMENT_DATE
    if approved is not None:
        return approved, PRODUCT_DATE
    return None, None


def _shown(name: str | None) -> str:
    return quoted(name) if name else "no name"


def instant(text: str | None) -> datetime | None:
    """A Twilio ISO 8601 date (``2026-12-01T10:00:00Z``) as an aware datetime, or None:
    the parser ``plan --review-max-age`` uses for the same dates."""
    return _instant(text) if isinstance(text, str) else None
