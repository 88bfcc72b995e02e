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
from cnamctl.manifest.rules import long_code_problem, us_number_problem
from cnamctl.plan.addresses import PRODUCT_KIND, PROFILE_KIND, Kind, Resource
from cnamctl.plan.attributes import declared_title, title_of
from cnamctl.plan.review import APPROVED
from cnamctl.policies import CNAM, DEFAULT_POLICIES, SPECS, US_LONG_CODE, US_NUMBER, ProductSpec


@dataclass(frozen=True)
class ProductState:
    """One live trust product, as the plan saw it (``display_name``: CNAM only)."""

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
    title: str | None = None  # what it shows: friendly name, CNAM display name, use case
    numbers: int = 0  # numbers declared (or, undeclared, numbers on it)
    products: tuple[ProductState, ...] = ()  # a trust profile's products of its name


@dataclass(frozen=True)
class Existing:
    """What the safety thresholds compare a plan's removals against."""

    products: int = 0  # trust products of the policies in scope (CNAM unless more)
    caller_ids: int = 0
    cnam_assignments: int = 0  # numbers assigned to those products
    kinds: tuple[str, ...] = (CNAM.label,)  # the labels of the policies counted


@dataclass(frozen=True)
class StackProduct:
    """One declared trust profile in a business profile's trust stack."""

    kind: str  # ProductSpec.key: cnam, shaken-stir, voice-integrity
    name: str  # the profile's manifest name
    title: str | None  # what it shows (a CNAM display name, a use case)
    status: str | None  # its live product's status; None: created by this plan
    numbers: tuple[str, ...]  # the numbers it declares, E.164, sorted


@dataclass(frozen=True)
class TrustStack:
    """A business profile's whole trust stack, as declared: its CNAM, SHAKEN/STIR and
    Voice Integrity profiles and which of its numbers each holds. Kept for business
    profiles with a SHAKEN/STIR or Voice Integrity profile (trusted calling in use)."""

    business_profile: str  # the BusinessProfile manifest's name
    numbers: tuple[str, ...]  # every number of the business profile, E.164, sorted
    products: tuple[StackProduct, ...]  # in the order of cnamctl.policies.SPECS, then name
    # per kind (ProductSpec.key), the numbers no product of it may take (toll-free: CNAM)
    ineligible: dict[str, tuple[str, ...]] = field(default_factory=dict)


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
    policies: tuple[str, ...] = DEFAULT_POLICIES  # the policies in scope (plan/scope.py)
    stacks: list[TrustStack] = field(default_factory=list)

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


def existing_of(live: Snapshot, policies: tuple[str, ...] = DEFAULT_POLICIES) -> Existing:
    """The counts of what exists, for the products of ``policies`` (those in scope)."""
    products = [p for policy in policies for p in live.products_of(policy)]
    specs = [s for s in SPECS if s.policy_sid in policies]
    return Existing(
        products=len(products),
        caller_ids=len(live.caller_ids),
        cnam_assignments=sum(len(p.number_assignments) for p in products),
        kinds=tuple(s.label for s in specs),
    )


def describe(
    desired: ManifestSet, live: Snapshot, scope: tuple[ProductSpec, ...] = (CNAM,)
) -> PlanContext:
    """Every declared object (in manifest order within each kind), the live products
    of the policies in scope and the caller IDs that no manifest declares, and the
    trust stack of each business profile that uses trusted calling."""
    out: list[ResourceInfo] = []
    by_name: dict[str, dict[str, list[LiveTrustProduct]]] = {}
    for spec in scope:
        named = by_name.setdefault(spec.key, {})
        for product in live.products_of(spec.policy_sid):
            named.setdefault(product.friendly_name, []).append(product)

    for name, bp in sorted(desired.business_profiles.items()):
        numbers = set(bp.phone_numbers)
        for profile in desired.trust_profiles():
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
    for spec in scope:
        for name, profile in sorted(desired.profiles(spec).items()):
            out.append(
                ResourceInfo(
                    Resource(PROFILE_KIND[spec.key], name),
                    location=profile.source,
                    business_profile=profile.business_profile,
                    title=declared_title(spec, profile),
                    numbers=len(profile.phone_numbers),
                    products=tuple(_state(p, live) for p in by_name[spec.key].get(name, [])),
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
    for spec in scope:
        profiles = desired.profiles(spec)
        for name, products in sorted(by_name[spec.key].items()):
            if name in profiles:
                continue
            for product in products:
                owner = live.business_profile_of(product)
                out.append(
                    ResourceInfo(
                        Resource(PRODUCT_KIND[spec.key], product.sid),
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
    policies = tuple(spec.policy_sid for spec in scope)
    return PlanContext(
        out,
        existing_of(live, policies),
        desired.prune,
        unmanaged_numbers(desired, live),
        policies,
        trust_stacks(desired, out),
    )


def trust_stacks(desired: ManifestSet, resources: list[ResourceInfo]) -> list[TrustStack]:
    """The trust stack of every business profile with a SHAKEN/STIR or Voice Integrity
    profile (``resources``: the ResourceInfos of the profiles, for their statuses)."""
    info = {r.resource: r for r in resources if r.declared}
    stacks = []
    for name, bp in sorted(desired.business_profiles.items()):
        mine = [p for p in desired.trust_profiles() if p.business_profile == name]
        if not any(p.kind != CNAM.kind for p in mine):
            continue
        numbers = set(bp.phone_numbers).union(*(p.phone_numbers for p in mine))
        products = []
        for spec in SPECS:
            for profile in (p for p in mine if p.kind == spec.kind):
                state = info.get(Resource(PROFILE_KIND[spec.key], profile.name))
                products.append(
                    StackProduct(
                        spec.key,
                        profile.name,
                        declared_title(spec, profile),
                        _status_of(state),
                        tuple(sorted(profile.phone_numbers)),
                    )
                )
        ineligible = {
            spec.key: tuple(n for n in sorted(numbers) if _ELIGIBLE[spec.numbers.eligible](n))
            for spec in SPECS
        }
        stacks.append(
            TrustStack(
                name,
                tuple(sorted(numbers)),
                tuple(products),
                {key: found for key, found in ineligible.items() if found},
            )
        )
    return stacks


# why a number may not join a product of a policy (None: it may), per NumberRule.eligible
_ELIGIBLE = {US_LONG_CODE: long_code_problem, US_NUMBER: us_number_problem}


def _status_of(info: ResourceInfo | None) -> str | None:
    """The status a profile's stack entry shows: its approved product's, else its
    first product's; None when it has none yet."""
    products = info.products if info else ()
    approved = [p for p in products if p.status == APPROVED]
    chosen = approved[0] if approved else (products[0] if products else None)
    return chosen.status if chosen else None


def unmanaged_numbers(desired: ManifestSet, live: Snapshot) -> list[UnmanagedNumber]:
    """Numbers of the account that no manifest mentions (as a BusinessProfile or trust
    profile number, or as an OutgoingCallerId); ``branded``: on a CNAM product."""
    mentioned = set(desired.caller_ids)
    for profile in desired.business_profiles.values():
        mentioned.update(profile.phone_numbers)
    for product in desired.trust_profiles():
        mentioned.update(product.phone_numbers)
    branded = {pn for p in live.products_of(CNAM.policy_sid) for pn in p.number_assignments}
    unmentioned = [n for n in live.numbers.values() if n.phone_number not in mentioned]
    return [
        UnmanagedNumber(n.phone_number, n.sid, n.sid in branded)
        for n in sorted(unmentioned, key=lambda n: (n.phone_number, n.sid))
    ]


def _state(product: LiveTrustProduct, live: Snapshot) -> ProductState:
    return ProductState(
        sid=product.sid,
        friendly_name=product.friendly_name,
        status=product.status,
        display_name=title_of(CNAM, product, live)
        if product.policy_sid == CNAM.policy_sid
        else None,
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
