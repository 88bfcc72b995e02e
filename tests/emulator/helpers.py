"""Constants, the small seed and helpers shared by the emulator tests."""

from __future__ import annotations

from typing import Any

from twilio.rest import Client

from cnamctl import CNAM_POLICY_SID

ACCOUNT = "AC0123456789abcdef0123456789abcdef"
TOKEN = "test-auth-token"
API_KEY = "SK" + "a" * 32
API_SECRET = "test-api-secret"
OTHER_ACCOUNT = "AC" + "f" * 32
OTHER_TOKEN = "other-auth-token"
SUB_ACCOUNT = "AC" + "5" * 32  # a subaccount of ACCOUNT
SUB_TOKEN = "sub-auth-token"

LOCAL = ["+14155550100", "+14155550101", "+14155550102", "+14155550103", "+14155550104"]
TOLL_FREE = "+18005550100"
CANADIAN = "+16045550100"
NOT_ON_PROFILE = "+14155550109"


def small_seed() -> dict[str, Any]:
    return {
        "accounts": [
            {
                "sid": ACCOUNT,
                "auth_token": TOKEN,
                "api_keys": [{"sid": API_KEY, "secret": API_SECRET}],
                "incoming_numbers": [*LOCAL, TOLL_FREE, CANADIAN, NOT_ON_PROFILE],
                "outgoing_caller_ids": [
                    {"phone_number": "+14155550199", "friendly_name": "Front desk"},
                    {"phone_number": "+14155550150", "friendly_name": "Old line"},
                ],
                "business_profiles": [
                    {
                        "friendly_name": "Acme Corp",
                        "email": "compliance@acme.example",
                        "phone_numbers": [*LOCAL, TOLL_FREE, CANADIAN],
                    },
                    {"friendly_name": "Acme Draft", "status": "draft"},
                ],
            },
            {
                "sid": OTHER_ACCOUNT,
                "auth_token": OTHER_TOKEN,
                "incoming_numbers": ["+12125550100"],
                "business_profiles": [
                    {"friendly_name": "Other Corp", "phone_numbers": ["+12125550100"]}
                ],
            },
            {"sid": SUB_ACCOUNT, "auth_token": SUB_TOKEN, "owner_account_sid": ACCOUNT},
        ]
    }


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
