"""Constants and helpers of the emulator tests (the seeds live in tests/support)."""

from __future__ import annotations

from typing import Any

from support.seeds import (
    ACCOUNT,
    API_KEY,
    API_SECRET,
    CANADIAN,
    LOCAL,
    MAIN_KEY,
    MAIN_SECRET,
    NOT_ON_PROFILE,
    OTHER_ACCOUNT,
    OTHER_TOKEN,
    SUB_ACCOUNT,
    SUB_NUMBER,
    SUB_TOKEN,
    TOKEN,
    TOLL_FREE,
    small_seed,
)
from twilio.rest import Client

from cnamctl import CNAM_POLICY_SID

__all__ = [
    "ACCOUNT",
    "API_KEY",
    "API_SECRET",
    "CANADIAN",
    "LOCAL",
    "MAIN_KEY",
    "MAIN_SECRET",
    "NOT_ON_PROFILE",
    "OTHER_ACCOUNT",
    "OTHER_TOKEN",
    "SUB_ACCOUNT",
    "SUB_NUMBER",
    "SUB_TOKEN",
    "TOKEN",
    "TOLL_FREE",
    "cnam_product",
    "number_sid",
    "profile_sid",
    "small_seed",
]


def number_sid(client: Client, e164: str, account: str = ACCOUNT) -> str:
    numbers = client.api.v2010.accounts(account).incoming_phone_numbers.list(phone_number=e164)
    assert len(numbers) == 1, e164
    return str(numbers[0].sid)


def profile_sid(client: Client, name: str = "Acme Corp") -> str:
    profiles = client.trusthub.v1.customer_profiles.list(friendly_name=name)
    assert len(profiles) == 1, name
    return str(profiles[0].sid)


def cnam_product(
    client: Client,
    name: str = "acme-sales",
    display_name: str | None = "ACME SALES",
    numbers: tuple[str, ...] = (),
    profile: str | None = "Acme Corp",
) -> tuple[Any, Any]:
    """A draft CNAM trust product wired like cnamctl does; (product, end user)."""
    product = client.trusthub.v1.trust_products.create(
        friendly_name=name, email="trust@acme.example", policy_sid=CNAM_POLICY_SID
    )
    tp = client.trusthub.v1.trust_products(product.sid)
    if profile is not None:
        tp.trust_products_entity_assignments.create(object_sid=profile_sid(client, profile))
    end_user = None
    if display_name is not None:
        end_user = client.trusthub.v1.end_users.create(
            friendly_name=f"{name} CNAM",
            type="cnam_information",
            attributes={"cnam_display_name": display_name},
        )
        tp.trust_products_entity_assignments.create(object_sid=end_user.sid)
    for e164 in numbers:
        tp.trust_products_channel_endpoint_assignment.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, e164)
        )
    return product, end_user
