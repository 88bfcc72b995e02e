"""CNAM products no CnamProfile claims: listed, or deleted when pruning allows."""

from __future__ import annotations

from cnamctl.live.model import LiveTrustProduct
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan import addresses as addr
from cnamctl.plan.builder import PlanBuilder
from cnamctl.plan.model import Action, NoticeLevel
from cnamctl.plan.review import UNDER_REVIEW


def plan_unmanaged_products(
    desired: ManifestSet, unmanaged: list[LiveTrustProduct], out: PlanBuilder
) -> set[str]:
    """Returns the SIDs to be emptied and deleted."""
    deleted: set[str] = set()
    location = desired.settings.loc("prune.cnamProfiles") if desired.settings else None
    for product in sorted(unmanaged, key=lambda p: p.sid):
        address = addr.other_product(None, product.sid)
        numbers = len(product.number_assignments)
        if desired.prune.cnam_profiles and product.status not in UNDER_REVIEW:
            delete_product(product, address, "not declared (prune.cnamProfiles)", location, out)
            deleted.add(product.sid)
        else:
            why = (
                f"it is {product.status}"
                if desired.prune.cnam_profiles
                else "prune.cnamProfiles is off"
            )
            out.notice(
                address,
                NoticeLevel.INFO,
                f"unmanaged CNAM product {product.friendly_name!r} ({product.status}, "
                f"{numbers} number(s)) is left alone ({why})",
                status=product.status,
            )
    return deleted


def delete_product(
    product: LiveTrustProduct, address: str, reason: str, location: object, out: PlanBuilder
) -> None:
    out.add(
        address,
        Action.DELETE_TRUST_PRODUCT,
        params={"trust_product": product.sid},
        before={
            "friendly_name": product.friendly_name,
            "status": product.status,
            "numbers": len(product.number_assignments),
        },
        after=None,
        reason=reason,
        location=location,  # type: ignore[arg-type]
    )
