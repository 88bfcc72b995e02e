"""Products of a managed policy that no profile claims: listed, or deleted when pruning allows."""

from __future__ import annotations

from cnamctl.errors import Location
from cnamctl.live.model import LiveTrustProduct
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan import addresses as addr
from cnamctl.plan.builder import PlanBuilder
from cnamctl.plan.model import Action, NoticeLevel
from cnamctl.plan.review import UNDER_REVIEW
from cnamctl.policies import ProductSpec


def plan_unmanaged_products(
    spec: ProductSpec, desired: ManifestSet, unmanaged: list[LiveTrustProduct], out: PlanBuilder
) -> set[str]:
    """Returns the SIDs to be emptied and deleted."""
    deleted: set[str] = set()
    setting = f"prune.{spec.prune_products}"
    location = desired.settings.loc(setting) if desired.settings else None
    prune = desired.prune.products(spec)
    for product in sorted(unmanaged, key=lambda p: p.sid):
        address = addr.other_product(None, product.sid, spec)
        numbers = len(product.number_assignments)
        if prune and product.status not in UNDER_REVIEW:
            delete_product(spec, product, address, f"not declared ({setting})", location, out)
            deleted.add(product.sid)
        else:
            why = f"it is {product.status}" if prune else f"{setting} is off"
            out.notice(
                address,
                NoticeLevel.INFO,
                f"unmanaged {spec.label} product {product.friendly_name!r} ({product.status}, "
                f"{numbers} number(s)) is left alone ({why})",
                status=product.status,
            )
    return deleted


def delete_product(
    spec: ProductSpec,
    product: LiveTrustProduct,
    address: str,
    reason: str,
    location: Location | None,
    out: PlanBuilder,
) -> None:
    out.add(
        address,
        Action.DELETE_TRUST_PRODUCT,
        params={"trust_product": product.sid, "end_user_type": spec.end_user_type},
        before={
            "friendly_name": product.friendly_name,
            "status": product.status,
            "numbers": len(product.number_assignments),
        },
        after=None,
        reason=reason,
        location=location,
    )
