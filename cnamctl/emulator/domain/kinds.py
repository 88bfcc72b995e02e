"""The two bundle kinds, CustomerProfiles and TrustProducts, as data.

They share storage, lifecycle and sub-resources; everything that differs (path
segment, path parameter name, JSON field names, allowed policies) is here, so one
set of handlers serves both.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnamctl.emulator.domain.policies import CUSTOMER_PROFILE, POLICIES, TRUST_PRODUCT

TRUSTHUB = "https://trusthub.twilio.com"


@dataclass(frozen=True)
class BundleKind:
    name: str  # value of bundles.kind
    collection: str  # URL segment: CustomerProfiles | TrustProducts
    parent_param: str  # path parameter of sub-resources: CustomerProfileSid | TrustProductSid
    sid_field: str  # JSON field naming the parent in sub-resources
    links_prefix: str  # prefix of the ``links`` keys

    @property
    def policies(self) -> frozenset[str]:
        return frozenset(sid for sid, policy in POLICIES.items() if policy.kind == self.name)

    def url(
        self, sid: str | None = None, sub: str | None = None, sub_sid: str | None = None
    ) -> str:
        parts = [f"{TRUSTHUB}/v1/{self.collection}"]
        parts += [p for p in (sid, sub, sub_sid) if p]
        return "/".join(parts)


CUSTOMER_PROFILES = BundleKind(
    name=CUSTOMER_PROFILE,
    collection="CustomerProfiles",
    parent_param="CustomerProfileSid",
    sid_field="customer_profile_sid",
    links_prefix="customer_profiles",
)

TRUST_PRODUCTS = BundleKind(
    name=TRUST_PRODUCT,
    collection="TrustProducts",
    parent_param="TrustProductSid",
    sid_field="trust_product_sid",
    links_prefix="trust_products",
)

KINDS = (CUSTOMER_PROFILES, TRUST_PRODUCTS)
