"""SHAKEN/STIR and Voice Integrity served like CNAM: policies, evaluations, numbers, review.

Every response passes the contract guard (Twilio's OpenAPI specs); reviews run on a
ManualClock, decided when the clock passes ``review_delay``.
"""

from __future__ import annotations

from typing import Any

import pytest
from support.seeds import account, business_profile, seed
from twilio.base.exceptions import TwilioRestException

from cnamctl.emulator import EmulatorConfig, ManualClock
from cnamctl.emulator.domain.policies import SHAKEN_STIR_POLICY_SID, VOICE_INTEGRITY_POLICY_SID
from cnamctl.emulator.storage.seed import SeedError, apply_seed, load_seed

from .helpers import (
    ACCOUNT,
    CANADIAN,
    LOCAL,
    NOT_ON_PROFILE,
    TOKEN,
    TOLL_FREE,
    cnam_product,
    number_sid,
    profile_sid,
)

DELAY = 60.0
VI_ATTRIBUTES = {
    "use_case": "Appointment reminders",
    "business_employee_count": "40",
    "average_business_day_call_volume": "1200",
}


def trust_product(
    client: Any,
    policy: str,
    *,
    name: str = "acme-trust",
    numbers: tuple[str, ...] = (),
    attributes: dict[str, Any] | None = None,
    profile: str | None = "Acme Corp",
) -> Any:
    """A draft product of ``policy``, its end user made of ``attributes`` (if any)."""
    trusthub = client.trusthub.v1
    product = trusthub.trust_products.create(
        friendly_name=name, email="trust@acme.example", policy_sid=policy
    )
    tp = trusthub.trust_products(product.sid)
    if profile is not None:
        tp.trust_products_entity_assignments.create(object_sid=profile_sid(client, profile))
    if attributes is not None:
        user = trusthub.end_users.create(
            friendly_name=name, type="voice_integrity_information", attributes=attributes
        )
        tp.trust_products_entity_assignments.create(object_sid=user.sid)
    for e164 in numbers:
        tp.trust_products_channel_endpoint_assignment.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, e164)
        )
    return tp


def evaluate(tp: Any, policy: str) -> Any:
    return tp.trust_products_evaluations.create(policy_sid=policy)


def test_both_policies_are_listed_with_their_requirements(client):
    policies = {p.sid: p for p in client.trusthub.v1.policies.list()}
    shaken = policies[SHAKEN_STIR_POLICY_SID].requirements
    voice = policies[VOICE_INTEGRITY_POLICY_SID].requirements
    assert shaken["end_user"] == [] and shaken["supporting_customer_profiles"]
    (information,) = voice["end_user"]
    assert information["type"] == "voice_integrity_information"
    assert information["fields"] == [
        "use_case",
        "business_employee_count",
        "average_business_day_call_volume",
        "notes",
    ]


def test_a_voice_integrity_product_needs_its_end_user(client):
    tp = trust_product(client, VOICE_INTEGRITY_POLICY_SID)
    evaluation = evaluate(tp, VOICE_INTEGRITY_POLICY_SID)
    assert evaluation.status == "noncompliant"
    by_requirement = {r["requirement_name"]: r for r in evaluation.results}
    missing = by_requirement["voice_integrity_information"]
    assert missing["passed"] is False and missing["error_code"] == 22214
    assert {f["object_field"] for f in missing["invalid"]} == {
        "use_case",
        "business_employee_count",
        "average_business_day_call_volume",
    }
    assert by_requirement["customer_profile"]["passed"] is True
    with pytest.raises(TwilioRestException) as err:
        tp.update(status="pending-review")
    assert (err.value.status, err.value.code) == (400, 22214)


@pytest.mark.parametrize("count", ["twelve", "0", "-3", "1.5", ""])
def test_voice_integrity_counts_must_be_whole_numbers_above_zero(client, count):
    attributes = {**VI_ATTRIBUTES, "business_employee_count": count}
    tp = trust_product(client, VOICE_INTEGRITY_POLICY_SID, attributes=attributes)
    evaluation = evaluate(tp, VOICE_INTEGRITY_POLICY_SID)
    (result,) = [
        r for r in evaluation.results if r["requirement_name"] == "voice_integrity_information"
    ]
    (invalid,) = result["invalid"]
    assert invalid["object_field"] == "business_employee_count"
    assert invalid["error_code"] == 22215
    assert {v["object_field"] for v in result["valid"]} == {
        "use_case",
        "average_business_day_call_volume",
    }


def test_a_complete_voice_integrity_product_is_compliant_and_submitted(client):
    tp = trust_product(
        client, VOICE_INTEGRITY_POLICY_SID, numbers=(LOCAL[0],), attributes=VI_ATTRIBUTES
    )
    assert evaluate(tp, VOICE_INTEGRITY_POLICY_SID).status == "compliant"
    assert tp.update(status="pending-review").status == "pending-review"


def test_a_shaken_stir_product_needs_no_end_user_but_an_approved_profile(client):
    assert evaluate(
        trust_product(client, SHAKEN_STIR_POLICY_SID), SHAKEN_STIR_POLICY_SID
    ).status == ("compliant")
    bare = trust_product(client, SHAKEN_STIR_POLICY_SID, name="bare", profile=None)
    evaluation = evaluate(bare, SHAKEN_STIR_POLICY_SID)
    assert evaluation.status == "noncompliant"
    assert evaluation.results[0]["error_code"] == 22216


@pytest.mark.parametrize("policy", [SHAKEN_STIR_POLICY_SID, VOICE_INTEGRITY_POLICY_SID])
def test_us_numbers_toll_free_too_but_not_canadian_nor_off_the_profile(client, policy):
    tp = trust_product(client, policy, numbers=(LOCAL[0], TOLL_FREE))
    assert len(tp.trust_products_channel_endpoint_assignment.list()) == 2
    for e164, words in ((CANADIAN, "Canadian"), (NOT_ON_PROFILE, "not assigned")):
        with pytest.raises(TwilioRestException) as err:
            tp.trust_products_channel_endpoint_assignment.create(
                channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, e164)
            )
        assert err.value.status == 400 and words in err.value.msg


def test_a_number_is_on_one_product_of_each_policy(client):
    """One CNAM, one SHAKEN/STIR and one Voice Integrity product may hold the same
    number; a second product of the same policy may not."""
    cnam_product(client, numbers=(LOCAL[0],))
    for policy in (SHAKEN_STIR_POLICY_SID, VOICE_INTEGRITY_POLICY_SID):
        first = trust_product(client, policy, name="first", numbers=(LOCAL[0],))
        second = trust_product(client, policy, name="second")
        with pytest.raises(TwilioRestException) as err:
            second.trust_products_channel_endpoint_assignment.create(
                channel_endpoint_type="phone-number",
                channel_endpoint_sid=number_sid(client, LOCAL[0]),
            )
        assert (err.value.status, err.value.code) == (409, 20409)
        assert first.fetch().sid in err.value.msg


@pytest.fixture
def reviewing(serve):
    """(client, clock) with reviews of DELAY seconds on a manual clock, over ``seed``."""

    def start(seed_doc: Any = None, **knobs: Any) -> tuple[Any, ManualClock, Any]:
        clock = ManualClock()
        served = serve(seed_doc, config=EmulatorConfig(review_delay=DELAY, **knobs), clock=clock)
        return served.client(), clock, served

    return start


def _reviewed(tp: Any, clock: ManualClock) -> Any:
    assert tp.update(status="pending-review").status == "pending-review"
    clock.advance(DELAY / 2)
    assert tp.fetch().status == "in-review"
    clock.advance(DELAY / 2)
    return tp.fetch()


def _seed_with_website(website: str) -> dict[str, Any]:
    info = {"business_name": "Acme Corp", "website_url": website}
    return seed(
        account(
            ACCOUNT,
            TOKEN,
            incoming_numbers=LOCAL,
            business_profiles=[business_profile("Acme Corp", LOCAL, business_information=info)],
        )
    )


@pytest.mark.parametrize(("website", "status"), [
    ("https://acme.example", "twilio-approved"),
    ("http://acme.example", "twilio-rejected"),
])  # fmt: skip
def test_voice_integrity_review_wants_an_https_website(reviewing, website, status):
    client, clock, _ = reviewing(_seed_with_website(website))
    tp = trust_product(
        client, VOICE_INTEGRITY_POLICY_SID, numbers=(LOCAL[0],), attributes=VI_ATTRIBUTES
    )
    reviewed = _reviewed(tp, clock)
    assert reviewed.status == status
    assert reviewed.errors == ([{"code": 18601}] if status == "twilio-rejected" else None)


def test_shaken_stir_review_is_approved_and_locks_the_product(reviewing):
    client, clock, _ = reviewing()
    tp = trust_product(client, SHAKEN_STIR_POLICY_SID, numbers=(LOCAL[0],))
    assert _reviewed(tp, clock).status == "twilio-approved"
    with pytest.raises(TwilioRestException) as err:
        tp.update(email="new@acme.example")
    assert err.value.code == 60711
    # numbers may still change on an approved product (only a review locks them)
    tp.trust_products_channel_endpoint_assignment.create(
        channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, LOCAL[1])
    )


@pytest.mark.parametrize("policy", [SHAKEN_STIR_POLICY_SID, VOICE_INTEGRITY_POLICY_SID])
def test_a_human_reviewer_rejects_with_business_profile_codes(reviewing, policy):
    client, clock, _ = reviewing(human_rejection_rate=1.0, random_seed=3)
    attributes = VI_ATTRIBUTES if policy == VOICE_INTEGRITY_POLICY_SID else None
    tp = trust_product(client, policy, numbers=(LOCAL[0],), attributes=attributes)
    reviewed = _reviewed(tp, clock)
    assert reviewed.status == "twilio-rejected"
    assert reviewed.errors[0]["code"] in (18601, 18602)


def test_manual_review_waits_for_the_admin(reviewing):
    client, clock, served = reviewing(review_mode="manual")
    tp = trust_product(
        client, VOICE_INTEGRITY_POLICY_SID, numbers=(LOCAL[0],), attributes=VI_ATTRIBUTES
    )
    assert _reviewed(tp, clock).status == "in-review"
    served.emu.reject(tp.fetch().sid, [18602])
    rejected = tp.fetch()
    assert (rejected.status, rejected.errors) == ("twilio-rejected", [{"code": 18602}])
    # rejected: editable again, and submitted again once compliant
    user = next(
        a.object_sid
        for a in tp.trust_products_entity_assignments.list()
        if a.object_sid.startswith("IT")
    )
    client.trusthub.v1.end_users(user).update(attributes={**VI_ATTRIBUTES, "notes": "clinics"})
    assert tp.update(status="pending-review").status == "pending-review"


def _store_seed(doc: dict[str, Any]) -> None:
    from cnamctl.emulator.storage.store import Store

    store = Store(":memory:")
    try:
        apply_seed(store, load_seed(doc))
    finally:
        store.close()


def _seed_product(**product: Any) -> dict[str, Any]:
    return seed(
        account(
            ACCOUNT,
            TOKEN,
            incoming_numbers=[*LOCAL, CANADIAN],
            business_profiles=[business_profile("Acme Corp", [*LOCAL, CANADIAN])],
            trust_products=[
                {"friendly_name": "seeded", "business_profile": "Acme Corp", **product}
            ],
        )
    )


def test_a_seeded_voice_integrity_product_holds_its_end_user(serve):
    served = serve(
        _seed_product(
            policy_sid=VOICE_INTEGRITY_POLICY_SID,
            status="twilio-approved",
            attributes=VI_ATTRIBUTES,
            phone_numbers=[LOCAL[0]],
        )
    )
    client = served.client()
    (product,) = client.trusthub.v1.trust_products.list(policy_sid=VOICE_INTEGRITY_POLICY_SID)
    objects = [
        a.object_sid
        for a in client.trusthub.v1.trust_products(
            product.sid
        ).trust_products_entity_assignments.list()
    ]
    users = [client.trusthub.v1.end_users(sid).fetch() for sid in objects if sid.startswith("IT")]
    assert [(u.type, u.attributes) for u in users] == [
        ("voice_integrity_information", VI_ATTRIBUTES)
    ]


@pytest.mark.parametrize(
    ("product", "words"),
    [
        (
            {"policy_sid": VOICE_INTEGRITY_POLICY_SID, "status": "twilio-approved",
             "attributes": {"use_case": "x"}},
            "attributes need business_employee_count",
        ),
        (
            {"policy_sid": VOICE_INTEGRITY_POLICY_SID, "status": "in-review",
             "attributes": {**VI_ATTRIBUTES, "average_business_day_call_volume": "lots"}},
            "whole number above zero",
        ),
        ({"policy_sid": SHAKEN_STIR_POLICY_SID, "attributes": {"a": 1}}, "has no end user"),
        ({"policy_sid": VOICE_INTEGRITY_POLICY_SID, "display_name": "ACME"}, "CNAM policy"),
        ({"policy_sid": SHAKEN_STIR_POLICY_SID, "phone_numbers": [CANADIAN]}, "Canadian"),
    ],
)  # fmt: skip
def test_seeds_are_checked_like_the_api(product, words):
    with pytest.raises(SeedError) as err:
        _store_seed(_seed_product(**product))
    assert words in str(err.value)


def test_a_seed_puts_a_number_on_one_product_of_a_policy():
    doc = _seed_product(policy_sid=SHAKEN_STIR_POLICY_SID, phone_numbers=[LOCAL[0]])
    products = doc["accounts"][0]["trust_products"]
    products.append({**products[0], "friendly_name": "again"})
    with pytest.raises(SeedError) as err:
        _store_seed(doc)
    assert "already on another SHAKEN/STIR Trust Product" in str(err.value)
