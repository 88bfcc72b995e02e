"""The harder Twilio: latency with seeded jitter, and read-after-write lag.

On a ManualClock the emulator's sleeps are recorded, not waited, and the lag
window is crossed by advancing the clock.
"""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

from cnamctl.emulator import EmulatorConfig, ManualClock

from .helpers import ACCOUNT, LOCAL, cnam_product, number_sid, profile_sid

LAG_MS = 500.0


def delays(serve, seed: int, count: int = 12) -> list[float]:
    clock = ManualClock()
    served = serve(
        config=EmulatorConfig(latency_ms=20, jitter_ms=800, random_seed=seed), clock=clock
    )
    http = served.http()
    for _ in range(count):
        assert http.get(served.url("/v1/Policies")).status_code == 200
    return clock.slept


def test_jitter_is_seeded_and_spread(serve):
    first, again, other = delays(serve, 3), delays(serve, 3), delays(serve, 4)
    assert first == again and first != other
    assert all(0.02 <= d <= 0.82 for d in first)
    assert max(first) - min(first) > 0.2  # spread, not a constant delay


@pytest.fixture
def lagging(serve):
    def start(**knobs):
        clock = ManualClock()
        config = EmulatorConfig(lag_ms=LAG_MS, random_seed=5, **knobs)
        served = serve(config=config, clock=clock)
        return served.client(), clock, served

    return start


def test_a_created_object_is_missing_until_the_lag_passes(lagging):
    client, clock, _ = lagging()
    user = client.trusthub.v1.end_users.create(
        friendly_name="new", type="cnam_information", attributes={"cnam_display_name": "ACME"}
    )
    assert client.trusthub.v1.end_users.list() == []
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.end_users(user.sid).fetch()
    assert (err.value.status, err.value.code) == (404, 20404)
    clock.advance(LAG_MS / 1000)
    assert [u.sid for u in client.trusthub.v1.end_users.list()] == [user.sid]
    assert client.trusthub.v1.end_users(user.sid).fetch().friendly_name == "new"


def test_writes_see_what_reads_do_not_yet(lagging):
    """A write naming a lagging object finds it (writes read the primary)."""
    client, _, _ = lagging()
    product, user = cnam_product(client, numbers=(LOCAL[0],))  # assigns what it just made
    assert client.trusthub.v1.trust_products.list() == []
    with pytest.raises(TwilioException, match="404"):
        client.trusthub.v1.trust_products(product.sid).trust_products_entity_assignments.list()
    assert user is not None


def test_a_changed_object_is_stale_until_the_lag_passes(lagging):
    client, clock, _ = lagging()
    sid = number_sid(client, LOCAL[0])
    number = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers(sid)
    assert number.update(friendly_name="renamed").friendly_name == "renamed"  # the write's answer
    assert number.fetch().friendly_name == "(415) 555-0100"
    listed = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers.list(phone_number=LOCAL[0])
    assert [n.friendly_name for n in listed] == ["(415) 555-0100"]
    clock.advance(LAG_MS / 1000)
    assert number.fetch().friendly_name == "renamed"


def test_lag_changes_missing_hides_changed_objects(lagging):
    client, clock, _ = lagging(lag_changes="missing")
    profile = client.trusthub.v1.customer_profiles(profile_sid(client, "Acme Draft"))
    profile.update(email="new@acme.example")
    with pytest.raises(TwilioRestException) as err:
        profile.fetch()
    assert err.value.status == 404
    clock.advance(LAG_MS / 1000)
    assert profile.fetch().email == "new@acme.example"


def test_deletes_are_immediate_and_catch_up_ends_every_lag(lagging):
    client, _, served = lagging()
    users = [
        client.trusthub.v1.end_users.create(
            friendly_name=f"u{i}", type="cnam_information", attributes={"cnam_display_name": "A"}
        )
        for i in range(3)
    ]
    assert client.trusthub.v1.end_users(users[0].sid).delete() is True
    answer = served.http(auth=None).post(served.url("/_emulator/lag/catch-up"))
    assert answer.status_code == 200 and answer.json() == {"caught_up": 2}
    assert sorted(u.sid for u in client.trusthub.v1.end_users.list()) == sorted(
        u.sid for u in users[1:]
    )


def test_no_lag_by_default(client):
    user = client.trusthub.v1.end_users.create(
        friendly_name="x", type="cnam_information", attributes={"cnam_display_name": "ACME"}
    )
    assert client.trusthub.v1.end_users(user.sid).fetch().sid == user.sid
