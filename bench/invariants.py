"""What every benchmark that writes must end with: converged, and nothing duplicated.

Duplicates are counted with plain SDK list calls, independently of cnamctl's
reader: cnam_information end users and trust products sharing a friendly name,
and any object or number assigned twice to one bundle or to two CNAM products.
Convergence is the next plan being empty *and* every declared number being on
the CNAM product of its profile (a plan can also be empty while it waits).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from twilio.rest import Client

from bench.fleet import Fleet
from cnamctl import CNAM_POLICY_SID
from cnamctl.live.model import Snapshot
from cnamctl.live.reader import read_snapshot
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan import compute_plan

PAGE = 1000


def _extra(keys: Iterable[object]) -> int:
    """How many items repeat a key seen before."""
    return sum(n - 1 for n in Counter(keys).values())


def duplicates(client: Client) -> dict[str, int]:
    """Kind -> number of duplicate objects found in the account (all should be 0)."""
    trusthub = client.trusthub.v1
    users = [u for u in trusthub.end_users.list(page_size=PAGE) if u.type == "cnam_information"]
    products = trusthub.trust_products.list(page_size=PAGE)
    cnam = {p.sid for p in products if p.policy_sid == CNAM_POLICY_SID}
    found = {
        "end_users": _extra(u.friendly_name for u in users),
        "trust_products": _extra((p.friendly_name, p.policy_sid) for p in products),
        "entity_assignments": 0,
        "number_assignments": 0,
        "numbers_on_two_cnam_products": 0,
    }
    branded: list[str] = []
    for p in products:
        bundle = trusthub.trust_products(p.sid)
        entities = bundle.trust_products_entity_assignments.list(page_size=PAGE)
        found["entity_assignments"] += _extra(a.object_sid for a in entities)
        numbers = [
            a.channel_endpoint_sid
            for a in bundle.trust_products_channel_endpoint_assignment.list(page_size=PAGE)
        ]
        found["number_assignments"] += _extra(numbers)
        if p.sid in cnam:
            branded += set(numbers)
    found["numbers_on_two_cnam_products"] = _extra(branded)
    for bp in trusthub.customer_profiles.list(page_size=PAGE):
        profile = trusthub.customer_profiles(bp.sid)
        endpoints = profile.customer_profiles_channel_endpoint_assignment.list(page_size=PAGE)
        found["number_assignments"] += _extra(a.channel_endpoint_sid for a in endpoints)
    return found


def unbranded(fleet: Fleet, live: Snapshot) -> int:
    """Declared numbers that are not (only) on the CNAM product of their profile."""
    by_name: dict[str, list[set[str]]] = {}
    for product in live.trust_products.values():
        numbers = {live.numbers[pn].phone_number for pn in product.number_assignments}
        by_name.setdefault(product.friendly_name, []).append(numbers)
    missing = 0
    for j in range(fleet.cnam_profiles):
        holders = by_name.get(fleet.profile_name(j), [])
        held = holders[0] if len(holders) == 1 else set()
        missing += sum(n not in held for n in fleet.numbers_of(j))
    return missing


@dataclass(frozen=True)
class Convergence:
    changes: int  # changes the next plan still holds
    unbranded: int  # declared numbers not yet on their product

    @property
    def converged(self) -> bool:
        return self.changes == 0 and self.unbranded == 0


def convergence(fleet: Fleet, manifests: ManifestSet, client: Client) -> Convergence:
    live = read_snapshot(client)
    plan = compute_plan(manifests, live)
    return Convergence(len(plan.changes), unbranded(fleet, live))


@dataclass(frozen=True)
class Verdict:
    """The end state of a scenario that wrote: converged and duplicate-free?"""

    convergence: Convergence
    duplicates: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.convergence.converged and not any(self.duplicates.values())


def verdict(fleet: Fleet, manifests: ManifestSet, client: Client) -> Verdict:
    return Verdict(convergence(fleet, manifests, client), duplicates(client))
