"""End-to-end tests of the onboarding flow, offline, with cnamctl's test kit.

The code under test makes plain twilio Clients; the `twilio_emulator` fixture
(or `mock_twilio()`) sends them to an in-process Twilio emulator.
"""

from __future__ import annotations

import pytest
from acme_onboarding.onboarding import (
    OnboardingError,
    onboard_cnam,
    resubmit_with_display_name,
    review_outcome,
)
from twilio.rest import Client

from cnamctl.testkit import mock_twilio


def onboard(client: Client, **changes):
    request = {
        "business_profile": "Example Business",
        "display_name": "EXAMPLE CO",
        "email": "trust@example.com",
        "phone_numbers": ["+14155550100", "+14155550101"],
    }
    return onboard_cnam(client, **{**request, **changes})


def test_onboarding_submits_and_the_approval_is_seen(twilio_emulator):
    done = onboard(Client())
    assert done.status == "pending-review"
    assert not review_outcome(Client(), done.trust_product_sid).approved

    twilio_emulator.approve(done.trust_product_sid)

    assert review_outcome(Client(), done.trust_product_sid).approved


def test_a_rejection_is_explained_and_a_new_name_resubmits(twilio_emulator):
    client = Client()
    done = onboard(client, display_name="EXAMPLE POLICE")
    twilio_emulator.reject(done.trust_product_sid, error_codes=[11008])

    outcome = review_outcome(client, done.trust_product_sid)
    assert outcome.status == "twilio-rejected"
    assert outcome.error_codes == [11008]
    assert "prohibited content" in outcome.hints[0]

    assert resubmit_with_display_name(client, done, "EXAMPLE CO") == "pending-review"
    twilio_emulator.approve(done.trust_product_sid)
    assert review_outcome(client, done.trust_product_sid).approved


def test_a_number_not_on_the_account_is_reported_before_anything_is_created(twilio_emulator):
    with pytest.raises(OnboardingError, match=r"\+12125550100 is not a number of this account"):
        onboard(Client(), phone_numbers=["+14155550100", "+12125550100"])
    assert twilio_emulator.stats()["writes"] == 0


def test_a_number_off_the_business_profile_is_refused(twilio_emulator):
    with pytest.raises(OnboardingError, match=r"\+14155550105 cannot carry this CNAM"):
        onboard(Client(), phone_numbers=["+14155550105"])


def test_a_profile_still_in_review_is_reported(twilio_emulator):
    with pytest.raises(OnboardingError, match="pending-review, not approved yet"):
        onboard(Client(), business_profile="Pending Business")


@pytest.mark.twilio_emulator(seed="two-customers.yaml")
def test_our_own_seed(twilio_emulator):
    assert twilio_emulator.account_sid == "AC00000000000000000000000000000001"
    done = onboard(
        Client(), business_profile="Globex", phone_numbers=["+12125550100", "+12125550101"]
    )
    assert done.status == "pending-review"
    with pytest.raises(OnboardingError, match=r"\+18885550100 cannot carry"):  # toll-free
        onboard(Client(), business_profile="Globex", phone_numbers=["+18885550100"])


def test_a_server_error_reaches_the_caller_and_nothing_is_half_written(twilio_emulator):
    twilio_emulator.set_faults(1.0, kinds=["error-500"])
    with pytest.raises(Exception, match="500"):
        onboard(Client())
    twilio_emulator.set_faults(0)
    assert twilio_emulator.stats()["writes"] == 0
    assert Client().trusthub.v1.trust_products.list() == []


def test_the_number_of_requests_is_what_the_flow_needs(twilio_emulator):
    onboard(Client())
    stats = twilio_emulator.stats()
    # end user, product, 2 entity assignments, 2 numbers, evaluation, submission
    assert stats["writes"] == 8
    assert stats["responses_by_status"].keys() <= {"200", "201"}


@mock_twilio()
def test_the_decorator_form():
    assert onboard(Client()).status == "pending-review"


def test_the_context_manager_form_and_a_client_made_before_it():
    client = Client("ACc0ffeec0ffeec0ffeec0ffeec0ffee00", "testkit-auth-token")
    with mock_twilio(review_mode="auto-reject", review_delay=0) as twilio:
        done = onboard(client)
        outcome = review_outcome(client, done.trust_product_sid)
        assert outcome.status == "twilio-rejected"
        assert twilio.stats()["total_requests"] > 0
