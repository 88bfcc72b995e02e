"""The Trust Hub policies cnamctl manages: one ``ProductSpec`` each, the one place.

CNAM caller-name branding, SHAKEN/STIR (A-level attestation) and Voice Integrity
(spam-label remediation) have one shape: a trust product of a policy, with the
approved business profile and (for some) a product-specific end user as entity
assignments, phone-number assignments, an evaluation, a submission and a review.
What differs between them is data, written here once and read by every layer:

* the policy SID (Twilio: "a static value that will stay the same across all
  accounts") and the manifest kind that declares a product of it;
* the end user, if any: its type and which manifest field sets which attribute;
* which numbers may join a product, and whether a number can be on only one
  product of the policy;
* Twilio's rejection codes that concern a manifest field, with what they mean;
* the words plans use for it (what the review checks, what re-vetting costs,
  what a number on it gets);
* the ``prune`` switches of its kind, and whether the policy is managed without
  any manifest of its kind (only CNAM: see ``in_scope_by_default``).

Where each fact comes from is in docs/trusted-calling.md (facts that could not be
confirmed are marked as guesses there). The emulator keeps its own copy of the
policies (``cnamctl/emulator/domain/policies.py``): the referee does not read the
player's notes.
"""

from __future__ import annotations

from dataclasses import dataclass

CNAM_POLICY_SID = "RNf3db3cd1fe25fcfd3c3ded065c8fea53"
"""Twilio's static policy for CNAM trust products (same in every account)."""
SHAKEN_STIR_POLICY_SID = "RN7a97559effdf62d00f4298208492a5ea"
"""Twilio's static policy for SHAKEN/STIR trust products."""
VOICE_INTEGRITY_POLICY_SID = "RN5b3660f9598883b1df4e77f77acefba0"
"""Twilio's static policy for Voice Integrity trust products."""

US_LONG_CODE = "us-long-code"  # US standard long codes only (no toll-free, no Canada)
US_NUMBER = "us-number"  # US long codes and toll-free numbers (no Canada)


@dataclass(frozen=True)
class Attribute:
    """One attribute of a product's end user and the manifest field that sets it."""

    name: str  # Twilio's attribute: ``cnam_display_name``
    field: str  # the manifest field, camelCase: ``displayName``
    required: bool = True  # unset optional fields leave the live attribute as it is
    text: bool = False  # sent as a string even when the manifest holds a number


@dataclass(frozen=True)
class EndUserSpec:
    type: str  # ``cnam_information``
    attributes: tuple[Attribute, ...]
    noun: str  # what it holds, for people: "display name"
    title: str  # the attribute that names the product in plans (its "title")


@dataclass(frozen=True)
class NumberRule:
    eligible: str  # US_LONG_CODE or US_NUMBER: what the manifest accepts
    exclusive: bool  # a number is on at most one product of the policy
    description: str  # for docs and messages


@dataclass(frozen=True)
class Rejection:
    """A Twilio rejection code and the manifest field it concerns (None: the document)."""

    code: int
    field: str | None
    meaning: str


@dataclass(frozen=True)
class ProductSpec:
    key: str  # ``cnam``: address prefix and ``cnamctl import --products`` value
    kind: str  # the manifest kind: ``CnamProfile``
    label: str  # for people: ``CNAM``
    policy_sid: str
    end_user: EndUserSpec | None
    numbers: NumberRule
    rejections: tuple[Rejection, ...]
    review: str  # what Twilio's review of a product of the policy checks
    review_cost: str  # what a new review costs, for plans that discard vetting
    prune_products: str  # Settings key under ``prune``: delete undeclared products
    prune_numbers: str  # Settings key under ``prune``: unassign undeclared numbers
    in_scope_by_default: bool  # managed even when no manifest declares a product of it
    assign_action: str  # the plan Action that assigns a number to a product of it
    unassign_action: str  # ... and the one that unassigns it
    held: str  # what a number on a product of it is: "branded"
    gives: str  # what assigning a number does, ``{number}`` and ``{title}`` filled in
    verb: str  # what a product does to its numbers: "brand"
    loss: str  # what deleting an approved product costs its numbers' calls
    kept: str  # where the numbers are while a replacement is reviewed

    @property
    def end_user_type(self) -> str | None:
        return self.end_user.type if self.end_user else None

    def rejection(self, code: int) -> Rejection | None:
        return next((r for r in self.rejections if r.code == code), None)

    def field_of_code(self, code: int) -> str | None:
        """The camelCase manifest field a rejection code concerns, if known."""
        found = self.rejection(code)
        return found.field if found else None

    def describe_code(self, code: int) -> str:
        found = self.rejection(code)
        url = f"https://www.twilio.com/docs/api/errors/{code}"
        return f"{code} ({found.meaning}, {url})" if found else f"{code} ({url})"


_PRODUCT_NUMBER = ("assign-product-number", "unassign-product-number")
# Twilio's business-profile rejection codes (changelog of 2024-04-29). That a
# SHAKEN/STIR or Voice Integrity review answers with them is a guess (no product
# codes are published): they are mapped to the business profile the manifest names.
_BUSINESS_IDENTITY = (
    Rejection(11006, "businessProfile", "linked business profile is not approved"),
    Rejection(18601, "businessProfile", "business name and website are not associated"),
    Rejection(18602, "businessProfile", "business identity could not be verified"),
)

CNAM = ProductSpec(
    key="cnam",
    kind="CnamProfile",
    label="CNAM",
    policy_sid=CNAM_POLICY_SID,
    end_user=EndUserSpec(
        type="cnam_information",
        attributes=(Attribute("cnam_display_name", "displayName"),),
        noun="display name",
        title="cnam_display_name",
    ),
    numbers=NumberRule(US_LONG_CODE, True, "US standard long codes, each on one CNAM product"),
    rejections=(
        # Twilio's error dictionary (https://www.twilio.com/docs/api/errors, 11006-11018)
        Rejection(11006, "businessProfile", "linked business profile is not approved"),
        Rejection(11007, "displayName", "display name does not match the registered business"),
        Rejection(11008, "displayName", "display name contains prohibited content"),
        Rejection(11009, "displayName", "display name does not meet requirements"),
        Rejection(11014, "displayName", "display name does not adhere to formatting guidelines"),
        Rejection(11018, "displayName", "display name must not be a phone number"),
    ),
    review="the display name (length, characters, generic values, prohibited terms)",
    review_cost=(
        "a new Twilio review (typically 1-3 business days), then 48-72 hours for carriers "
        "to show the new name"
    ),
    prune_products="cnamProfiles",
    prune_numbers="cnamNumbers",
    in_scope_by_default=True,
    assign_action="assign-cnam-number",
    unassign_action="unassign-cnam-number",
    held="branded",
    gives="brand {number} as {title}",
    verb="brand",
    loss="calls from them lose that name",
    kept="the numbers keep the old name until then",
)

SHAKEN_STIR = ProductSpec(
    key="shaken-stir",
    kind="ShakenStirProfile",
    label="SHAKEN/STIR",
    policy_sid=SHAKEN_STIR_POLICY_SID,
    end_user=None,
    numbers=NumberRule(US_NUMBER, True, "US numbers, each on one SHAKEN/STIR product"),
    rejections=_BUSINESS_IDENTITY,
    review="the business profile's identity and the numbers' link to it",
    review_cost="a new Twilio review (about 72 hours for a SHAKEN/STIR product, per Twilio)",
    prune_products="shakenStirProfiles",
    prune_numbers="shakenStirNumbers",
    in_scope_by_default=False,
    assign_action=_PRODUCT_NUMBER[0],
    unassign_action=_PRODUCT_NUMBER[1],
    held="signed",
    gives="sign calls from {number} with A-level attestation",
    verb="sign",
    loss="calls from them lose A-level attestation",
    kept="the numbers stay on the approved product until then",
)

VOICE_INTEGRITY = ProductSpec(
    key="voice-integrity",
    kind="VoiceIntegrityProfile",
    label="Voice Integrity",
    policy_sid=VOICE_INTEGRITY_POLICY_SID,
    end_user=EndUserSpec(
        type="voice_integrity_information",
        attributes=(
            Attribute("use_case", "useCase"),
            Attribute("business_employee_count", "businessEmployeeCount", text=True),
            Attribute(
                "average_business_day_call_volume", "averageBusinessDayCallVolume", text=True
            ),
            Attribute("notes", "notes", required=False),
        ),
        noun="Voice Integrity information",
        title="use_case",
    ),
    numbers=NumberRule(US_NUMBER, True, "US numbers, each on one Voice Integrity product"),
    rejections=_BUSINESS_IDENTITY,
    review="the business profile's identity and the calling information (use case, volume)",
    review_cost=(
        "a new Twilio review, then 24-48 hours to register the numbers with the carriers' "
        "analytics engines"
    ),
    prune_products="voiceIntegrityProfiles",
    prune_numbers="voiceIntegrityNumbers",
    in_scope_by_default=False,
    assign_action=_PRODUCT_NUMBER[0],
    unassign_action=_PRODUCT_NUMBER[1],
    held="registered",
    gives="register {number} with the carriers' call analytics",
    verb="register",
    loss="they leave the carriers' registrations, and spam labels may come back",
    kept="the numbers stay registered on the approved product until then",
)

SPECS: tuple[ProductSpec, ...] = (CNAM, SHAKEN_STIR, VOICE_INTEGRITY)
"""Every policy cnamctl manages, in the order plans and the trust stack list them."""
BY_POLICY = {spec.policy_sid: spec for spec in SPECS}
BY_KIND = {spec.kind: spec for spec in SPECS}
BY_KEY = {spec.key: spec for spec in SPECS}
DEFAULT_POLICIES: tuple[str, ...] = tuple(s.policy_sid for s in SPECS if s.in_scope_by_default)
"""The policies managed when no manifest declares a product of another one."""
ALL_POLICIES: tuple[str, ...] = tuple(s.policy_sid for s in SPECS)


def spec_of_policy(policy_sid: str) -> ProductSpec | None:
    return BY_POLICY.get(policy_sid)
