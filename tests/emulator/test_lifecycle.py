"""Trust product lifecycle: evaluation, submission, review simulation, rejection, edits."""

from __future__ import annotations

import time

import pytest
from twilio.base.exceptions import TwilioRestException

from cnamctl import CNAM_POLICY_SID
from cnamctl.emulator import EmulatorConfig

from .helpers import LOCAL, cnam_product, profile_sid

PRIMARY = "RN6433641899984f951173ef1738c3bdd0"
SECONDARY = "RNdfbf3fae0e1107f8aded0e7cead80bf5"


def wait_for_status(client, sid: str, status: str, timeout: float = 5.0) -> object:
    deadline = time.monotonic() + timeout
    while True:
        product = client.trusthub.v1.trust_products(sid).fetch()
        if product.status == status or time.monotonic() > deadline:
            return product
        time.sleep(0.02)


def test_create_fetch_update_list_delete(client):
    product = client.trusthub.v1.trust_products.create(
        friendly_name="acme-sales", email="trust@acme.example", policy_sid=CNAM_POLICY_SID
    )
    assert product.sid.startswith("BU") and product.status == "draft" and product.errors is None
    assert product.links["trust_products_channel_endpoint_assignment"].endswith(
        f"/v1/TrustProducts/{product.sid}/ChannelEndpointAssignments"
    )
    updated = client.trusthub.v1.trust_products(product.sid).update(friendly_name="renamed")
    assert updated.friendly_name == "renamed" and updated.email == "trust@acme.example"
    assert [p.sid for p in client.trusthub.v1.trust_products.list(friendly_name="renamed")] == [
        product.sid
    ]
    assert client.trusthub.v1.trust_products.list(status="twilio-approved") == []
    assert client.trusthub.v1.trust_products(product.sid).delete() is True
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.trust_products(product.sid).fetch()
    assert (err.value.status, err.value.code) == (404, 20404)


def test_evaluation_results_follow_the_spec_shape(client):
    product, _ = cnam_product(client, display_name=None, profile=None)
    evaluation = client.trusthub.v1.trust_products(product.sid).trust_products_evaluations.create(
        policy_sid=CNAM_POLICY_SID
    )
    assert evaluation.sid.startswith("EL") and evaluation.status == "noncompliant"
    by_name = {r["requirement_name"]: r for r in evaluation.results}
    assert set(by_name) == {"cnam_information", "customer_profile"}
    cnam = by_name["cnam_information"]
    assert (cnam["passed"], cnam["error_code"]) == (False, 22214)
    assert cnam["invalid"][0]["object_field"] == "cnam_display_name"
    assert by_name["customer_profile"]["error_code"] == 22216
    fetched = (
        client.trusthub.v1.trust_products(product.sid)
        .trust_products_evaluations(evaluation.sid)
        .fetch()
    )
    assert fetched.results == evaluation.results
    listed = client.trusthub.v1.trust_products(product.sid).trust_products_evaluations.list()
    assert [e.sid for e in listed] == [evaluation.sid]


def test_compliant_evaluation(client):
    product, _ = cnam_product(client, numbers=(LOCAL[0],))
    evaluation = client.trusthub.v1.trust_products(product.sid).trust_products_evaluations.create(
        policy_sid=CNAM_POLICY_SID
    )
    assert evaluation.status == "compliant"
    assert all(r["passed"] and r["error_code"] is None for r in evaluation.results)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"display_name": None}, 22214),  # no cnam_information end user
        ({"profile": None}, 22216),  # no business profile
        ({"profile": "Acme Draft"}, 22217),  # business profile not approved
    ],
)
def test_submission_refused_unless_compliant(client, kwargs, code):
    product, _ = cnam_product(client, **kwargs)
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    assert (err.value.status, err.value.code) == (400, code)
    assert client.trusthub.v1.trust_products(product.sid).fetch().status == "draft"


def test_two_business_profiles_are_not_compliant(client):
    product, _ = cnam_product(client)
    tp = client.trusthub.v1.trust_products(product.sid)
    tp.trust_products_entity_assignments.create(object_sid=profile_sid(client, "Acme Draft"))
    with pytest.raises(TwilioRestException) as err:
        tp.update(status="pending-review")
    assert err.value.code == 22216


def test_two_cnam_end_users_are_not_compliant(client):
    product, _ = cnam_product(client)
    tp = client.trusthub.v1.trust_products(product.sid)
    second = client.trusthub.v1.end_users.create(
        friendly_name="second", type="cnam_information", attributes={"cnam_display_name": "ACME 2"}
    )
    tp.trust_products_entity_assignments.create(object_sid=second.sid)
    evaluation = tp.trust_products_evaluations.create(policy_sid=CNAM_POLICY_SID)
    assert evaluation.status == "noncompliant"
    with pytest.raises(TwilioRestException) as err:
        tp.update(status="pending-review")
    assert (err.value.status, err.value.code) == (400, 22214)
    assert tp.fetch().status == "draft"


def test_auto_approve_goes_through_pending_and_in_review(serve):
    served = serve(config=EmulatorConfig(review_delay=0.6))
    client = served.client()
    product, _ = cnam_product(client, numbers=(LOCAL[0],))
    submitted = client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    assert submitted.status == "pending-review"
    assert wait_for_status(client, product.sid, "in-review").status == "in-review"
    approved = wait_for_status(client, product.sid, "twilio-approved")
    assert approved.status == "twilio-approved" and approved.valid_until is not None
    assert approved.errors is None
    # Listing by status sees the settled state too.
    assert [p.sid for p in client.trusthub.v1.trust_products.list(status="twilio-approved")] == [
        product.sid
    ]


def test_prohibited_display_name_is_rejected_with_11008_and_can_be_resubmitted(serve):
    served = serve(config=EmulatorConfig(review_delay=0))
    client = served.client()
    product, end_user = cnam_product(client, display_name="ACME POLICE")
    client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    rejected = wait_for_status(client, product.sid, "twilio-rejected")
    assert rejected.errors == [{"code": 11008}]
    # A rejected product may be edited and re-submitted.
    client.trusthub.v1.end_users(end_user.sid).update(
        attributes={"cnam_display_name": "ACME SALES"}
    )
    assert client.trusthub.v1.trust_products(product.sid).update(friendly_name="acme-sales-2")
    client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    approved = wait_for_status(client, product.sid, "twilio-approved")
    assert approved.status == "twilio-approved" and approved.errors is None


def test_auto_reject_uses_the_configured_code(serve):
    served = serve(
        config=EmulatorConfig(review_mode="auto-reject", review_delay=0, reject_error_code=11007)
    )
    client = served.client()
    product, _ = cnam_product(client)
    client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    assert wait_for_status(client, product.sid, "twilio-rejected").errors == [{"code": 11007}]


def test_manual_review_waits_for_the_admin(serve):
    served = serve(config=EmulatorConfig(review_mode="manual", review_delay=0))
    client = served.client()
    product, _ = cnam_product(client)
    client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    time.sleep(0.05)
    assert client.trusthub.v1.trust_products(product.sid).fetch().status == "in-review"
    http = served.http(auth=None)
    answer = http.post(
        served.url(f"/_emulator/trust-products/{product.sid}/reject"),
        json={"error_codes": [11009, 11006]},
    )
    assert answer.status_code == 200 and answer.json()["status"] == "twilio-rejected"
    rejected = client.trusthub.v1.trust_products(product.sid).fetch()
    assert rejected.errors == [{"code": 11009}, {"code": 11006}]
    client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    answer = http.post(served.url(f"/_emulator/trust-products/{product.sid}/approve"))
    assert answer.json()["status"] == "twilio-approved"
    assert client.trusthub.v1.trust_products(product.sid).fetch().status == "twilio-approved"


def test_review_transitions_are_computed_from_stored_timestamps(serve, tmp_path):
    db = str(tmp_path / "emu.sqlite")
    first = serve(db_path=db, config=EmulatorConfig(review_delay=0.3))
    client = first.client()
    product, _ = cnam_product(client)
    client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    first.handle.shutdown()
    first.emu.close()
    time.sleep(0.35)
    second = serve(db_path=db, config=EmulatorConfig(review_delay=0.3))
    assert (
        second.client().trusthub.v1.trust_products(product.sid).fetch().status == "twilio-approved"
    )


@pytest.mark.parametrize("status", ["draft", "in-review", "twilio-approved", "twilio-rejected"])
def test_only_pending_review_can_be_requested(client, status):
    product, _ = cnam_product(client)
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.trust_products(product.sid).update(status=status)
    assert (err.value.status, err.value.code) == (400, 20001)


def test_status_and_properties_in_one_request_are_refused(client):
    product, _ = cnam_product(client)
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.trust_products(product.sid).update(
            status="pending-review", friendly_name="x"
        )
    assert err.value.code == 22204


def test_resubmitting_an_approved_product_is_locked(serve):
    client = serve(config=EmulatorConfig(review_delay=0)).client()
    product, _ = cnam_product(client)
    client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    wait_for_status(client, product.sid, "twilio-approved")
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    assert err.value.code == 60711


def test_customer_profiles_share_the_lifecycle(serve):
    client = serve(config=EmulatorConfig(review_delay=0)).client()
    profile = client.trusthub.v1.customer_profiles.create(
        friendly_name="New Co",
        email="a@new.example",
        policy_sid=SECONDARY,  # the account has its primary profile
    )
    cp = client.trusthub.v1.customer_profiles(profile.sid)
    with pytest.raises(TwilioRestException) as err:
        cp.update(status="pending-review")
    assert err.value.code == 22214
    for end_user_type, attributes in (
        ("customer_profile_business_information", {"business_name": "New Co"}),
        (
            "authorized_representative_1",
            {"first_name": "A", "last_name": "B", "email": "a@new.example"},
        ),
    ):
        user = client.trusthub.v1.end_users.create(
            friendly_name=end_user_type, type=end_user_type, attributes=attributes
        )
        cp.customer_profiles_entity_assignments.create(object_sid=user.sid)
    evaluation = cp.customer_profiles_evaluations.create(policy_sid=SECONDARY)
    assert evaluation.status == "compliant" and evaluation.customer_profile_sid == profile.sid
    assert cp.update(status="pending-review").status == "pending-review"
    time.sleep(0.02)
    assert cp.fetch().status == "twilio-approved"
