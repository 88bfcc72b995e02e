"""The Trust Hub policies the emulator knows: requirements, numbers, review.

SIDs are Twilio's own, the same in every account. Requirements are shaped like the
``requirements`` object of ``GET /v1/Policies/{Sid}``; evaluation.py checks the
end-user and supporting-profile requirements (supporting documents are listed but
not modelled). Everything else that differs between policies is data here too:
which numbers a bundle of the policy may hold and whether they are exclusive
(``NumberRule``), what a reviewer checks (``review_checks``, reviewer.py) and which
codes a human rejection uses. SHAKEN/STIR and Voice Integrity are two more
entries of ``POLICIES`` (facts and guesses: docs/trusted-calling.md).

The SIDs and rules are the emulator's own (it never reads cnamctl's
``cnamctl/policies.py``): the referee keeps its own rule book.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cnamctl.emulator.domain import rules
from cnamctl.emulator.domain.review_checks import (
    CNAM_CHECKS,
    CNAM_INFORMATION_TYPE,
    VOICE_INTEGRITY_CHECKS,
    VOICE_INTEGRITY_INFORMATION_TYPE,
)
from cnamctl.emulator.domain.reviewer import ReviewCheck

CNAM_POLICY_SID = "RNf3db3cd1fe25fcfd3c3ded065c8fea53"
SHAKEN_STIR_POLICY_SID = "RN7a97559effdf62d00f4298208492a5ea"
VOICE_INTEGRITY_POLICY_SID = "RN5b3660f9598883b1df4e77f77acefba0"
PRIMARY_PROFILE_POLICY_SID = "RN6433641899984f951173ef1738c3bdd0"
SECONDARY_PROFILE_POLICY_SID = "RNdfbf3fae0e1107f8aded0e7cead80bf5"

CUSTOMER_PROFILE = "customer_profile"
TRUST_PRODUCT = "trust_product"

POLICY_URL = "https://trusthub.twilio.com/v1/Policies/{sid}"


FieldCheck = Callable[[Any], str | None]


@dataclass(frozen=True)
class EndUserRequirement:
    """Exactly one end user of ``type``, with ``required`` attributes set and valid
    (``checks``: field -> why a value is invalid, or None; the evaluation runs them)."""

    type: str
    name: str
    requirement_name: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    checks: tuple[tuple[str, FieldCheck], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "url": f"/EndUserTypes/{self.type}",
            "fields": list(self.fields),
            "type": self.type,
            "name": self.name,
            "requirement_name": self.requirement_name,
        }


@dataclass(frozen=True)
class ProfileRequirement:
    """Exactly one twilio-approved business profile (CustomerProfile) assigned."""

    accepted: tuple[tuple[str, str], ...] = (
        ("primary_customer_profile_type_business", "Primary Customer Profile Bundle"),
        ("secondary_customer_profile_type_business", "Secondary Customer Profile Bundle"),
    )
    requirement_name: str = "customer_profile"
    name: str = "Business Profile"

    def as_json(self) -> list[dict[str, Any]]:
        return [
            {"type": type_, "name": name, "requirement_name": self.requirement_name}
            for type_, name in self.accepted
        ]


@dataclass(frozen=True)
class NumberRule:
    """Which phone numbers a bundle of the policy may hold.

    ``exclusive_group``: a number belongs to one bundle of the group at most
    (across policies sharing the group); ``eligibility``: why a number (type,
    country) cannot join, or None; ``on_profile``: the number must already be on
    the business profile assigned to the bundle.
    """

    exclusive_group: str | None = None
    eligibility: Callable[[str, str], str | None] | None = None
    on_profile: bool = True


@dataclass(frozen=True)
class Policy:
    sid: str
    friendly_name: str
    kind: str  # which bundles may use it: CUSTOMER_PROFILE or TRUST_PRODUCT
    profile_type: str | None = None  # for profile policies: the type it gives a profile
    end_users: tuple[EndUserRequirement, ...] = ()
    profile: ProfileRequirement | None = None
    documents: tuple[dict[str, Any], ...] = field(default=())
    numbers: NumberRule = NumberRule()
    review_checks: tuple[ReviewCheck, ...] = ()
    human_rejection_codes: tuple[int, ...] = ()  # none: reject_error_code
    one_per_account: bool = False  # a primary business profile

    def as_json(self) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "friendly_name": self.friendly_name,
            "requirements": {
                "end_user": [req.as_json() for req in self.end_users],
                "supporting_trust_products": [],
                "supporting_document": [list(self.documents)],
                "supporting_customer_profiles": self.profile.as_json() if self.profile else [],
            },
            "url": POLICY_URL.format(sid=self.sid),
        }


_BUSINESS_INFORMATION = EndUserRequirement(
    type="customer_profile_business_information",
    name="Business Information",
    requirement_name="customer_profile_business_information",
    fields=(
        "business_type",
        "business_registration_number",
        "business_name",
        "business_registration_identifier",
        "business_identity",
        "business_industry",
        "website_url",
        "business_regions_of_operation",
        "social_media_profile_urls",
    ),
    required=("business_name",),
)

_AUTHORIZED_REPRESENTATIVE = EndUserRequirement(
    type="authorized_representative_1",
    name="Authorized Representative 1",
    requirement_name="authorized_representative_1",
    fields=("first_name", "last_name", "email", "phone_number", "business_title", "job_position"),
    required=("first_name", "last_name", "email"),
)

_ADDRESS_DOCUMENT = {
    "description": "Customer Profile HQ Physical Address",
    "type": "document",
    "name": "Physical Business Address",
    "accepted_documents": [
        {
            "url": "/SupportingDocumentTypes/customer_profile_address",
            "fields": ["address_sids"],
            "type": "customer_profile_address",
            "name": "Physical Business Address",
        }
    ],
    "requirement_name": "customer_profile_address",
}

CNAM_INFORMATION = EndUserRequirement(
    type=CNAM_INFORMATION_TYPE,
    name="CNAM Information",
    requirement_name="cnam_information",
    fields=("cnam_display_name",),
    required=("cnam_display_name",),
)

VOICE_INTEGRITY_INFORMATION = EndUserRequirement(
    type=VOICE_INTEGRITY_INFORMATION_TYPE,
    name="Voice Integrity Information",
    requirement_name="voice_integrity_information",
    fields=("use_case", "business_employee_count", "average_business_day_call_volume", "notes"),
    required=("use_case", "business_employee_count", "average_business_day_call_volume"),
    checks=(
        ("business_employee_count", rules.positive_count_problem),
        ("average_business_day_call_volume", rules.positive_count_problem),
    ),
)

# A number is on one business profile at most; profiles' numbers need no profile.
_PROFILE_NUMBERS = NumberRule(exclusive_group="customer_profile", on_profile=False)
# Twilio's business-profile rejection codes (changelog of 2024-04-29): 18601
# business name and website not associated, 18602 business ID not verified.
_PROFILE_REJECTIONS = (18601, 18602)

POLICIES: dict[str, Policy] = {
    policy.sid: policy
    for policy in (
        Policy(
            sid=PRIMARY_PROFILE_POLICY_SID,
            friendly_name="Primary Customer Profile of type Business",
            kind=CUSTOMER_PROFILE,
            profile_type="primary_customer_profile_type_business",
            end_users=(_BUSINESS_INFORMATION, _AUTHORIZED_REPRESENTATIVE),
            documents=(_ADDRESS_DOCUMENT,),
            numbers=_PROFILE_NUMBERS,
            human_rejection_codes=_PROFILE_REJECTIONS,
            one_per_account=True,
        ),
        Policy(
            sid=SECONDARY_PROFILE_POLICY_SID,
            friendly_name="Secondary Customer Profile of type Business",
            kind=CUSTOMER_PROFILE,
            profile_type="secondary_customer_profile_type_business",
            end_users=(_BUSINESS_INFORMATION, _AUTHORIZED_REPRESENTATIVE),
            documents=(_ADDRESS_DOCUMENT,),
            numbers=_PROFILE_NUMBERS,
            human_rejection_codes=_PROFILE_REJECTIONS,
        ),
        Policy(
            sid=CNAM_POLICY_SID,
            friendly_name="CNAM Trust Product",
            kind=TRUST_PRODUCT,
            end_users=(CNAM_INFORMATION,),
            profile=ProfileRequirement(),
            numbers=NumberRule(exclusive_group="cnam", eligibility=rules.cnam_ineligibility),
            review_checks=CNAM_CHECKS,
            human_rejection_codes=(11007,),
        ),
        Policy(
            sid=SHAKEN_STIR_POLICY_SID,
            friendly_name="SHAKEN/STIR Trust Product",
            kind=TRUST_PRODUCT,
            profile=ProfileRequirement(),
            numbers=NumberRule(exclusive_group="shaken_stir", eligibility=rules.us_ineligibility),
            human_rejection_codes=_PROFILE_REJECTIONS,
        ),
        Policy(
            sid=VOICE_INTEGRITY_POLICY_SID,
            friendly_name="Voice Integrity Trust Product",
            kind=TRUST_PRODUCT,
            end_users=(VOICE_INTEGRITY_INFORMATION,),
            profile=ProfileRequirement(),
            numbers=NumberRule(
                exclusive_group="voice_integrity", eligibility=rules.us_ineligibility
            ),
            review_checks=VOICE_INTEGRITY_CHECKS,
            human_rejection_codes=_PROFILE_REJECTIONS,
        ),
    )
}

# End-user types accepted by POST /v1/EndUsers (the ones Trust Hub policies use).
END_USER_TYPES = frozenset(
    {
        "cnam_information",
        "customer_profile_business_information",
        "authorized_representative_1",
        "authorized_representative_2",
        "starter_customer_profile_information",
        "sole_proprietor_information",
        "voice_integrity_information",
    }
)
