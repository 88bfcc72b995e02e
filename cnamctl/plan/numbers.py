"""Number assignments: to business profiles, to trust products, and caller-name lookup.

* A trust profile's numbers (CnamProfile, ShakenStirProfile, VoiceIntegrityProfile)
  are implied members of its business profile; numbers are only ever added to
  business profiles, never removed (products cnamctl does not manage may depend
  on them).
* A number belongs to one product of a policy at a time (``NumberRule.exclusive``);
  the same number may be on one CNAM, one SHAKEN/STIR and one Voice Integrity
  product. One that must move is unassigned from where it is, then assigned where
  it belongs (apply orders the two by number).
* Numbers are unassigned from a managed product only when another profile of its
  kind claims them, when pruning (``prune.cnamNumbers`` and its kin) allows it, or
  when the product is being emptied for deletion. A number on a product no
  manifest manages is never taken from it (that is a problem to resolve, unless
  ``prune.cnamProfiles`` or its kin lets cnamctl delete the product).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from cnamctl.errors import Location
from cnamctl.live.model import LiveTrustProduct, Snapshot
from cnamctl.manifest.model import BusinessProfile, ManifestSet, TrustProfile
from cnamctl.plan import addresses as addr
from cnamctl.plan.attributes import declared_title
from cnamctl.plan.builder import PlanBuilder
from cnamctl.plan.model import Action, NoticeLevel, is_ref
from cnamctl.plan.resolve import Resolved
from cnamctl.plan.review import UNDER_REVIEW
from cnamctl.plan.trust_product import NumberHome
from cnamctl.policies import ProductSpec

_NONE: tuple[LiveTrustProduct, ...] = ()  # a number on no product


def plan_business_profile_numbers(
    desired: ManifestSet, resolved: Resolved, live: Snapshot, out: PlanBuilder
) -> None:
    owner_of = {pn: bp for bp in live.business_profiles.values() for pn in bp.number_assignments}
    each_on_one = len(owner_of) == sum(
        len(bp.number_assignments) for bp in live.business_profiles.values()
    )
    numbers = resolved.numbers
    for name, manifest in sorted(desired.business_profiles.items()):
        profile = resolved.business_profiles.get(name)
        if profile is None:
            continue
        # the numbers already on this profile (when no number is on two profiles, a
        # number is on this one exactly when it is among its assignments)
        held = live.business_profiles.get(profile.sid) if each_on_one else None
        mine = held.number_assignments if held is not None else {}
        settled = 0
        for e164, where, index in _numbers_of_business_profile(desired, manifest):
            number = numbers.get(e164)
            if number is None:
                continue
            if number.sid in mine:
                settled += 1
                continue
            owner = owner_of.get(number.sid)
            if owner is not None and owner.sid == profile.sid:
                settled += 1
                continue
            location = where.loc(f"phoneNumbers.{index}")  # only when reported: it costs
            if owner is not None:
                out.problem(
                    location,
                    f"{e164} is assigned to business profile {owner.friendly_name!r} "
                    f"({owner.sid}), not {profile.friendly_name!r}; cnamctl never removes "
                    "numbers from a business profile: move it in the Console",
                )
            else:
                out.add(
                    addr.business_profile_number(name, e164),
                    Action.ASSIGN_BUSINESS_PROFILE_NUMBER,
                    params={
                        "business_profile": profile.sid,
                        "number": number.sid,
                        "phone_number": e164,
                    },
                    after=profile.friendly_name,
                    reason="declared on the business profile"
                    if isinstance(where, BusinessProfile)
                    else "a trust product's numbers must first belong to its business profile",
                    location=location,
                )
        out.ok(settled)


def _numbers_of_business_profile(
    desired: ManifestSet, manifest: BusinessProfile
) -> Iterable[tuple[str, BusinessProfile | TrustProfile, int]]:
    seen: set[str] = set()
    sources: list[BusinessProfile | TrustProfile] = [manifest]
    sources += [c for c in desired.trust_profiles() if c.business_profile == manifest.name]
    for source in sources:
        for index, e164 in enumerate(source.phone_numbers):
            if e164 not in seen:
                seen.add(e164)
                yield e164, source, index


def plan_product_numbers(
    spec: ProductSpec,
    desired: ManifestSet,
    homes: dict[str, NumberHome],
    resolved: Resolved,
    live: Snapshot,
    released: set[str],
    out: PlanBuilder,
) -> None:
    """The numbers of ``spec``'s policy: ``homes`` are its declared profiles' homes,
    ``released`` the SIDs of its products being emptied for deletion."""
    base_of = _product_addresses(spec, desired, homes, live, released)
    assign, unassign = Action(spec.assign_action), Action(spec.unassign_action)
    holdings = _Holdings(live.products_of(spec.policy_sid))

    declared: set[str] = set()
    found: set[str] = set()  # the SIDs of the declared numbers found on the account
    numbers = resolved.numbers
    for name, home in sorted(homes.items()):
        # what every assignment to this home says, the same for each of its numbers
        product_address = addr.product(spec, name)
        after = _product_label(name, None if is_ref(home.product) else home.product)
        title = repr(declared_title(spec, home.profile))
        alone = holdings.held_alone_by(home.product)
        declared.update(home.profile.phone_numbers)
        settled = 0
        for index, e164 in enumerate(home.profile.phone_numbers):
            number = numbers.get(e164)
            if number is None:
                continue
            found.add(number.sid)
            if number.sid in alone:
                settled += 1  # where it belongs, and only there: most numbers, most runs
                continue
            holders = holdings.of(number.sid)
            elsewhere = [p for p in holders if p.sid != home.product]
            location = home.profile.loc(f"phoneNumbers.{index}")
            here = addr.product_number(product_address, e164)
            unmanaged = [p for p in elsewhere if p.sid not in base_of]
            for other in unmanaged:  # a problem whatever the review state: say it now
                out.problem(
                    location,
                    f"{e164} is {spec.held} by {spec.label} product {other.friendly_name!r} "
                    f"({other.sid}), which no manifest manages; declare that product, "
                    f"remove the number from it, or set prune.{spec.prune_products}",
                )
            if unmanaged:
                continue
            if home.waiting_for:
                out.notice(
                    here,
                    NoticeLevel.INFO,
                    f"{e164} is assigned once the product leaves {home.waiting_for}",
                    location=location,
                    status=home.waiting_for,
                )
                continue
            blocked = False
            for other in elsewhere:
                base = base_of[other.sid]
                if other.status in UNDER_REVIEW:
                    out.notice(
                        here,
                        NoticeLevel.INFO,
                        f"{e164} moves here once {other.sid} ({other.friendly_name!r}) "
                        f"leaves {other.status}",
                        location=location,
                        status=other.status,
                    )
                    blocked = True
                else:
                    _unassign(
                        unassign, other, base, number.sid, e164, out, location, f"moves to {name!r}"
                    )
            if blocked:
                continue
            out.add(
                here,
                assign,
                params={"trust_product": home.product, "number": number.sid, "phone_number": e164},
                before=", ".join(_product_label(p.friendly_name, p.sid) for p in elsewhere) or None,
                after=after,
                reason=spec.gives.format(number=e164, title=title),
                location=location,
            )
        out.ok(settled)

    _undeclared(spec, desired, homes, declared, found, live, out)
    for sid in sorted(released):
        product = live.trust_products[sid]
        for pn in sorted(product.number_assignments):
            number = live.numbers.get(pn)
            e164 = number.phone_number if number else pn
            _unassign(
                unassign, product, base_of[sid], pn, e164, out, None, "the product is deleted"
            )


class _Holdings:
    """Which products of one policy hold each number (by PN SID), built for the usual
    account: every number on at most one product, found with set operations."""

    def __init__(self, products: list[LiveTrustProduct]) -> None:
        self._by_sid = {p.sid: p for p in products}
        self._holder = {pn: p for p in products for pn in p.number_assignments}
        self._several: dict[str, list[LiveTrustProduct]] = {}
        if len(self._holder) < sum(len(p.number_assignments) for p in products):
            for p in products:  # some number is on two products: list them in order
                for pn in p.number_assignments:
                    self._several.setdefault(pn, []).append(p)
            self._several = {pn: ps for pn, ps in self._several.items() if len(ps) > 1}

    def of(self, pn: str) -> list[LiveTrustProduct] | tuple[LiveTrustProduct, ...]:
        """The products holding ``pn``, by SID."""
        several = self._several.get(pn)
        if several is not None:
            return several
        holder = self._holder.get(pn)
        return _NONE if holder is None else (holder,)

    def held_alone_by(self, sid: str) -> AbstractSet[str]:
        """The numbers that product ``sid`` of the policy holds and no other does."""
        product = self._by_sid.get(sid)
        if product is None:
            return frozenset()
        held = product.number_assignments.keys()
        return held - self._several.keys() if self._several else held


def _product_label(name: str, sid: str | None) -> str:
    """A product as people tell them apart: the name, and the SID when there is one
    (a profile's old and new products share the name during a replacement)."""
    return f"{name} ({sid})" if sid else name


def _product_addresses(
    spec: ProductSpec,
    desired: ManifestSet,
    homes: dict[str, NumberHome],
    live: Snapshot,
    released: set[str],
) -> dict[str, str]:
    """SID -> address prefix of every live product (of ``spec``'s policy) whose numbers
    cnamctl may take away."""
    out: dict[str, str] = {}
    declared = desired.profiles(spec)
    for product in live.products_of(spec.policy_sid):
        if product.friendly_name in declared:
            out[product.sid] = addr.other_product(product.friendly_name, product.sid, spec)
        elif product.sid in released:
            out[product.sid] = addr.other_product(None, product.sid, spec)
    for name, home in homes.items():
        if home.live is not None:
            out[home.live.sid] = addr.product(spec, name)
    return out


def _undeclared(
    spec: ProductSpec,
    desired: ManifestSet,
    homes: dict[str, NumberHome],
    declared: set[str],
    found: set[str],
    live: Snapshot,
    out: PlanBuilder,
) -> None:
    """Numbers on a profile's product that no profile of its kind declares
    (``found``: SIDs of declared numbers, on the account, so never among them)."""
    for name, home in sorted(homes.items()):
        product = home.live
        if product is None:
            continue
        stray = sorted(
            (live.numbers[pn].phone_number if pn in live.numbers else pn, pn)
            for pn in product.number_assignments.keys() - found
            if pn not in live.numbers or live.numbers[pn].phone_number not in declared
        )
        if not stray:
            continue
        if desired.prune.numbers(spec) and product.status not in UNDER_REVIEW:
            for e164, pn in stray:
                _unassign(
                    Action(spec.unassign_action),
                    product,
                    addr.product(spec, name),
                    pn,
                    e164,
                    out,
                    home.profile.loc("phoneNumbers"),
                    f"not declared (prune.{spec.prune_numbers})",
                )
        else:
            listed = ", ".join(e164 for e164, _ in stray[:5]) + (" ..." if len(stray) > 5 else "")
            out.notice(
                addr.product(spec, name),
                NoticeLevel.INFO,
                f"{len(stray)} number(s) on {product.sid} are not declared and stay assigned "
                f"(prune.{spec.prune_numbers} is off): {listed}",
                location=home.profile.loc("phoneNumbers"),
            )


def _unassign(
    action: Action,
    product: LiveTrustProduct,
    base: str,
    pn: str,
    e164: str,
    out: PlanBuilder,
    location: Location | None,
    reason: str,
) -> None:
    out.add(
        addr.product_number(base, e164),
        action,
        params={
            "trust_product": product.sid,
            "assignment": product.number_assignments[pn],
            "number": pn,
            "phone_number": e164,
        },
        before=product.friendly_name,
        after=None,
        reason=reason,
        location=location,
    )


def plan_caller_name_lookup(desired: ManifestSet, resolved: Resolved, out: PlanBuilder) -> None:
    for _, profile in sorted(desired.cnam_profiles.items()):
        if profile.caller_name_lookup is None:
            continue
        for e164 in profile.phone_numbers:
            number = resolved.numbers.get(e164)
            if number is None:
                continue
            if number.voice_caller_id_lookup == profile.caller_name_lookup:
                out.ok()
                continue
            out.add(
                addr.caller_name_lookup(e164),
                Action.SET_CALLER_NAME_LOOKUP,
                params={
                    "number": number.sid,
                    "phone_number": e164,
                    "enabled": profile.caller_name_lookup,
                },
                before=number.voice_caller_id_lookup,
                after=profile.caller_name_lookup,
                reason="callerNameLookup (VoiceCallerIdLookup)",
                location=profile.loc("callerNameLookup"),
            )
