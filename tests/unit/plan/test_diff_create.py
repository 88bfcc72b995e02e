"""Planning from an account with no CNAM products yet, and converged accounts."""

from __future__ import annotations

import random

import pytest
from world import ACME, LiveWorld, manifests

from cnamctl import CNAM_POLICY_SID
from cnamctl.errors import Location
from cnamctl.plan import compute_plan
from cnamctl.plan.model import Action, is_ref


@pytest.fixture
def world() -> LiveWorld:
    return LiveWorld()


def test_from_empty_creates_the_whole_chain(tmp_path, world):
    n100, n101 = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile()
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)

    by = plan.by_address()
    assert [c.action for c in plan.changes] == sorted(
        (c.action for c in plan.changes), key=lambda a: a.phase
    )
    assert by["cnam.sales.end-user"].params == {
        "friendly_name": "sales",
        "type": "cnam_information",
        "attributes": {"cnam_display_name": "ACME SALES"},
    }
    assert by["cnam.sales"].params == {
        "friendly_name": "sales",
        "email": "trust@acme.example",
        "policy_sid": CNAM_POLICY_SID,
    }
    assert by['cnam.sales.entity["business-profile"]'].params == {
        "trust_product": "@cnam.sales",
        "object": bp.sid,
    }
    assert by['cnam.sales.entity["end-user"]'].params["object"] == "@cnam.sales.end-user"
    for number in (n100, n101):
        e164 = number.phone_number
        assert by[f'business-profile.acme.number["{e164}"]'].params == {
            "business_profile": bp.sid,
            "number": number.sid,
            "phone_number": e164,
        }
        assert by[f'cnam.sales.number["{e164}"]'].params["trust_product"] == "@cnam.sales"
    assert by["cnam.sales.submit"].params == {
        "trust_product": "@cnam.sales",
        "policy_sid": CNAM_POLICY_SID,
        "end_user_type": "cnam_information",
    }
    assert plan.summary() == {
        "create-end-user": 1,
        "create-trust-product": 1,
        "assign-entity": 2,
        "assign-business-profile-number": 2,
        "assign-cnam-number": 2,
        "submit-for-review": 1,
    }
    # every reference names a change of the same plan
    refs = {v[1:] for c in plan.changes for v in c.params.values() if is_ref(v)}
    assert refs <= set(by)


def test_changes_point_at_manifest_lines(tmp_path, world):
    world.numbers("+14155550100", "+14155550101")
    world.business_profile()
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    by = plan.by_address()
    path = str(tmp_path / "m.yaml")
    assert by['cnam.sales.number["+14155550101"]'].location == Location(path, 12)
    assert by["cnam.sales.end-user"].location == Location(path, 10)


def test_converged_account_has_no_changes(tmp_path, world):
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    world.product("sales", "ACME SALES", bp=bp, numbers=numbers)
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert plan.changes == []
    assert plan.notices == []
    assert plan.unchanged == 4  # two business-profile and two CNAM assignments


def test_plan_is_deterministic_whatever_the_snapshot_order(tmp_path, world):
    numbers = world.numbers(*(f"+1415555{i:04d}" for i in range(100, 140)))
    world.business_profile(numbers=numbers[:10])
    desired = manifests(
        tmp_path,
        ACME.replace(
            'phoneNumbers: ["+14155550100", "+14155550101"]',
            "phoneNumbers: [" + ", ".join(f'"{n.phone_number}"' for n in numbers) + "]",
        ),
    )
    first = compute_plan(desired, world.snapshot)
    items = list(world.snapshot.numbers.items())
    random.Random(7).shuffle(items)
    world.snapshot.numbers = dict(items)
    world.snapshot.__post_init__()
    second = compute_plan(desired, world.snapshot)
    assert [(c.address, c.params, c.depends_on) for c in first.changes] == [
        (c.address, c.params, c.depends_on) for c in second.changes
    ]
    assert first.fingerprints == second.fingerprints


def test_new_numbers_join_the_business_profile_first(tmp_path, world):
    n100, _n101 = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=[n100])
    world.product("sales", "ACME SALES", bp=bp, numbers=[n100])
    plan = compute_plan(manifests(tmp_path, ACME), world.snapshot)
    assert [c.address for c in plan.changes] == [
        'business-profile.acme.number["+14155550101"]',
        'cnam.sales.number["+14155550101"]',
    ]
    assert plan.changes[1].params["trust_product"] == next(iter(world.snapshot.trust_products))
    assert Action.SUBMIT_FOR_REVIEW not in {c.action for c in plan.changes}


def test_caller_name_lookup_is_set_only_where_it_differs(tmp_path, world):
    n100 = world.number("+14155550100", lookup=True)
    n101 = world.number("+14155550101", lookup=False)
    bp = world.business_profile(numbers=[n100, n101])
    world.product("sales", "ACME SALES", bp=bp, numbers=[n100, n101])
    plan = compute_plan(manifests(tmp_path, ACME + "callerNameLookup: true\n"), world.snapshot)
    (change,) = plan.changes
    assert change.address == 'number["+14155550101"].caller-name-lookup'
    assert change.params == {"number": n101.sid, "phone_number": "+14155550101", "enabled": True}
    assert (change.before, change.after) == (False, True)
