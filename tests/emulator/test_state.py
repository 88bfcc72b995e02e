"""State: persistence across restarts, seeding semantics, concurrent writers."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from twilio.base.exceptions import TwilioRestException

from cnamctl.emulator import Emulator, SeedError
from cnamctl.emulator.storage.seed import demo_seed_text, example_seed_text

from .helpers import ACCOUNT, LOCAL, TOKEN, cnam_product, number_sid, small_seed

PRIMARY = "RN6433641899984f951173ef1738c3bdd0"
SECONDARY = "RNdfbf3fae0e1107f8aded0e7cead80bf5"


def test_file_database_survives_a_restart(serve, tmp_path):
    db = str(tmp_path / "state" / "emu.sqlite")
    first = serve(db_path=db)
    client = first.client()
    product, _ = cnam_product(client, numbers=(LOCAL[0],))
    client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers(number_sid(client, LOCAL[0])).update(
        voice_caller_id_lookup=True
    )
    first.handle.shutdown()
    first.emu.close()

    # A different seed is ignored: the database is not empty.
    second = serve(db_path=db, seed={"accounts": []})
    assert second.emu.seed_summary is None
    client = second.client()
    assert client.trusthub.v1.trust_products(product.sid).fetch().friendly_name == "acme-sales"
    assigned = client.trusthub.v1.trust_products(
        product.sid
    ).trust_products_channel_endpoint_assignment.list()
    assert [a.channel_endpoint_sid for a in assigned] == [number_sid(client, LOCAL[0])]
    number = (
        client.api.v2010.accounts(ACCOUNT)
        .incoming_phone_numbers(number_sid(client, LOCAL[0]))
        .fetch()
    )
    assert number.voice_caller_id_lookup is True


def test_seed_if_empty(tmp_path):
    emu = Emulator(db_path=str(tmp_path / "e.sqlite"))
    try:
        assert emu.accounts() == []
        assert emu.seed_if_empty(small_seed()) is True
        assert emu.seed_if_empty(small_seed()) is False
        assert ACCOUNT in emu.accounts()
    finally:
        emu.close()


def test_seeded_sids_are_stable():
    one, two = Emulator(seed=small_seed()), Emulator(seed=small_seed())
    try:
        query = "SELECT sid FROM phone_numbers ORDER BY sid"
        with one.store.transaction() as a, two.store.transaction() as b:
            assert a.execute(query).fetchall() == b.execute(query).fetchall()
    finally:
        one.close()
        two.close()


def test_ten_thousand_numbers_seed_fast():
    seed = {
        "accounts": [
            {
                "sid": ACCOUNT,
                "auth_token": TOKEN,
                "incoming_numbers": [{"count": 10_000, "prefix": "+1415"}],
            }
        ]
    }
    started = time.perf_counter()
    emu = Emulator(seed=seed)
    elapsed = time.perf_counter() - started
    try:
        assert emu.seed_summary["accounts"][0]["incoming_numbers"] == 10_000
        assert elapsed < 5.0
    finally:
        emu.close()


@pytest.mark.parametrize(
    ("account", "fragment"),
    [
        ({"sid": "AC1", "auth_token": "x"}, "invalid seed"),
        ({"sid": ACCOUNT, "auth_token": "x", "unknown_key": 1}, "invalid seed"),
        (
            {"sid": ACCOUNT, "auth_token": "x", "incoming_numbers": ["12"]},
            "not a valid phone number",
        ),
        (
            {
                "sid": ACCOUNT,
                "auth_token": "x",
                "business_profiles": [{"friendly_name": "A", "phone_numbers": ["+14155550100"]}],
            },
            "not among incoming_numbers",
        ),
        (
            {
                "sid": ACCOUNT,
                "auth_token": "x",
                "incoming_numbers": ["+18005550100"],
                "business_profiles": [{"friendly_name": "A", "phone_numbers": ["+18005550100"]}],
                "trust_products": [
                    {
                        "friendly_name": "p",
                        "business_profile": "A",
                        "phone_numbers": ["+18005550100"],
                    }
                ],
            },
            "toll-free",
        ),
        (
            {
                "sid": ACCOUNT,
                "auth_token": "x",
                "trust_products": [{"friendly_name": "p", "display_name": "Texas"}],
            },
            "generic",
        ),
        (
            {
                "sid": ACCOUNT,
                "auth_token": "x",
                "trust_products": [{"friendly_name": "p", "business_profile": "Nope"}],
            },
            "no business profile",
        ),
    ],
)
def test_bad_seeds_are_refused_and_leave_the_database_empty(account, fragment):
    emu = Emulator()
    try:
        with pytest.raises(SeedError, match=fragment):
            emu.seed_if_empty({"accounts": [account]})
        assert emu.accounts() == []
    finally:
        emu.close()


def test_seed_file_from_path(tmp_path):
    path = tmp_path / "seed.yaml"
    path.write_text(example_seed_text())
    emu = Emulator(seed=str(path))
    try:
        summary = emu.seed_summary["accounts"][0]
        assert summary["trust_products"] == 3 and summary["incoming_numbers"] == 1004
    finally:
        emu.close()
    with pytest.raises(SeedError, match="cannot read"):
        Emulator(seed=str(tmp_path / "missing.yaml"))


def test_demo_seed_matches_the_example_manifests(serve):
    served = serve(seed=yaml.safe_load(demo_seed_text()))
    acc, token = "AC0123456789abcdef0123456789abcdef", "demo-auth-token"
    client = served.client(account=acc, password=token)
    numbers = {
        n.phone_number: n for n in client.api.v2010.accounts(acc).incoming_phone_numbers.list()
    }
    assert {f"+1415555010{i}" for i in range(10)} | {"+18005550100", "+16045550100"} == set(numbers)
    assert numbers["+18005550100"].type == "tollfree"
    profiles = client.trusthub.v1.customer_profiles.list()
    assert [(p.friendly_name, p.status, p.email) for p in profiles] == [
        ("Acme Corp", "twilio-approved", "compliance@acme.example")
    ]
    assert (
        client.trusthub.v1.customer_profiles(
            profiles[0].sid
        ).customer_profiles_channel_endpoint_assignment.list()
        == []
    )
    products = client.trusthub.v1.trust_products.list()
    assert [(p.friendly_name, p.status, p.policy_sid) for p in products] == [
        ("Acme Corp SHAKEN", "twilio-approved", "RN7a97559effdf62d00f4298208492a5ea")
    ]
    caller_ids = {
        c.phone_number: c.friendly_name
        for c in client.api.v2010.accounts(acc).outgoing_caller_ids.list()
    }
    assert caller_ids == {"+14155550199": "Front desk (old)", "+14155550150": "Old line"}


def test_concurrent_writers_assign_a_number_once(serve):
    served = serve()
    setup = served.client()
    products = [
        cnam_product(setup, f"p{i}", display_name=f"ACME {chr(65 + i)}")[0].sid for i in range(8)
    ]
    number = number_sid(setup, LOCAL[0])
    barrier = threading.Barrier(len(products))

    def attempt(product_sid: str) -> str:
        client = served.client()
        barrier.wait()
        try:
            client.trusthub.v1.trust_products(
                product_sid
            ).trust_products_channel_endpoint_assignment.create(
                channel_endpoint_type="phone-number", channel_endpoint_sid=number
            )
            return "won"
        except TwilioRestException as err:
            return f"{err.status}/{err.code}"

    with ThreadPoolExecutor(len(products)) as pool:
        outcomes = list(pool.map(attempt, products))
    assert sorted(outcomes) == ["409/20409"] * (len(products) - 1) + ["won"]
    with served.emu.store.transaction() as conn:
        count = conn.execute(
            "SELECT COUNT(*) FROM channel_assignments WHERE channel_endpoint_sid = ? AND exclusive_group = 'cnam'",
            (number,),
        ).fetchone()[0]
    assert count == 1


def test_concurrent_writers_on_a_file_database(serve, tmp_path):
    """Many clients writing at once: every write lands exactly once and survives a
    restart; readers in between always see whole objects."""
    db = str(tmp_path / "busy.sqlite")
    served = serve(db_path=db)
    numbers = [
        n.sid for n in served.client().api.v2010.accounts(ACCOUNT).incoming_phone_numbers.list()
    ]
    threads, per_thread = len(numbers), 6
    barrier = threading.Barrier(threads)

    def work(index: int) -> list[str]:
        client = served.client()
        barrier.wait()
        made = []
        for n in range(per_thread):
            user = client.trusthub.v1.end_users.create(
                friendly_name=f"w{index}-{n}",
                type="cnam_information",
                attributes={"cnam_display_name": f"ACME W{index} N{n}"},
            )
            made.append(user.sid)
            assert all(u.attributes for u in client.trusthub.v1.end_users.list(page_size=5))
        client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers(numbers[index]).update(
            friendly_name=f"writer {index}"
        )
        return made

    with ThreadPoolExecutor(threads) as pool:
        made = [sid for sids in pool.map(work, range(threads)) for sid in sids]
    assert len(set(made)) == threads * per_thread
    served.handle.shutdown()
    served.emu.close()

    again = serve(db_path=db).client()
    assert {u.sid for u in again.trusthub.v1.end_users.list()} == set(made)
    listed = again.api.v2010.accounts(ACCOUNT).incoming_phone_numbers.list()
    assert sorted(n.friendly_name for n in listed) == sorted(f"writer {i}" for i in range(threads))


def test_emulator_is_a_context_manager(tmp_path):
    db = tmp_path / "ctx.sqlite"
    with Emulator(db_path=db, seed=small_seed()) as emu, emu.serve(port=0) as server:
        assert server.base_url.startswith("http://127.0.0.1:") and server.port > 0
        assert emu.stats()["total_requests"] == 0
    # Closed: the file is complete and can be opened again with its state.
    with Emulator(db_path=db) as emu:
        assert ACCOUNT in emu.accounts()


def test_an_account_has_one_primary_business_profile(client):
    with pytest.raises(TwilioRestException) as err:
        client.trusthub.v1.customer_profiles.create(
            friendly_name="Second", email="a@acme.example", policy_sid=PRIMARY
        )
    assert (err.value.status, err.value.code) == (409, 20409)
    secondary = client.trusthub.v1.customer_profiles.create(
        friendly_name="Client Co", email="a@acme.example", policy_sid=SECONDARY
    )
    assert secondary.policy_sid == SECONDARY


def test_seeded_profiles_default_to_one_primary(tmp_path):
    two = {"sid": ACCOUNT, "auth_token": "x", "business_profiles": [
        {"friendly_name": "A"}, {"friendly_name": "B"}]}  # fmt: skip
    with Emulator(seed={"accounts": [two]}) as emu, emu.store.transaction() as conn:
        policies = dict(conn.execute("SELECT friendly_name, policy_sid FROM bundles"))
    assert policies == {"A": PRIMARY, "B": SECONDARY}
    two["business_profiles"][1]["policy_sid"] = PRIMARY
    with pytest.raises(SeedError, match="only one Primary"):
        Emulator(seed={"accounts": [two]})


def test_the_emulator_keeps_its_own_rules():
    """The referee never imports the player: no cnamctl.manifest, plan, apply, live."""
    import ast

    package = Path(__file__).resolve().parents[2] / "cnamctl" / "emulator"
    for source in package.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                assert not name.startswith(
                    ("cnamctl.manifest", "cnamctl.plan", "cnamctl.apply", "cnamctl.live")
                ), f"{source.name} imports {name}"
