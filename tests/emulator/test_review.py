"""Review as Twilio does it: saved whatever the name, rejected later by the reviewer.

Every test runs on a ManualClock: a review is due when the clock is advanced past
``review_delay``, never by sleeping.
"""

from __future__ import annotations

import pytest
from support.seeds import OTHER_ACCOUNT, OTHER_TOKEN
from twilio.base.exceptions import TwilioRestException

from cnamctl.emulator import EmulatorConfig, ManualClock

from .helpers import LOCAL, cnam_product

DELAY = 60.0


@pytest.fixture
def reviewing(serve):
    """(client, clock, served) with reviews of DELAY seconds on a manual clock."""

    def start(**knobs):
        clock = ManualClock()
        served = serve(config=EmulatorConfig(review_delay=DELAY, **knobs), clock=clock)
        return served.client(), clock, served

    return start


def submit_and_review(client, clock, display_name, number=LOCAL[0], **product):
    item, _ = cnam_product(client, display_name=display_name, numbers=(number,), **product)
    tp = client.trusthub.v1.trust_products(item.sid)
    assert tp.update(status="pending-review").status == "pending-review"
    clock.advance(DELAY / 2)
    assert tp.fetch().status == "in-review"
    clock.advance(DELAY / 2)
    return tp.fetch()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ACME & CO", 11009),  # characters
        ("1 ACME", 11009),  # first letter
        ("ACME SALES AND SUPPORT", 11009),  # length
        ("Boston", 11009),  # generic: a city
        ("Portland, OR", 11009),  # a city and state
        ("ACME POLICE", 11008),  # prohibited content
    ],
)
def test_a_compliant_product_with_a_bad_name_is_rejected_in_review(reviewing, name, code):
    client, clock, _ = reviewing()
    reviewed = submit_and_review(client, clock, name)
    assert reviewed.status == "twilio-rejected"
    assert reviewed.errors == [{"code": code}]


def test_a_good_name_is_approved_on_time(reviewing):
    client, clock, _ = reviewing()
    reviewed = submit_and_review(client, clock, "ACME SALES")
    assert reviewed.status == "twilio-approved" and reviewed.errors is None


def test_the_evaluation_passes_whatever_the_name(reviewing):
    """Twilio's evaluation checks what is assigned; the name is the review's business."""
    client, _, _ = reviewing()
    product, _ = cnam_product(client, display_name="Boston")
    evaluation = client.trusthub.v1.trust_products(product.sid).trust_products_evaluations.create(
        policy_sid="RNf3db3cd1fe25fcfd3c3ded065c8fea53"
    )
    assert evaluation.status == "compliant"


def test_save_mode_refuses_a_bad_name_at_submission_too(reviewing):
    """A name saved before save mode was on is refused by the evaluation (22215)."""
    client, _, served = reviewing()
    product, _ = cnam_product(client, display_name="Boston")
    served.emu.update_config(display_name_check="save")
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    assert (err.value.status, err.value.code) == (400, 22215)


def test_a_name_registered_by_another_account_is_rejected(reviewing):
    client, clock, served = reviewing()
    theirs = served.client(account=OTHER_ACCOUNT, password=OTHER_TOKEN)
    taken, _ = cnam_product(theirs, "theirs", display_name="ACME SALES", profile="Other Corp")
    served.emu.approve(taken.sid)
    reviewed = submit_and_review(client, clock, "Acme  sales")  # same name, other spelling
    assert (reviewed.status, reviewed.errors) == ("twilio-rejected", [{"code": 11009}])


def test_configured_taken_names_are_rejected(reviewing):
    client, clock, _ = reviewing(taken_display_names=("ACME SALES",))
    assert submit_and_review(client, clock, "ACME SALES").errors == [{"code": 11009}]


def test_business_match_is_checked_when_asked(reviewing):
    client, clock, _ = reviewing(check_business_match=True)
    assert submit_and_review(client, clock, "ZORK DELIVERY").errors == [{"code": 11007}]
    assert (
        submit_and_review(client, clock, "ACME SALES", LOCAL[1], name="two").status
        == "twilio-approved"
    )


def test_the_reviewer_decides_when_the_review_is_due(reviewing):
    """The decision is taken at review time, with the config then in force."""
    client, clock, served = reviewing()
    product, _ = cnam_product(client, numbers=(LOCAL[0],))
    tp = client.trusthub.v1.trust_products(product.sid)
    tp.update(status="pending-review")
    served.emu.update_config(review_mode="auto-reject", reject_error_code=11006)
    clock.advance(DELAY)
    assert tp.fetch().errors == [{"code": 11006}]


def test_a_review_due_in_manual_mode_waits_for_an_admin(reviewing):
    client, clock, served = reviewing(review_mode="manual")
    product, _ = cnam_product(client)
    tp = client.trusthub.v1.trust_products(product.sid)
    tp.update(status="pending-review")
    clock.advance(DELAY)
    assert tp.fetch().status == "in-review"
    served.emu.update_config(review_mode="auto-approve")
    clock.advance(DELAY)
    assert tp.fetch().status == "in-review"  # parked: a person decides
    served.emu.approve(product.sid)
    assert tp.fetch().status == "twilio-approved"


def human_outcomes(serve, seed: int) -> list[str]:
    clock = ManualClock()
    config = EmulatorConfig(
        review_delay=DELAY,
        human_rejection_rate=0.5,
        human_rejection_codes=(11007, 11009),
        random_seed=seed,
    )
    client = serve(config=config, clock=clock).client()
    outcomes = []
    for i in range(8):
        product, _ = cnam_product(client, f"p{i}", display_name=f"ACME {chr(65 + i)}")
        client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
        clock.advance(DELAY)
        reviewed = client.trusthub.v1.trust_products(product.sid).fetch()
        outcomes.append(str(reviewed.errors[0]["code"]) if reviewed.errors else reviewed.status)
    return outcomes


def test_human_rejections_are_seeded_and_use_the_chosen_codes(serve):
    first, second = human_outcomes(serve, 7), human_outcomes(serve, 7)
    assert first == second
    assert "twilio-approved" in first
    assert set(first) - {"twilio-approved"} <= {"11007", "11009"} and len(set(first)) > 1
