"""Lookup v2 (``GET /v2/PhoneNumbers/{PhoneNumber}``) from the emulator's CNAM database:
an approved product's display name reaches it ``cnam_propagation_delay`` seconds after
approval (or after a number joins an approved product), the previous name answering
until then; other numbers answer as Twilio documents; billed lookups are counted.
Time moves only when the test advances the injected clock."""

from __future__ import annotations

from typing import Any

import pytest
from support.seeds import (
    ACCOUNT,
    CANADIAN,
    LOCAL,
    OTHER_ACCOUNT,
    OTHER_TOKEN,
    TOKEN,
    TOLL_FREE,
    cnam_product,
    small_seed,
)

from cnamctl.emulator import Emulator, EmulatorConfig, ManualClock

DELAY = 3600.0
BRANDED, LATER = LOCAL[0], LOCAL[1]


def seed_with_draft() -> dict[str, Any]:
    data = small_seed()
    data["accounts"][0]["trust_products"] = [
        cnam_product("acme-sales", "Acme Corp", "ACME SALES", [BRANDED])
    ]
    return data


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def world(serve, clock):
    served = serve(seed=seed_with_draft(), clock=clock, cnam_propagation_delay=DELAY)
    client = served.client()
    product = client.trusthub.v1.trust_products.list(friendly_name="acme-sales")[0]
    return served, client, product.sid


def caller_name(client, number: str = BRANDED) -> Any:
    return client.lookups.v2.phone_numbers(number).fetch(fields="caller_name").caller_name


def test_an_approved_name_reaches_the_database_after_the_delay(world, clock):
    served, client, product = world
    assert caller_name(client)["caller_name"] is None  # a draft registers nothing
    served.emu.approve(product)
    assert caller_name(client) == {"caller_name": None, "caller_type": None, "error_code": None}
    clock.advance(DELAY - 1)
    assert caller_name(client)["caller_name"] is None
    clock.advance(1)
    assert caller_name(client) == {
        "caller_name": "ACME SALES",
        "caller_type": "BUSINESS",
        "error_code": None,
    }


def test_a_number_assigned_after_approval_propagates_from_its_assignment(world, clock):
    served, client, product = world
    served.emu.approve(product)
    clock.advance(DELAY * 2)
    number = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers.list(phone_number=LATER)
    channels = client.trusthub.v1.trust_products(product).trust_products_channel_endpoint_assignment
    channels.create(channel_endpoint_type="phone-number", channel_endpoint_sid=number[0].sid)
    clock.advance(DELAY / 2)
    assert caller_name(client, LATER)["caller_name"] is None
    assert caller_name(client, BRANDED)["caller_name"] == "ACME SALES"
    clock.advance(DELAY / 2)
    assert caller_name(client, LATER)["caller_name"] == "ACME SALES"


def test_an_unassigned_number_keeps_its_name_until_the_removal_propagates(world, clock):
    served, client, product = world
    served.emu.approve(product)
    clock.advance(DELAY)
    channels = client.trusthub.v1.trust_products(product).trust_products_channel_endpoint_assignment
    (assignment,) = channels.list()
    channels(assignment.sid).delete()
    assert caller_name(client)["caller_name"] == "ACME SALES"
    clock.advance(DELAY)
    assert caller_name(client)["caller_name"] is None


def test_a_product_rejected_after_approval_is_removed_from_the_time_of_the_decision(world, clock):
    served, client, product = world
    served.emu.approve(product)
    clock.advance(DELAY)
    served.emu.reject(product, [11009])
    clock.advance(DELAY - 1)
    assert caller_name(client)["caller_name"] == "ACME SALES"
    clock.advance(1)
    assert caller_name(client)["caller_name"] is None


def test_the_database_is_shared_by_every_account(world, clock):
    served, _, product = world
    served.emu.approve(product)
    clock.advance(DELAY)
    other = served.client(OTHER_ACCOUNT, password=OTHER_TOKEN)
    assert caller_name(other)["caller_name"] == "ACME SALES"


def test_the_delay_in_force_at_lookup_time_applies(world, clock):
    served, client, product = world
    served.emu.approve(product)
    assert caller_name(client)["caller_name"] is None
    served.emu.update_config(cnam_propagation_delay=0)
    assert caller_name(client)["caller_name"] == "ACME SALES"


def test_a_number_answers_as_twilio_documents(served, client):
    answer = client.lookups.v2.phone_numbers(LOCAL[3]).fetch(fields="caller_name")
    assert answer.valid is True
    assert (answer.calling_country_code, answer.country_code) == ("1", "US")
    assert answer.national_format == "(415) 555-0103"
    assert answer.validation_errors is None
    assert answer.caller_name == {"caller_name": None, "caller_type": None, "error_code": None}
    assert answer.sim_swap is None and answer.line_type_intelligence is None
    assert answer.url == f"https://lookups.twilio.com/v2/PhoneNumbers/{LOCAL[3]}"
    national = client.lookups.v2.phone_numbers("(415) 555-0104").fetch(country_code="US")
    assert national.phone_number == LOCAL[4]
    assert national.caller_name is None  # not asked for


def test_only_us_caller_names_are_answered_and_billed(served, client):
    served.emu.reset_stats()
    canadian = client.lookups.v2.phone_numbers(CANADIAN).fetch(fields="caller_name")
    assert canadian.valid is True and canadian.country_code == "CA"
    assert canadian.caller_name is None  # "outside the US will return null"
    toll_free = client.lookups.v2.phone_numbers(TOLL_FREE).fetch(fields="caller_name")
    assert toll_free.caller_name is not None
    client.lookups.v2.phone_numbers(LOCAL[2]).fetch()  # no caller_name asked: not billed
    stats = served.emu.stats()
    assert stats["requests"]["GET /v2/PhoneNumbers/{PhoneNumber}"] == 3
    assert stats["lookups"] == {"caller_name": 1}


@pytest.mark.parametrize(
    ("number", "reason", "shown"),
    [
        ("+1415", "TOO_SHORT", None),  # not E.164-shaped: null, like the unreadable
        ("+141599299600", "TOO_LONG", "+141599299600"),
        ("+14155550000000000000", "TOO_LONG", None),
        ("not-a-number", "NOT_A_NUMBER", None),
        ("+999123456", "INVALID_COUNTRY_CODE", None),
    ],
)
def test_an_invalid_number_answers_200_with_its_validation_errors(served, number, reason, shown):
    answer = served.http().get(served.url(f"/v2/PhoneNumbers/{number}?Fields=caller_name"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["valid"] is False
    assert body["validation_errors"] == [reason]
    assert body["phone_number"] == shown
    assert body["caller_name"] is None and body["national_format"] is None


@pytest.mark.parametrize(
    ("fields", "words"),
    [("sim_swap", "serves validation and caller_name, not sim_swap"), ("cnam", "is not one of")],
)
def test_fields_the_emulator_does_not_serve_are_refused(served, fields, words):
    answer = served.http().get(served.url(f"/v2/PhoneNumbers/{LOCAL[0]}?Fields={fields}"))
    assert answer.status_code == 400
    assert answer.json()["code"] == 20001
    assert words in answer.json()["message"]
    assert served.emu.stats()["lookups"] == {}


def test_lookups_need_credentials(served):
    answer = served.http(auth=None).get(served.url(f"/v2/PhoneNumbers/{LOCAL[0]}"))
    assert answer.status_code == 401
    assert (
        served.http(auth=(ACCOUNT, TOKEN + "x"))
        .get(served.url(f"/v2/PhoneNumbers/{LOCAL[0]}"))
        .status_code
        == 401
    )


def test_registrations_survive_a_restart(tmp_path, clock):
    db = tmp_path / "emu.sqlite"
    config = EmulatorConfig(cnam_propagation_delay=DELAY)
    with Emulator(db_path=db, seed=seed_with_draft(), config=config, clock=clock) as emu:
        (product,) = [r for r in _bundles(emu) if r[1] == "acme-sales"]
        emu.approve(product[0])
    clock.advance(DELAY)
    with Emulator(db_path=db, config=config, clock=clock) as emu, emu.serve() as server:
        from cnamctl.twilio import Credentials, make_client

        client = make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), server.base_url)
        assert caller_name(client)["caller_name"] == "ACME SALES"


def _bundles(emu: Emulator) -> list[tuple[str, str]]:
    with emu.store.transaction() as conn:
        return [(r[0], r[1]) for r in conn.execute("SELECT sid, friendly_name FROM bundles")]
