"""Every operation the emulator serves, driven successfully by the real twilio SDK.

One walk through all of them with ``twilio.rest.Client`` (through cnamctl's
RewritingHttpClient); the emulator's stats then prove that each (method, path
template) was hit and that every answer was a success. The SchemaGuard of the
``serve`` fixture validates each body against the OpenAPI specs on the way.
"""

from __future__ import annotations

from cnamctl import CNAM_POLICY_SID
from cnamctl.emulator.domain.policies import SECONDARY_PROFILE_POLICY_SID

from .helpers import ACCOUNT, LOCAL, NOT_ON_PROFILE, number_sid, profile_sid


def walk_customer_profiles(client) -> None:
    trusthub = client.trusthub.v1
    profile = trusthub.customer_profiles.create(
        friendly_name="Walk Co", email="walk@acme.example", policy_sid=SECONDARY_PROFILE_POLICY_SID
    )
    assert profile.status == "draft"
    assert profile.sid in {p.sid for p in trusthub.customer_profiles.list()}
    cp = trusthub.customer_profiles(profile.sid)
    assert cp.fetch().email == "walk@acme.example"
    assert cp.update(friendly_name="Walk Co 2").friendly_name == "Walk Co 2"

    user = trusthub.end_users.create(
        friendly_name="walk info",
        type="customer_profile_business_information",
        attributes={"business_name": "Walk Co"},
    )
    entities = cp.customer_profiles_entity_assignments
    entity = entities.create(object_sid=user.sid)
    assert [e.sid for e in entities.list()] == [entity.sid]
    assert entities(entity.sid).fetch().object_sid == user.sid
    assert entities(entity.sid).delete() is True

    channels = cp.customer_profiles_channel_endpoint_assignment
    channel = channels.create(
        channel_endpoint_type="phone-number",
        channel_endpoint_sid=number_sid(client, NOT_ON_PROFILE),
    )
    assert [c.sid for c in channels.list()] == [channel.sid]
    assert channels(channel.sid).fetch().customer_profile_sid == profile.sid
    assert channels(channel.sid).delete() is True

    evaluations = cp.customer_profiles_evaluations
    evaluation = evaluations.create(policy_sid=SECONDARY_PROFILE_POLICY_SID)
    assert evaluation.status == "noncompliant"
    assert [e.sid for e in evaluations.list()] == [evaluation.sid]
    assert evaluations(evaluation.sid).fetch().results == evaluation.results
    assert cp.delete() is True


def walk_trust_products(client) -> None:
    trusthub = client.trusthub.v1
    product = trusthub.trust_products.create(
        friendly_name="walk", email="walk@acme.example", policy_sid=CNAM_POLICY_SID
    )
    assert [p.sid for p in trusthub.trust_products.list(policy_sid=CNAM_POLICY_SID)] == [
        product.sid
    ]
    tp = trusthub.trust_products(product.sid)
    assert tp.fetch().status == "draft"
    assert tp.update(email="walk2@acme.example").email == "walk2@acme.example"

    user = trusthub.end_users.create(
        friendly_name="walk cnam", type="cnam_information", attributes={"cnam_display_name": "WALK"}
    )
    assert user.sid in {u.sid for u in trusthub.end_users.list()}
    assert trusthub.end_users(user.sid).fetch().attributes == {"cnam_display_name": "WALK"}
    renamed = trusthub.end_users(user.sid).update(attributes={"cnam_display_name": "WALK IN"})
    assert renamed.attributes == {"cnam_display_name": "WALK IN"}

    entities = tp.trust_products_entity_assignments
    entities.create(object_sid=profile_sid(client))
    entity = entities.create(object_sid=user.sid)
    assert len(entities.list()) == 2
    assert entities(entity.sid).fetch().object_sid == user.sid

    channels = tp.trust_products_channel_endpoint_assignment
    channel = channels.create(
        channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid(client, LOCAL[0])
    )
    assert [c.sid for c in channels.list(channel_endpoint_sid=channel.channel_endpoint_sid)] == [
        channel.sid
    ]
    assert channels(channel.sid).fetch().trust_product_sid == product.sid
    assert channels(channel.sid).delete() is True

    evaluations = tp.trust_products_evaluations
    evaluation = evaluations.create(policy_sid=CNAM_POLICY_SID)
    assert evaluation.status == "compliant"
    assert [e.sid for e in evaluations.list()] == [evaluation.sid]
    assert evaluations(evaluation.sid).fetch().status == "compliant"

    assert entities(entity.sid).delete() is True
    assert trusthub.end_users(user.sid).delete() is True
    assert tp.delete() is True


def walk_api_2010(client) -> None:
    account = client.api.v2010.accounts(ACCOUNT)
    assert account.fetch().owner_account_sid == ACCOUNT
    numbers = account.incoming_phone_numbers
    sid = number_sid(client, LOCAL[1])
    assert numbers(sid).fetch().phone_number == LOCAL[1]
    assert numbers(sid).update(voice_caller_id_lookup=True).voice_caller_id_lookup is True

    caller_ids = account.outgoing_caller_ids
    front = caller_ids.list(phone_number="+14155550199")[0]
    assert caller_ids(front.sid).fetch().friendly_name == "Front desk"
    assert caller_ids(front.sid).update(friendly_name="Lobby").friendly_name == "Lobby"
    assert caller_ids(front.sid).delete() is True
    request = account.validation_requests.create(phone_number="+14155550177")
    assert len(request.validation_code) == 6


def walk_lookups(client) -> None:
    found = client.lookups.v2.phone_numbers(LOCAL[2]).fetch(fields="caller_name")
    assert found.phone_number == LOCAL[2] and found.valid is True
    assert found.caller_name == {"caller_name": None, "caller_type": None, "error_code": None}


def test_every_operation_through_the_sdk(served):
    client = served.client()
    trusthub = client.trusthub.v1
    served.emu.reset_stats()
    assert {p.sid for p in trusthub.policies.list()} >= {CNAM_POLICY_SID}
    assert trusthub.policies(CNAM_POLICY_SID).fetch().friendly_name == "CNAM Trust Product"
    walk_customer_profiles(client)
    walk_trust_products(client)
    walk_api_2010(client)
    walk_lookups(client)

    stats = served.emu.stats()
    assert set(stats["responses_by_status"]) <= {"200", "201", "204"}
    missing = {f"{m} {t}" for m, t in served.emu.operations()} - set(stats["requests"])
    assert not missing, sorted(missing)
    assert served.guard.checked == stats["total_requests"]
