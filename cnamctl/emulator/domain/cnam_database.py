"""The emulator's CNAM database: the names Lookup answers with (``Fields=caller_name``).

Twilio's CNAM guide: when a CNAM trust product reaches twilio-approved, "Twilio
will register CNAM display name for your numbers with the CNAM authoritative
databases in the United States", and the name "may take 48-72 hours to propagate
to all carriers". The emulator keeps one such database for all its accounts:

* a number is **registered** with the display name of the approved CNAM product
  holding it, from the later of the product's approval and the number's
  assignment; a number that leaves its approved product (unassigned, the product
  deleted or rejected) is registered as removed;
* a registration **reaches** the database ``cnam_propagation_delay`` seconds
  after it was made (the knob in force when the lookup is made); until then the
  previous name, or none, answers;
* registrations are appended, never edited (``storage/cnam_listings.py``).

They are recorded when a review is decided (``review.py`` calls :func:`decided`)
and, for everything else that changes what a number should be listed with (a
number assigned to an approved product, unassigned, a product deleted), when the
number is next looked up (:func:`sync`): the time of an assignment is known
(its ``date_created``); the time of a removal is not, so it counts from the
lookup that notices it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnamctl.emulator.storage import cnam_listings
from cnamctl.emulator.storage.cnam_listings import Listing
from cnamctl.emulator.storage.db import Db

BUSINESS = "BUSINESS"  # Lookup's caller_type for a registered business name


@dataclass(frozen=True)
class CallerName:
    """What Lookup's ``caller_name`` package answers for a number."""

    caller_name: str | None
    caller_type: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "caller_name": self.caller_name,
            "caller_type": self.caller_type,
            "error_code": None,
        }


def sync(db: Db, phone_number: str, now: float) -> None:
    """Register ``phone_number`` anew if what Trust Hub says it should be listed with
    differs from its latest registration."""
    db = db.system()
    wanted = cnam_listings.registration(db, phone_number)
    last = cnam_listings.latest(db, phone_number)
    if wanted is None:
        if last is not None and last.caller_name is not None:
            cnam_listings.append(db, phone_number, Listing(None, None, None, now))
        return
    if last is not None and (last.bundle_sid, last.caller_name) == (
        wanted.bundle_sid,
        wanted.display_name,
    ):
        return
    kind = BUSINESS if wanted.display_name else None
    since = min(wanted.since, now)
    cnam_listings.append(
        db, phone_number, Listing(wanted.display_name, kind, wanted.bundle_sid, since)
    )


def decided(db: Db, bundle_sid: str, at: float) -> None:
    """A review of ``bundle_sid`` was decided at ``at``: (un)register its numbers."""
    for number in cnam_listings.numbers_of(db, bundle_sid):
        sync(db, number, at)


def lookup(db: Db, phone_number: str, now: float, delay: float) -> CallerName:
    """What the database answers for ``phone_number`` at ``now``."""
    sync(db, phone_number, now)
    listing = cnam_listings.visible(db, phone_number, now - delay)
    if listing is None or listing.caller_name is None:
        return CallerName(None, None)
    return CallerName(listing.caller_name, listing.caller_type)
