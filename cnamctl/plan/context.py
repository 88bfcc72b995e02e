"""What a plan's readers need besides its changes: the objects it is about.

The changes say what apply will do; a reviewer also wants to know, per declared
object, where it is declared, what it shows (a display name, a friendly name),
how many numbers it has and what state its Trust Hub products are in, including
the objects that need no change at all. ``describe`` records that once, from the
manifests and the snapshot, in plain data kept with the plan (and in saved
plans), so the view (``plan/render/view.py``), the safety verdict
(``plan/safety.py``) and the drift check (``plan/review.py``) all work from the
plan alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from cnamctl.errors import Location
from cnamctl.live.model import LiveTrustProduct, Snapshot
from cnamctl.manifest.model import BusinessProfile, ManifestSet, PruneSettings
from cnamctl.plan.addresses import Kind, Resource


@dataclass(frozen=True)
class ProductState:
    """One live CNAM trust product, as the plan saw it."""

    sid: str
    friendly_name: str
    status: str
    display_name: str | None = None
    numbers: int = 0
    error_codes: tuple[int, ...] = ()
    since: str | None = None  # ISO 8601 date_updated: when its status last changed


@dataclass(frozen=True)
class ResourceInfo:
    """One object of the view: declared in a manifest, or live and undeclared."""

    resource: Resource
    declared: bool = True
    location: Location | None = None
    business_profile: str | None = None  # `name` of the BusinessProfile manifest it is under
    title: str | None = None  # what it shows: friendly name, CNAM display name
    numbers: int = 0  # numbers declared (or, undeclared, numbers on it)
    products: tuple[ProductState, ...] = ()  # a CnamProfile's products of its name


@dataclass(frozen=True)
class Existing:
    """What the safety thresholds compare a plan's removals against."""

    products: int = 0  # CNAM trust products
    caller_ids: int = 0
    cnam_assignments: int = 0  # numbers assigned to CNAM trust products


@dataclass(frozen=True)
class UnmanagedNumber:
    """A number of the account that no manifest mentions (cnamctl leaves it alone)."""

    phone_number: str
    sid: str
    branded: bool  # on some CNAM product


@dataclass
class PlanContext:
    resources: list[ResourceInfo] = field(default_factory=list)
    existing: Existing | None = None
    prune: PruneSettings = field(default_factory=PruneSettings)
    unmanaged_numbers: list[UnmanagedNumber] = field(default_factory=list)

    def info(self, resource: Resource) -> ResourceInfo | None:
        return self._by_resource.get(resource)

    def product(self, sid: str) -> ProductState | None:
        return self._products.get(sid)

    @cached_property
    def _by_resource(self) -> dict[Resource, ResourceInfo]:
        return {r.resource: r for r in reversed(self.resources)}  # the first one wins

    @cached_property
    def _products(self) -> dict[str, ProductState]:
        return {p.sid: p for r in reversed(self.resources) for p in reversed(r.products)}


def existing_of(live: Snapshot) -> Existing:
    return Existing(
        products=len(live.trust_products),
        caller_ids=len(live.caller_ids),
        cnam_assignments=sum(len(p.number_assignments) for p in live.trust_products.values()),
    )


def describe(desired: ManifestSet, live: Snapshot) -> PlanContext:
    """Every declared object (in manifest order within each kind), and the live
    CNAM products and caller IDs no manifest declares."""
    out: list[ResourceInfo] = []
    by_name: dict[str, list[LiveTrustProduct]] = {}
    for product in sorted(live.trust_products.values(), key=lambda p: p.sid):
        by_name.setdefault(product.friendly_name, []).append(product)

    for name, bp in sorted(desired.business_profiles.items()):
        numbers = set(bp.phone_numbers)
        for profile in desired.cnam_profiles.values():
            if profile.business_profile == name:
                numbers.update(profile.phone_numbers)
        out.append(
            ResourceInfo(
                Resource(Kind.BUSINESS_PROFILE, name),
                location=bp.source,
                business_profile=name,
                title=bp.friendly_name or _live_title(bp, live),
                numbers=len(numbers),
            )
        )
    for name, profile in sorted(desired.cnam_profiles.items()):
        out.append(
            ResourceInfo(
                Resource(Kind.CNAM_PROFILE, name),
                location=profile.source,
                business_profile=profile.business_profile,
                title=profile.display_name,
                numbers=len(profile.phone_numbers),
                products=tuple(_state(p, live) for p in by_name.get(name, [])),
            )
        )
    lookups = [
        p for _, p in sorted(desired.cnam_profiles.items()) if p.caller_name_lookup is not None
    ]
    if lookups:
        out.append(
            ResourceInfo(
                Resource(Kind.NUMBER_SETTINGS, ""),
                location=lookups[0].loc("callerNameLookup"),
                numbers=sum(len(p.phone_numbers) for p in lookups),
            )
        )
    for e164, declared in sorted(desired.caller_ids.items()):
        out.append(
            ResourceInfo(
                Resource(Kind.CALLER_ID, e164),
                location=declared.source,
                title=declared.friendly_name,
            )
        )

    bp_names = _business_profile_names(desired, live)
    for name, products in sorted(by_name.items()):
        if name in desired.cnam_profiles:
            continue
        for product in products:
            owner = live.business_profile_of(product)
            out.append(
                ResourceInfo(
                    Resource(Kind.CNAM_PRODUCT, product.sid),
                    declared=False,
                    business_profile=bp_names.get(owner.sid) if owner else None,
                    title=product.friendly_name,
                    numbers=len(product.number_assignments),
                    products=(_state(product, live),),
                )
            )
    for caller in sorted(live.caller_ids.values(), key=lambda c: (c.phone_number, c.sid)):
        if caller.phone_number not in desired.caller_ids:
            out.append(
                ResourceInfo(
                    Resource(Kind.CALLER_ID, caller.phone_number),
                    declared=False,
                    title=caller.friendly_name,
                )
            )
    return PlanContext(out, existing_of(live), desired.prune, unmanaged_numbers(desired, live))


def unmanaged_numbers(desired: ManifestSet, live: Snapshot) -> list[UnmanagedNumber]:
    """Numbers of the account that no manifest mentions (as a BusinessProfile or
    CnamProfile number, or as an OutgoingCallerId)."""
    mentioned = set(desired.caller_ids)
    for profile in desired.business_profiles.values():
        mentioned.update(profile.phone_numbers)
    for cnam in desired.cnam_profiles.values():
        mentioned.update(cnam.phone_numbers)
    branded = {pn for p in live.trust_products.values() for pn in p.number_assignments}
    return [
        UnmanagedNumber(n.phone_number, n.sid, n.sid in branded)
        for n in sorted(live.numbers.values(), key=lambda n: (n.phone_number, n.sid))
        if n.phone_number not in mentioned
    ]


def _state(product: LiveTrustProduct, live: Snapshot) -> ProductState:
    user = live.end_user_of(product)
    return ProductState(
        sid=product.sid,
        friendly_name=product.friendly_name,
        status=product.status,
        display_name=user.cnam_display_name if user else None,
        numbers=len(product.number_assignments),
        error_codes=tuple(product.error_codes()),
        since=product.date_updated,
    )


def _live_title(bp: BusinessProfile, live: Snapshot) -> str | None:
    found = live.business_profiles.get(bp.sid or "")
    return found.friendly_name if found else None


def _business_profile_names(desired: ManifestSet, live: Snapshot) -> dict[str, str]:
    """Live business profile SID -> the name of the manifest that declares it."""
    out: dict[str, str] = {}
    for name, bp in desired.business_profiles.items():
        for profile in live.business_profiles.values():
            if profile.sid == bp.sid or (not bp.sid and profile.friendly_name == bp.friendly_name):
                out.setdefault(profile.sid, name)
    return out
