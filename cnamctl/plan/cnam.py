"""Diff one CnamProfile against the live CNAM trust products of the same name.

A CnamProfile owns every CNAM-policy trust product whose friendly name is the
profile's ``name``. Usually that is one product; during a display-name change on
an approved product it is two: the approved one that keeps the numbers branded,
and its replacement in review. This module decides, per profile:

* which product the numbers belong on now (``NumberHome``);
* what to create, update, assign and submit;
* which other products of its name to empty and delete: those a replacement left
  behind once it is approved, and duplicates (two applies at once can each create
  one); a product under review is deleted only once its review ends;
* what to report (review state, rejections mapped to manifest lines).

Twilio forbids editing a product that is pending-review, in-review or approved
(60711): such a product is never edited, only reported or replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnamctl import CNAM_POLICY_SID
from cnamctl.live.model import LiveBusinessProfile, LiveTrustProduct, Snapshot
from cnamctl.manifest.model import CnamProfile
from cnamctl.plan import addresses as addr
from cnamctl.plan.builder import PlanBuilder
from cnamctl.plan.model import Action, NoticeLevel, ref
from cnamctl.plan.review import (
    APPROVED,
    EDITABLE,
    REJECTED,
    REVIEW_COST,
    UNDER_REVIEW,
    describe_code,
    field_of_code,
)

END_USER_TYPE = "cnam_information"


@dataclass
class NumberHome:
    """Where a profile's numbers belong after this plan."""

    profile: CnamProfile
    product: str  # SID, or "@address" of a product this plan creates
    live: LiveTrustProduct | None  # None when created by this plan
    waiting_for: str | None = None  # review status that keeps numbers from moving now
    superseded: list[LiveTrustProduct] = field(default_factory=list)  # emptied, then deleted


def shown_name(product: LiveTrustProduct, live: Snapshot) -> str | None:
    user = live.end_user_of(product)
    return user.cnam_display_name if user else None


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


def plan_profile(
    profile: CnamProfile,
    products: list[LiveTrustProduct],
    business_profile: LiveBusinessProfile,
    live: Snapshot,
    out: PlanBuilder,
) -> NumberHome:
    base = addr.cnam(profile.name)
    wanted = profile.display_name
    ranked = sorted(products, key=_rank)
    approved = [p for p in ranked if p.status == APPROVED]
    current = [p for p in approved if shown_name(p, live) == wanted]

    if not products:
        product = _create(profile, base, business_profile, out, reason="declared, not in Twilio")
        return NumberHome(profile, product, None)

    if current:
        holder = current[0]
        _check_business_profile(profile, holder, business_profile, live, out)
        _update_email(profile, holder, base, out)
        superseded = _supersede(profile, ranked, {holder.sid}, out)
        return NumberHome(profile, holder.sid, holder, superseded=superseded)

    if approved:
        return _replace(profile, approved[0], ranked, business_profile, live, out)

    target = _pick(ranked, wanted, live)
    superseded = _supersede(profile, ranked, {target.sid}, out)
    home = _edit(profile, target, base, business_profile, live, out)
    return NumberHome(
        profile,
        target.sid,
        target,
        waiting_for=home if home in UNDER_REVIEW else None,
        superseded=superseded,
    )


def _supersede(
    profile: CnamProfile, ranked: list[LiveTrustProduct], keep: set[str], out: PlanBuilder
) -> list[LiveTrustProduct]:
    """The products of the profile's name it does not keep (left by a replacement,
    or duplicates made by two applies at once): emptied and deleted now, except
    those under review, which nothing may touch (60711) until their review ends."""
    extra = [p for p in ranked if p.sid not in keep]
    for p in extra:
        if p.status in UNDER_REVIEW:
            _warn_other(
                profile,
                p,
                f"another CNAM product named {profile.name!r} ({p.sid}) is {p.status}; it is "
                "deleted once its review ends",
                out,
            )
    return [p for p in extra if p.status not in UNDER_REVIEW]


def _pick(ranked: list[LiveTrustProduct], wanted: str, live: Snapshot) -> LiveTrustProduct:
    """The product to carry on with: one already showing the wanted name, else an
    editable one, else the first."""
    for p in ranked:
        if shown_name(p, live) == wanted:
            return p
    for p in ranked:
        if p.status in EDITABLE:
            return p
    return ranked[0]


def _replace(
    profile: CnamProfile,
    holder: LiveTrustProduct,
    ranked: list[LiveTrustProduct],
    business_profile: LiveBusinessProfile,
    live: Snapshot,
    out: PlanBuilder,
) -> NumberHome:
    """An approved product shows an old name: numbers stay on it while a replacement
    with the new name goes through review."""
    base = addr.replacement(profile.name)
    old_name = shown_name(holder, live)
    # an approved product cannot be edited (60711), so it is never the replacement
    candidates = [p for p in ranked if p is not holder and p.status != APPROVED]
    candidate = _pick(candidates, profile.display_name, live) if candidates else None
    _update_email(profile, holder, addr.cnam(profile.name), out)
    keep = {holder.sid} | ({candidate.sid} if candidate else set())
    superseded = _supersede(profile, ranked, keep, out)
    if candidate is None:
        _create(
            profile,
            base,
            business_profile,
            out,
            reason=f"display name {old_name!r} -> {profile.display_name!r} on an approved "
            "product needs a re-vetted replacement",
        )
        state = "is created and submitted now"
    else:
        status = _edit(profile, candidate, base, business_profile, live, out)
        state = f"is {candidate.sid} ({status})"
    out.notice(
        addr.cnam(profile.name),
        NoticeLevel.WARNING,
        f"display name change {old_name!r} -> {profile.display_name!r}: an approved product "
        f"cannot be edited (Twilio 60711), so it is replaced, at the cost of {REVIEW_COST}. "
        f"The replacement {state}; numbers stay branded {old_name!r} on {holder.sid} until "
        "it is approved, then a later plan moves them and deletes the old product.",
        location=profile.loc("displayName"),
        status=holder.status,
    )
    return NumberHome(profile, holder.sid, holder, superseded=superseded)


def _create(
    profile: CnamProfile,
    base: str,
    business_profile: LiveBusinessProfile,
    out: PlanBuilder,
    *,
    reason: str,
) -> str:
    user = out.add(
        addr.end_user(base),
        Action.CREATE_END_USER,
        params={
            "friendly_name": profile.name,
            "type": END_USER_TYPE,
            "attributes": {"cnam_display_name": profile.display_name},
        },
        after={"cnam_display_name": profile.display_name},
        reason="the display name lives in a cnam_information end user",
        location=profile.loc("displayName"),
    )
    out.add(
        base,
        Action.CREATE_TRUST_PRODUCT,
        params={
            "friendly_name": profile.name,
            "email": profile.email,
            "policy_sid": CNAM_POLICY_SID,
        },
        after={"friendly_name": profile.name, "email": profile.email, "policy": "CNAM"},
        reason=reason,
        location=profile.source,
    )
    _assign_entities(profile, base, ref(base), business_profile, user_ref=ref(user), out=out)
    _submit(profile, base, ref(base), None, out, reason="new product")
    return ref(base)


def _edit(
    profile: CnamProfile,
    product: LiveTrustProduct,
    base: str,
    business_profile: LiveBusinessProfile,
    live: Snapshot,
    out: PlanBuilder,
) -> str:
    """Bring an existing product in line where Twilio allows it; returns its status."""
    wanted = profile.display_name
    user = live.end_user_of(product)
    shown = user.cnam_display_name if user else None
    if product.status in UNDER_REVIEW:
        if shown != wanted:
            out.notice(
                base,
                NoticeLevel.WARNING,
                f"display name change {shown!r} -> {wanted!r} waits: {product.sid} is "
                f"{product.status} (Twilio 60711 forbids edits during review); plan again "
                "after the review",
                location=profile.loc("displayName"),
                status=product.status,
            )
        else:
            out.notice(
                base,
                NoticeLevel.INFO,
                f"{product.sid} is {product.status}; not re-submitted",
                location=profile.source,
                status=product.status,
            )
        return product.status

    _check_business_profile(profile, product, business_profile, live, out)
    edited = False
    if user is None:
        user_address = out.add(
            addr.end_user(base),
            Action.CREATE_END_USER,
            params={
                "friendly_name": profile.name,
                "type": END_USER_TYPE,
                "attributes": {"cnam_display_name": wanted},
            },
            after={"cnam_display_name": wanted},
            reason="the product has no cnam_information end user",
            location=profile.loc("displayName"),
        )
        _assign_entities(
            profile, base, product.sid, business_profile, ref(user_address), out, product
        )
        edited = True
    else:
        if shown != wanted:
            out.add(
                addr.end_user(base),
                Action.UPDATE_END_USER,
                params={
                    "end_user": user.sid,
                    "attributes": {**user.attributes, "cnam_display_name": wanted},
                    "trust_product": product.sid,
                },
                before={"cnam_display_name": shown},
                after={"cnam_display_name": wanted},
                reason=f"{product.status} product: the end user is updated in place",
                location=profile.loc("displayName"),
            )
            edited = True
        edited |= _assign_entities(profile, base, product.sid, business_profile, None, out, product)
    edited |= _update_email(profile, product, base, out)

    if product.status == REJECTED and not edited:
        _report_rejection(profile, product, base, out)
    else:
        why = (
            "draft: not yet submitted" if product.status != REJECTED else "rejected product changed"
        )
        _submit(profile, base, product.sid, product.status, out, reason=why)
    return product.status


def _assign_entities(
    profile: CnamProfile,
    base: str,
    product: str,
    business_profile: LiveBusinessProfile,
    user_ref: str | None,
    out: PlanBuilder,
    live_product: LiveTrustProduct | None = None,
) -> bool:
    assigned = live_product.entity_assignments if live_product else {}
    added = False
    if business_profile.sid not in assigned:
        out.add(
            addr.entity(base, "business-profile"),
            Action.ASSIGN_ENTITY,
            params={"trust_product": product, "object": business_profile.sid},
            after=business_profile.friendly_name,
            reason="a CNAM product needs its approved business profile",
            location=profile.loc("businessProfile"),
        )
        added = True
    if user_ref is not None:
        out.add(
            addr.entity(base, "end-user"),
            Action.ASSIGN_ENTITY,
            params={"trust_product": product, "object": user_ref},
            after={"cnam_display_name": profile.display_name},
            reason="a CNAM product needs its cnam_information end user",
            location=profile.loc("displayName"),
        )
        added = True
    return added


def _update_email(
    profile: CnamProfile, product: LiveTrustProduct, base: str, out: PlanBuilder
) -> bool:
    if product.email == profile.email:
        return False
    if product.status not in EDITABLE:
        out.notice(
            base,
            NoticeLevel.WARNING,
            f"email {product.email!r} -> {profile.email!r} waits: {product.sid} is "
            f"{product.status} and Twilio does not allow editing it (60711); the email "
            "changes with the product's next replacement",
            location=profile.loc("email"),
            status=product.status,
        )
        return False
    out.add(
        base,
        Action.UPDATE_TRUST_PRODUCT,
        params={"trust_product": product.sid, "email": profile.email},
        before={"email": product.email},
        after={"email": profile.email},
        reason="status-update email differs",
        location=profile.loc("email"),
    )
    return True


def _submit(
    profile: CnamProfile,
    base: str,
    product: str,
    status: str | None,
    out: PlanBuilder,
    *,
    reason: str,
) -> None:
    out.add(
        addr.submit(base),
        Action.SUBMIT_FOR_REVIEW,
        params={"trust_product": product},
        before=status,
        after="pending-review",
        reason=f"{reason}; evaluated first, submitted only if compliant",
        location=profile.source,
    )


def _report_rejection(
    profile: CnamProfile, product: LiveTrustProduct, base: str, out: PlanBuilder
) -> None:
    codes = tuple(product.error_codes())
    fields = {field_of_code(c) for c in codes}
    field = next((f for f in sorted(fields, key=str) if f), None)
    described = ", ".join(describe_code(c) for c in codes) or "no error code given"
    out.notice(
        base,
        NoticeLevel.ERROR,
        f"{product.sid} was rejected by Twilio: {described}. Fix the manifest; a changed "
        "profile is re-submitted by the next apply",
        location=profile.loc(field) if field else profile.source,
        status=product.status,
        error_codes=codes,
    )


def _check_business_profile(
    profile: CnamProfile,
    product: LiveTrustProduct,
    business_profile: LiveBusinessProfile,
    live: Snapshot,
    out: PlanBuilder,
) -> None:
    other = live.business_profile_of(product)
    if other is not None and other.sid != business_profile.sid:
        out.problem(
            profile.loc("businessProfile"),
            f"CNAM product {product.sid} ({profile.name!r}) belongs to business profile "
            f"{other.friendly_name!r} ({other.sid}), not {business_profile.friendly_name!r}; "
            "Twilio cannot move a product between business profiles: delete it in the "
            "Console and cnamctl will create a new one",
        )


def _warn_other(
    profile: CnamProfile, product: LiveTrustProduct, message: str, out: PlanBuilder
) -> None:
    """A warning about a product of the profile other than the one it uses now."""
    out.notice(
        addr.other_product(profile.name, product.sid),
        NoticeLevel.WARNING,
        message,
        location=profile.source,
        status=product.status,
    )
