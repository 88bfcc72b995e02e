"""Onboard a customer's CNAM caller-ID branding through the twilio SDK.

The flow of Twilio's CNAM guide, for a customer whose business profile is
already vetted: a ``cnam_information`` end user with the display name, a CNAM
trust product, the business profile and the end user assigned to it, the
numbers assigned (they must be on the business profile already), an evaluation,
and the submission for review. Twilio reviews it later; :func:`review_outcome`
reads the verdict and :func:`resubmit_with_display_name` answers a rejection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

CNAM_POLICY_SID = "RNf3db3cd1fe25fcfd3c3ded065c8fea53"  # Twilio's CNAM policy, every account
APPROVED = "twilio-approved"
REJECTED = "twilio-rejected"

REJECTION_HINTS = {
    11008: "the display name has prohibited content; choose another one",
    11009: "the display name is not allowed (15 characters at most, starting with a letter)",
}


class OnboardingError(Exception):
    """The customer's request cannot go through as given; the message says why."""


@dataclass(frozen=True)
class Onboarded:
    trust_product_sid: str
    end_user_sid: str
    status: str


@dataclass(frozen=True)
class ReviewOutcome:
    status: str
    error_codes: list[int] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return self.status == APPROVED


def onboard_cnam(
    client: Client,
    *,
    business_profile: str,
    display_name: str,
    email: str,
    phone_numbers: list[str],
) -> Onboarded:
    """Create, fill and submit a CNAM trust product for ``business_profile``
    (its friendly name). Raises OnboardingError for anything the customer must fix."""
    trusthub = client.trusthub.v1
    profile = _approved_profile(client, business_profile)
    number_sids = {number: _pn(client, number) for number in phone_numbers}  # before any write
    try:
        end_user = trusthub.end_users.create(
            friendly_name=f"{business_profile} CNAM",
            type="cnam_information",
            attributes={"cnam_display_name": display_name},
        )
    except TwilioRestException as err:
        raise OnboardingError(f"display name {display_name!r} refused: {err.msg}") from err
    product = trusthub.trust_products.create(
        friendly_name=f"{business_profile} CNAM", email=email, policy_sid=CNAM_POLICY_SID
    )
    assignments = trusthub.trust_products(product.sid).trust_products_entity_assignments
    assignments.create(object_sid=profile)  # the profile first: numbers come through it
    assignments.create(object_sid=end_user.sid)
    endpoints = trusthub.trust_products(product.sid).trust_products_channel_endpoint_assignment
    for number, sid in number_sids.items():
        try:
            endpoints.create(channel_endpoint_type="phone-number", channel_endpoint_sid=sid)
        except TwilioRestException as err:
            raise OnboardingError(f"{number} cannot carry this CNAM: {err.msg}") from err
    evaluation = trusthub.trust_products(product.sid).trust_products_evaluations.create(
        policy_sid=CNAM_POLICY_SID
    )
    if evaluation.status != "compliant":
        raise OnboardingError(f"the product is not compliant yet: {evaluation.results}")
    submitted = trusthub.trust_products(product.sid).update(status="pending-review")
    return Onboarded(product.sid, end_user.sid, submitted.status)


def review_outcome(client: Client, trust_product_sid: str) -> ReviewOutcome:
    """The review's state; for a rejection, Twilio's error codes and what they mean."""
    product = client.trusthub.v1.trust_products(trust_product_sid).fetch()
    codes = [int(e["code"]) for e in (product.errors or []) if "code" in e]
    hints = [REJECTION_HINTS.get(code, f"Twilio error {code}") for code in codes]
    return ReviewOutcome(product.status, codes, hints)


def resubmit_with_display_name(client: Client, onboarded: Onboarded, display_name: str) -> str:
    """After a rejection: change the display name and submit the same product again."""
    outcome = review_outcome(client, onboarded.trust_product_sid)
    if outcome.status != REJECTED:
        raise OnboardingError(f"only a rejected product is resubmitted (it is {outcome.status})")
    try:
        client.trusthub.v1.end_users(onboarded.end_user_sid).update(
            attributes={"cnam_display_name": display_name}
        )
    except TwilioRestException as err:
        raise OnboardingError(f"display name {display_name!r} refused: {err.msg}") from err
    product = client.trusthub.v1.trust_products(onboarded.trust_product_sid)
    return str(product.update(status="pending-review").status)


def _approved_profile(client: Client, friendly_name: str) -> str:
    profiles = client.trusthub.v1.customer_profiles.list(friendly_name=friendly_name)
    if not profiles:
        raise OnboardingError(f"no business profile named {friendly_name!r}")
    approved = [p for p in profiles if p.status == APPROVED]
    if not approved:
        raise OnboardingError(
            f"business profile {friendly_name!r} is {profiles[0].status}, not approved yet"
        )
    return str(approved[0].sid)


def _pn(client: Client, number: str) -> str:
    found = client.incoming_phone_numbers.list(phone_number=number, limit=1)
    if not found:
        raise OnboardingError(f"{number} is not a number of this account")
    return str(found[0].sid)
