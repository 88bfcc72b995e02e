"""Diff one declared trust profile against the live products of its policy and name.

One reconciler for every policy of ``cnamctl.policies``: CNAM, SHAKEN/STIR and
Voice Integrity differ only in their ``ProductSpec`` (the end user, if any, and
which manifest fields set its attributes; the words for what the review checks).

A profile owns every product of its policy whose friendly name is the profile's
``name`` (docs/ownership.md). Usually that is one product; while an approved
product's end user must change (a new display name, new Voice Integrity
information) it is two: the approved one that keeps the numbers, and its
replacement in review. This module decides, per profile:

* which product the numbers belong on now (``NumberHome``);
* what to create, update, assign and submit;
* which other products of its name to empty and delete: those a replacement left
  behind once it is approved, and duplicates (two applies at once can each create
  one); a product under review is deleted only once its review ends;
* what to report (review state, rejections mapped to manifest lines).

Twilio forbids editing a product that is pending-review, in-review or approved
(60711): such a product is never edited, only reported or replaced. A policy
without an end user (SHAKEN/STIR) has nothing that needs a replacement: its
approved product stays, and only its numbers change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cnamctl.live.model import LiveBusinessProfile, LiveEndUser, LiveTrustProduct, Snapshot
from cnamctl.manifest.model import TrustProfile
from cnamctl.plan import addresses as addr
from cnamctl.plan.attributes import (
    declared_attributes,
    describe_change,
    shown_attributes,
    shows,
)
from cnamctl.plan.builder import PlanBuilder
from cnamctl.plan.model import Action, NoticeLevel, ref
from cnamctl.plan.review import APPROVED, EDITABLE, REJECTED, UNDER_REVIEW
from cnamctl.policies import ProductSpec


@dataclass
class NumberHome:
    """Where a profile's numbers belong after this plan."""

    spec: ProductSpec
    profile: TrustProfile
    product: str  # SID, or "@address" of a product this plan creates
    live: LiveTrustProduct | None  # None when created by this plan
    waiting_for: str | None = None  # review status that keeps numbers from moving now
    superseded: list[LiveTrustProduct] = field(default_factory=list)  # emptied, then deleted


def _rank(product: LiveTrustProduct) -> tuple[bool, int, str, str]:
    """Which of several products of one name a profile keeps: approved first, then
    the one holding most numbers, then the oldest, then the lowest SID. Apply's
    duplicate check after a create uses the same rule (oldest, then lowest SID)."""
    return (
        product.status != APPROVED,
        -len(product.number_assignments),
        product.date_created or "",
        product.sid,
    )


# --- the diff ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Profile:
    """One profile being planned: what it is, what it declares, where it is written."""

    spec: ProductSpec
    profile: TrustProfile
    business_profile: LiveBusinessProfile
    live: Snapshot
    out: PlanBuilder

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def base(self) -> addr.Address:
        return addr.product(self.spec, self.name)

    @property
    def wanted(self) -> dict[str, Any]:
        return declared_attributes(self.spec, self.profile)

    def content_location(self) -> Any:
        """The manifest line of the end user's content (a CNAM display name)."""
        if self.spec.end_user is None:
            return self.profile.source
        return self.profile.loc(self.spec.end_user.attributes[0].field)

    def shows(self, product: LiveTrustProduct) -> bool:
        return shows(self.spec, self.live.end_user_of(product), self.wanted)


def plan_product(
    spec: ProductSpec,
    profile: TrustProfile,
    products: list[LiveTrustProduct],
    business_profile: LiveBusinessProfile,
    live: Snapshot,
    out: PlanBuilder,
) -> NumberHome:
    """Plan one declared profile; ``products`` are the live products of its policy
    and name."""
    p = _Profile(spec, profile, business_profile, live, out)
    ranked = sorted(products, key=_rank)
    approved = [x for x in ranked if x.status == APPROVED]
    current = [x for x in approved if p.shows(x)]

    if not products:
        product = _create(p, p.base, reason="declared, not in Twilio")
        return NumberHome(spec, profile, product, None)

    if current:
        holder = current[0]
        _check_business_profile(p, holder)
        _update_email(p, holder, p.base)
        superseded = _supersede(p, ranked, {holder.sid})
        return NumberHome(spec, profile, holder.sid, holder, superseded=superseded)

    if approved:
        return _replace(p, approved[0], ranked)

    target = _pick(p, ranked)
    superseded = _supersede(p, ranked, {target.sid})
    status = _edit(p, target, p.base)
    return NumberHome(
        spec,
        profile,
        target.sid,
        target,
        waiting_for=status if status in UNDER_REVIEW else None,
        superseded=superseded,
    )


def _supersede(
    p: _Profile, ranked: list[LiveTrustProduct], keep: set[str]
) -> list[LiveTrustProduct]:
    """The products of the profile's name it does not keep (left by a replacement,
    or duplicates made by two applies at once): emptied and deleted now, except
    those under review, which nothing may touch (60711) until their review ends."""
    extra = [x for x in ranked if x.sid not in keep]
    for x in extra:
        if x.status in UNDER_REVIEW:
            p.out.notice(
                addr.other_product(p.name, x.sid, p.spec),
                NoticeLevel.WARNING,
                f"another {p.spec.label} product named {p.name!r} ({x.sid}) is {x.status}; "
                "it is deleted once its review ends",
                location=p.profile.source,
                status=x.status,
            )
    return [x for x in extra if x.status not in UNDER_REVIEW]


def _pick(p: _Profile, ranked: list[LiveTrustProduct]) -> LiveTrustProduct:
    """The product to carry on with: one already showing what is declared, else an
    editable one, else the first."""
    for x in ranked:
        if p.shows(x):
            return x
    for x in ranked:
        if x.status in EDITABLE:
            return x
    return ranked[0]


def _replace(p: _Profile, holder: LiveTrustProduct, ranked: list[LiveTrustProduct]) -> NumberHome:
    """An approved product's end user shows something else: numbers stay on it while
    a replacement with the declared content goes through review."""
    assert p.spec.end_user is not None  # without an end user every approved product shows it
    base = addr.replacement(p.name, p.spec)
    shown = shown_attributes(p.live.end_user_of(holder), p.wanted)
    change = describe_change(p.spec, shown, p.wanted)
    # an approved product cannot be edited (60711), so it is never the replacement
    candidates = [x for x in ranked if x is not holder and x.status != APPROVED]
    candidate = _pick(p, candidates) if candidates else None
    _update_email(p, holder, p.base)
    keep = {holder.sid} | ({candidate.sid} if candidate else set())
    superseded = _supersede(p, ranked, keep)
    noun = p.spec.end_user.noun
    if candidate is None:
        _create(
            p, base, reason=f"{noun} {change} on an approved product needs a re-vetted replacement"
        )
        state = "is created and submitted now"
    else:
        status = _edit(p, candidate, base)
        state = f"is {candidate.sid} ({status})"
    single = len(p.spec.end_user.attributes) == 1
    held = f"{p.spec.held} {next(iter(shown.values()))!r}" if single else p.spec.held
    p.out.notice(
        p.base,
        NoticeLevel.WARNING,
        f"{noun} change {change}: an approved product cannot be edited (Twilio 60711), "
        f"so it is replaced, at the cost of {p.spec.review_cost}. The replacement {state}; "
        f"numbers stay {held} on {holder.sid} until it is approved, then a later plan moves "
        "them and deletes the old product.",
        location=p.content_location(),
        status=holder.status,
    )
    return NumberHome(p.spec, p.profile, holder.sid, holder, superseded=superseded)


def _end_user_change(p: _Profile, base: str, *, reason: str) -> str:
    """The change creating the profile's end user (with what it declares)."""
    assert p.spec.end_user is not None
    return p.out.add(
        addr.end_user(base),
        Action.CREATE_END_USER,
        params={
            "friendly_name": p.name,
            "type": p.spec.end_user.type,
            "attributes": p.wanted,
        },
        after=p.wanted,
        reason=reason,
        location=p.content_location(),
    )


def _create(p: _Profile, base: str, *, reason: str) -> str:
    user = None
    if p.spec.end_user is not None:
        user = _end_user_change(
            p,
            base,
            reason=f"the {p.spec.end_user.noun} lives in a {p.spec.end_user.type} end user",
        )
    p.out.add(
        base,
        Action.CREATE_TRUST_PRODUCT,
        params={
            "friendly_name": p.name,
            "email": p.profile.email,
            "policy_sid": p.spec.policy_sid,
        },
        after={"friendly_name": p.name, "email": p.profile.email, "policy": p.spec.label},
        reason=reason,
        location=p.profile.source,
    )
    _assign_entities(p, base, ref(base), user_ref=ref(user) if user else None)
    _submit(p, base, ref(base), None, reason="new product")
    return ref(base)


def _edit(p: _Profile, product: LiveTrustProduct, base: str) -> str:
    """Bring an existing product in line where Twilio allows it; returns its status."""
    user = p.live.end_user_of(product)
    if product.status in UNDER_REVIEW:
        _report_review(p, product, base, user)
        return product.status

    _check_business_profile(p, product)
    edited = False
    end_user = p.spec.end_user
    if end_user is not None and user is None:
        made = _end_user_change(p, base, reason=f"the product has no {end_user.type} end user")
        _assign_entities(p, base, product.sid, ref(made), product)
        edited = True
    else:
        if end_user is not None and user is not None and not p.shows(product):
            wanted = p.wanted
            p.out.add(
                addr.end_user(base),
                Action.UPDATE_END_USER,
                params={
                    "end_user": user.sid,
                    "type": end_user.type,
                    "attributes": {**user.attributes, **wanted},
                    "trust_product": product.sid,
                },
                before=shown_attributes(user, wanted),
                after=wanted,
                reason=f"{product.status} product: the end user is updated in place",
                location=p.content_location(),
            )
            edited = True
        edited |= _assign_entities(p, base, product.sid, None, product)
    edited |= _update_email(p, product, base)

    if product.status == REJECTED and not edited:
        _report_rejection(p, product, base)
    else:
        why = (
            "draft: not yet submitted" if product.status != REJECTED else "rejected product changed"
        )
        _submit(p, base, product.sid, product.status, reason=why)
    return product.status


def _report_review(
    p: _Profile, product: LiveTrustProduct, base: str, user: LiveEndUser | None
) -> None:
    if p.spec.end_user is not None and not p.shows(product):
        change = describe_change(p.spec, shown_attributes(user, p.wanted), p.wanted)
        p.out.notice(
            base,
            NoticeLevel.WARNING,
            f"{p.spec.end_user.noun} change {change} waits: {product.sid} is "
            f"{product.status} (Twilio 60711 forbids edits during review); plan again "
            "after the review",
            location=p.content_location(),
            status=product.status,
        )
    else:
        p.out.notice(
            base,
            NoticeLevel.INFO,
            f"{product.sid} is {product.status}; not re-submitted",
            location=p.profile.source,
            status=product.status,
        )


def _assign_entities(
    p: _Profile,
    base: str,
    product: str,
    user_ref: str | None,
    live_product: LiveTrustProduct | None = None,
) -> bool:
    assigned = live_product.entity_assignments if live_product else {}
    added = False
    if p.business_profile.sid not in assigned:
        p.out.add(
            addr.entity(base, "business-profile"),
            Action.ASSIGN_ENTITY,
            params={"trust_product": product, "object": p.business_profile.sid},
            after=p.business_profile.friendly_name,
            reason=f"a {p.spec.label} product needs its approved business profile",
            location=p.profile.loc("businessProfile"),
        )
        added = True
    if user_ref is not None:
        assert p.spec.end_user is not None
        p.out.add(
            addr.entity(base, "end-user"),
            Action.ASSIGN_ENTITY,
            params={
                "trust_product": product,
                "object": user_ref,
                "end_user_type": p.spec.end_user.type,
            },
            after=p.wanted,
            reason=f"a {p.spec.label} product needs its {p.spec.end_user.type} end user",
            location=p.content_location(),
        )
        added = True
    return added


def _update_email(p: _Profile, product: LiveTrustProduct, base: str) -> bool:
    email = p.profile.email
    if product.email == email:
        return False
    if product.status not in EDITABLE:
        p.out.notice(
            base,
            NoticeLevel.WARNING,
            f"email {product.email!r} -> {email!r} waits: {product.sid} is "
            f"{product.status} and Twilio does not allow editing it (60711); the email "
            "changes with the product's next replacement",
            location=p.profile.loc("email"),
            status=product.status,
        )
        return False
    p.out.add(
        base,
        Action.UPDATE_TRUST_PRODUCT,
        params={"trust_product": product.sid, "email": email},
        before={"email": product.email},
        after={"email": email},
        reason="status-update email differs",
        location=p.profile.loc("email"),
    )
    return True


def _submit(p: _Profile, base: str, product: str, status: str | None, *, reason: str) -> None:
    p.out.add(
        addr.submit(base),
        Action.SUBMIT_FOR_REVIEW,
        params={
            "trust_product": product,
            "policy_sid": p.spec.policy_sid,
            "end_user_type": p.spec.end_user_type,
        },
        before=status,
        after="pending-review",
        reason=f"{reason}; evaluated first, submitted only if compliant",
        location=p.profile.source,
    )


def _report_rejection(p: _Profile, product: LiveTrustProduct, base: str) -> None:
    codes = tuple(product.error_codes())
    fields = {p.spec.field_of_code(c) for c in codes}
    found = next((f for f in sorted(fields, key=str) if f), None)
    described = ", ".join(p.spec.describe_code(c) for c in codes) or "no error code given"
    p.out.notice(
        base,
        NoticeLevel.ERROR,
        f"{product.sid} was rejected by Twilio: {described}. Fix the manifest; a changed "
        "profile is re-submitted by the next apply",
        location=p.profile.loc(found) if found else p.profile.source,
        status=product.status,
        error_codes=codes,
    )


def _check_business_profile(p: _Profile, product: LiveTrustProduct) -> None:
    other = p.live.business_profile_of(product)
    wanted = p.business_profile
    if other is not None and other.sid != wanted.sid:
        p.out.problem(
            p.profile.loc("businessProfile"),
            f"{p.spec.label} product {product.sid} ({p.name!r}) belongs to business profile "
            f"{other.friendly_name!r} ({other.sid}), not {wanted.friendly_name!r}; "
            "Twilio cannot move a product between business profiles: delete it in the "
            "Console and cnamctl will create a new one",
        )
