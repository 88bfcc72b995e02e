"""CNAM business rules: display names, number eligibility, uniqueness, locks."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from cnamctl import CNAM_POLICY_SID
from cnamctl.emulator import EmulatorConfig
from cnamctl.emulator.domain import rules
from cnamctl.emulator.domain.policies import SHAKEN_STIR_POLICY_SID

from .helpers import (
    CANADIAN,
    LOCAL,
    NOT_ON_PROFILE,
    TOLL_FREE,
    cnam_product,
    number_sid,
    profile_sid,
)


@pytest.mark.parametrize("name", ["ACME SALES", "Acme, Inc.", "A", "Acme 24 7", "Z" * 15])
def test_valid_display_names(name):
    assert rules.display_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "missing"),
        ("ACME SALES AND SUPPORT", "15 characters"),
        ("1 ACME", "begin with a letter"),
        (" ACME", "begin with a letter"),
        ("ACME & SONS", "only letters"),
        ("ACME-SALES", "only letters"),
        ("ÄCME", "begin with a letter"),
        ("San Francisco", "generic"),
        ("TEXAS", "generic"),
        ("NY", "generic"),
        ("Seattle, WA", "generic"),
        ("Chicago IL", "generic"),
    ],
)
def test_invalid_display_names(name, reason):
    problem = rules.display_name_problem(name)
    assert problem is not None and reason in problem


@pytest.mark.parametrize(
    ("name", "prohibited"),
    [
        ("ACME POLICE", True),
        ("FBI", True),
        ("Acme 911", True),
        ("Policeman Co", False),
        ("ACME", False),
    ],
)
def test_prohibited_terms(name, prohibited):
    assert (rules.prohibited_content(name) is not None) is prohibited


INVALID_NAMES = ["ACME & CO", "1800FLOWERS", "California", "THIS NAME IS WAY TOO LONG"]


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_end_user_saves_any_display_name_by_default(client, name):
    user = client.trusthub.v1.end_users.create(
        friendly_name="x", type="cnam_information", attributes={"cnam_display_name": name}
    )
    assert user.attributes == {"cnam_display_name": name}


@pytest.fixture
def save_checked(serve):
    """An emulator refusing invalid display names when the end user is saved."""
    return serve(config=EmulatorConfig(display_name_check="save")).client()


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_save_mode_refuses_invalid_display_name(save_checked, name):
    with pytest.raises(TwilioRestException) as err:
        save_checked.trusthub.v1.end_users.create(
            friendly_name="x", type="cnam_information", attributes={"cnam_display_name": name}
        )
    assert (err.value.status, err.value.code) == (400, 11009)


def test_save_mode_checks_display_name_updates(save_checked):
    client = save_checked
    user = client.trusthub.v1.end_users.create(
        friendly_name="x", type="cnam_information", attributes={"cnam_display_name": "ACME"}
    )
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.end_users(user.sid).update(attributes={"cnam_display_name": "Boston"})
    assert err.value.code == 11009
    assert client.trusthub.v1.end_users(user.sid).fetch().attributes == {
        "cnam_display_name": "ACME"
    }


def test_end_user_attributes_must_be_json_object(served):
    answer = served.http().post(
        served.url("/v1/EndUsers"),
        data={"FriendlyName": "x", "Type": "cnam_information", "Attributes": "{not json"},
    )
    assert answer.status_code == 400 and answer.json()["code"] == 22207


def test_end_user_type_must_be_known(client):
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.end_users.create(friendly_name="x", type="nonsense")
    assert err.value.code == 22212


@pytest.mark.parametrize(
    ("e164", "fragment"),
    [(TOLL_FREE, "toll-free"), (CANADIAN, "Canadian"), (NOT_ON_PROFILE, "Business Profile")],
)
def test_ineligible_numbers_cannot_join_a_cnam_product(client, e164, fragment):
    product, _ = cnam_product(client)
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.trust_products(
            product.sid
        ).trust_products_channel_endpoint_assignment.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, e164)
        )
    assert (err.value.status, err.value.code) == (400, 20001)
    assert fragment in err.value.msg


def test_numbers_need_a_business_profile_on_the_product(client):
    product, _ = cnam_product(client, profile=None)
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.trust_products(
            product.sid
        ).trust_products_channel_endpoint_assignment.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, LOCAL[0])
        )
    assert err.value.status == 400


def test_a_number_belongs_to_one_cnam_product(client):
    first, _ = cnam_product(client, "one", numbers=(LOCAL[0],))
    second, _ = cnam_product(client, "two")
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.trust_products(
            second.sid
        ).trust_products_channel_endpoint_assignment.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, LOCAL[0])
        )
    assert (err.value.status, err.value.code) == (409, 20409)
    assert first.sid in err.value.msg


def test_shaken_stir_products_coexist_with_cnam(client):
    cnam, _ = cnam_product(client, numbers=(LOCAL[0],))
    shaken = client.trusthub.v1.trust_products.create(
        friendly_name="shaken", email="a@acme.example", policy_sid=SHAKEN_STIR_POLICY_SID
    )
    tp = client.trusthub.v1.trust_products(shaken.sid)
    tp.trust_products_entity_assignments.create(object_sid=profile_sid(client))
    # Same number, different product family; toll-free is fine outside CNAM.
    for e164 in (LOCAL[0], TOLL_FREE):
        tp.trust_products_channel_endpoint_assignment.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, e164)
        )
    cnam_only = client.trusthub.v1.trust_products.list(policy_sid=CNAM_POLICY_SID)
    assert [p.sid for p in cnam_only] == [cnam.sid]


def test_channel_assignment_list_filter_and_fetch(client):
    product, _ = cnam_product(client, numbers=(LOCAL[0], LOCAL[1]))
    assignments = client.trusthub.v1.trust_products(
        product.sid
    ).trust_products_channel_endpoint_assignment
    sid0 = number_sid(client, LOCAL[0])
    assert len(assignments.list()) == 2
    only = assignments.list(channel_endpoint_sid=sid0)
    assert [a.channel_endpoint_sid for a in only] == [sid0]
    both = assignments.list(channel_endpoint_sids=f"{sid0},{number_sid(client, LOCAL[1])}")
    assert len(both) == 2
    assert assignments.list(channel_endpoint_sids=",") == []
    fetched = (
        client.trusthub.v1.trust_products(product.sid)
        .trust_products_channel_endpoint_assignment(only[0].sid)
        .fetch()
    )
    assert (
        fetched.trust_product_sid == product.sid and fetched.channel_endpoint_type == "phone-number"
    )
    assert fetched.delete() is True
    assert len(assignments.list()) == 1


def test_locked_products_refuse_entity_changes_with_60711(serve):
    client = serve(config=EmulatorConfig(review_mode="manual", review_delay=10)).client()
    product, end_user = cnam_product(client, numbers=(LOCAL[0],))
    tp = client.trusthub.v1.trust_products(product.sid)
    tp.update(status="pending-review")
    other = client.trusthub.v1.end_users.create(
        friendly_name="other", type="cnam_information", attributes={"cnam_display_name": "OTHER"}
    )
    refused = [
        lambda: tp.trust_products_entity_assignments.create(object_sid=other.sid),
        lambda: tp.trust_products_entity_assignments(
            tp.trust_products_entity_assignments.list()[0].sid
        ).delete(),
        lambda: client.trusthub.v1.end_users(end_user.sid).update(
            attributes={"cnam_display_name": "NEW"}
        ),
        lambda: tp.trust_products_channel_endpoint_assignment.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, LOCAL[1])
        ),
        lambda: tp.update(email="new@acme.example"),
    ]
    for attempt in refused:
        with pytest.raises(TwilioRestException) as err:
            attempt()
        assert (err.value.status, err.value.code) == (400, 60711)
    # The friendly name of a locked end user may still change.
    assert (
        client.trusthub.v1.end_users(end_user.sid).update(friendly_name="renamed").friendly_name
        == "renamed"
    )


def test_approved_products_take_numbers_but_not_entities(serve):
    served = serve(config=EmulatorConfig(review_delay=0))
    client = served.client()
    product, end_user = cnam_product(client, numbers=(LOCAL[0],))
    tp = client.trusthub.v1.trust_products(product.sid)
    tp.update(status="pending-review")
    assert tp.fetch().status == "twilio-approved"
    added = tp.trust_products_channel_endpoint_assignment.create(
        channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, LOCAL[1])
    )
    assert tp.trust_products_channel_endpoint_assignment(added.sid).delete() is True
    for attempt in (
        lambda: client.trusthub.v1.end_users(end_user.sid).update(
            attributes={"cnam_display_name": "ACME NEW"}
        ),
        lambda: tp.update(email="new@acme.example"),
        lambda: tp.trust_products_entity_assignments.create(
            object_sid=profile_sid(client, "Acme Draft")
        ),
    ):
        with pytest.raises(TwilioRestException) as err:
            attempt()
        assert err.value.code == 60711


def test_assigned_end_user_cannot_be_deleted(client):
    _, end_user = cnam_product(client)
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.end_users(end_user.sid).delete()
    assert (err.value.status, err.value.code) == (409, 20409)
    loose = client.trusthub.v1.end_users.create(
        friendly_name="loose", type="cnam_information", attributes={"cnam_display_name": "LOOSE"}
    )
    assert client.trusthub.v1.end_users(loose.sid).delete() is True


def test_deleting_a_product_removes_its_assignments(client):
    product, end_user = cnam_product(client, numbers=(LOCAL[0],))
    client.trusthub.v1.trust_products(product.sid).delete()
    # The end user and the number are free again.
    assert client.trusthub.v1.end_users(end_user.sid).delete() is True
    again, _ = cnam_product(client, "again", numbers=(LOCAL[0],))
    assert (
        len(
            client.trusthub.v1.trust_products(
                again.sid
            ).trust_products_channel_endpoint_assignment.list()
        )
        == 1
    )


def test_profile_number_in_use_by_a_product_cannot_be_unassigned(client):
    cnam_product(client, numbers=(LOCAL[0],))
    profile = client.trusthub.v1.customer_profiles(profile_sid(client))
    assignment = profile.customer_profiles_channel_endpoint_assignment.list(
        channel_endpoint_sid=number_sid(client, LOCAL[0])
    )[0]
    with pytest.raises(TwilioRestException) as err:
        profile.customer_profiles_channel_endpoint_assignment(assignment.sid).delete()
    assert err.value.code == 20409
    free = profile.customer_profiles_channel_endpoint_assignment.list(
        channel_endpoint_sid=number_sid(client, LOCAL[4])
    )[0]
    assert profile.customer_profiles_channel_endpoint_assignment(free.sid).delete() is True


def test_a_number_belongs_to_one_business_profile(client):
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.customer_profiles(
            profile_sid(client, "Acme Draft")
        ).customer_profiles_channel_endpoint_assignment.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, LOCAL[0])
        )
    assert err.value.code == 20409


def test_entity_assignment_validation(client):
    product, _ = cnam_product(client, display_name=None, profile=None)
    assignments = client.trusthub.v1.trust_products(product.sid).trust_products_entity_assignments
    with pytest.raises(TwilioRestException) as err:
        assignments.create(object_sid="IT" + "0" * 32)
    assert err.value.code == 22205
    with pytest.raises(TwilioRestException) as err:
        assignments.create(object_sid=number_sid(client, LOCAL[0]))
    assert err.value.code == 22206
    with pytest.raises(TwilioRestException) as err:
        assignments.create(object_sid="not-a-sid")
    assert err.value.code == 20001
    created = assignments.create(object_sid=profile_sid(client))
    assert created.sid.startswith("BV") and created.trust_product_sid == product.sid
    with pytest.raises(TwilioRestException) as err:
        assignments.create(object_sid=profile_sid(client))
    assert err.value.code == 20409
    assert [a.object_sid for a in assignments.list(object_type="customer_profile")] == [
        profile_sid(client)
    ]
    assert assignments.list(object_type="end_user") == []


def test_rejected_products_take_numbers_and_entity_changes(serve):
    client = serve(config=EmulatorConfig(review_mode="auto-reject", review_delay=0)).client()
    product, end_user = cnam_product(client, numbers=(LOCAL[0],))
    tp = client.trusthub.v1.trust_products(product.sid)
    tp.update(status="pending-review")
    assert tp.fetch().status == "twilio-rejected"
    numbers = tp.trust_products_channel_endpoint_assignment
    added = numbers.create(
        channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, LOCAL[1])
    )
    assert numbers(added.sid).delete() is True
    entities = tp.trust_products_entity_assignments
    user_assignment = entities.list(object_type="end_user")[0]
    assert entities(user_assignment.sid).delete() is True
    assert entities.create(object_sid=end_user.sid).object_sid == end_user.sid
    renamed = client.trusthub.v1.end_users(end_user.sid).update(
        attributes={"cnam_display_name": "ACME FIXED"}
    )
    assert renamed.attributes == {"cnam_display_name": "ACME FIXED"}
