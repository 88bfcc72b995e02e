"""The one reconciler on SHAKEN/STIR and Voice Integrity profiles: scope, creation,
in-place edits, replacements, review states, rejections, numbers, ownership."""

from __future__ import annotations

import pytest
from world import LiveWorld, manifests

from cnamctl.apply.graph import DependencyGraph
from cnamctl.errors import PlanningError
from cnamctl.plan import compute_plan
from cnamctl.plan.model import Action, NoticeLevel
from cnamctl.plan.render.view import build_view
from cnamctl.policies import (
    CNAM_POLICY_SID,
    SHAKEN_STIR_POLICY_SID,
    VOICE_INTEGRITY_POLICY_SID,
)

N = [f"+1415555010{i}" for i in range(6)]
TOLL_FREE = "+18005550100"
VI_ATTRIBUTES = {
    "use_case": "Appointment reminders",
    "business_employee_count": "40",
    "average_business_day_call_volume": "1200",
}

BUSINESS = """\
apiVersion: cnamctl/v1
kind: BusinessProfile
name: acme
friendlyName: Acme Corp
"""


def shaken_yaml(
    name: str = "calls", numbers=(N[0], N[1]), email: str = "trust@acme.example"
) -> str:
    return f"""\
---
apiVersion: cnamctl/v1
kind: ShakenStirProfile
name: {name}
businessProfile: acme
email: {email}
phoneNumbers: [{", ".join(f'"{n}"' for n in numbers)}]
"""


def voice_yaml(numbers=(N[0],), extra: str = "", volume: int = 1200) -> str:
    return f"""\
---
apiVersion: cnamctl/v1
kind: VoiceIntegrityProfile
name: reach
businessProfile: acme
email: trust@acme.example
useCase: Appointment reminders
businessEmployeeCount: 40
averageBusinessDayCallVolume: {volume}
{extra}phoneNumbers: [{", ".join(f'"{n}"' for n in numbers)}]
"""


@pytest.fixture
def world() -> LiveWorld:
    return LiveWorld()


def _account(world: LiveWorld, *extra: str):
    numbers = world.numbers(*N, *extra)
    return world.business_profile(numbers=numbers), {n.phone_number: n for n in numbers}


def test_a_shaken_stir_profile_is_created_without_an_end_user(tmp_path, world):
    bp, numbers = _account(world, TOLL_FREE)
    plan = compute_plan(
        manifests(tmp_path, BUSINESS + shaken_yaml(numbers=(N[0], TOLL_FREE))), world.snapshot
    )
    by = plan.by_address()
    assert by["shaken-stir.calls"].params == {
        "friendly_name": "calls",
        "email": "trust@acme.example",
        "policy_sid": SHAKEN_STIR_POLICY_SID,
    }
    assert by['shaken-stir.calls.entity["business-profile"]'].params == {
        "trust_product": "@shaken-stir.calls",
        "object": bp.sid,
    }
    assert by["shaken-stir.calls.submit"].params == {
        "trust_product": "@shaken-stir.calls",
        "policy_sid": SHAKEN_STIR_POLICY_SID,
        "end_user_type": None,
    }
    assigned = by[f'shaken-stir.calls.number["{TOLL_FREE}"]']
    assert assigned.action is Action.ASSIGN_PRODUCT_NUMBER
    assert assigned.params["number"] == numbers[TOLL_FREE].sid
    assert not [c for c in plan.changes if "end-user" in c.address]
    assert not [c for c in plan.changes if c.action is Action.ASSIGN_BUSINESS_PROFILE_NUMBER]


def test_a_voice_integrity_profile_holds_its_information_in_an_end_user(tmp_path, world):
    _account(world)
    plan = compute_plan(manifests(tmp_path, BUSINESS + voice_yaml()), world.snapshot)
    by = plan.by_address()
    assert by["voice-integrity.reach.end-user"].params == {
        "friendly_name": "reach",
        "type": "voice_integrity_information",
        "attributes": VI_ATTRIBUTES,  # counts as text, as Twilio keeps them; notes unset
    }
    assert by['voice-integrity.reach.entity["end-user"]'].params == {
        "trust_product": "@voice-integrity.reach",
        "object": "@voice-integrity.reach.end-user",
        "end_user_type": "voice_integrity_information",
    }
    assert by["voice-integrity.reach.submit"].params["end_user_type"] == (
        "voice_integrity_information"
    )
    DependencyGraph(plan.changes)  # a valid graph: every product change names its product


def test_a_draft_is_edited_in_place_keeping_attributes_the_manifest_leaves_alone(tmp_path, world):
    bp, numbers = _account(world)
    draft = world.trust_product(
        VOICE_INTEGRITY_POLICY_SID,
        "reach",
        bp=bp,
        status="draft",
        attributes={**VI_ATTRIBUTES, "average_business_day_call_volume": 900, "notes": "kept"},
        numbers=[numbers[N[0]]],
    )
    user = world.snapshot.end_user_of(draft)
    plan = compute_plan(manifests(tmp_path, BUSINESS + voice_yaml()), world.snapshot)
    assert [c.address for c in plan.changes] == [
        "voice-integrity.reach.end-user",
        "voice-integrity.reach.submit",
    ]
    update = plan.changes[0]
    assert update.params == {
        "end_user": user.sid,
        "type": "voice_integrity_information",
        "attributes": {**VI_ATTRIBUTES, "notes": "kept"},
        "trust_product": draft.sid,
    }
    view = build_view(plan)
    (block,) = [b for b in view.blocks if b.resource.name == "reach"]
    assert "averageBusinessDayCallVolume edited in place" in "".join(map(str, block.summary))


def test_counts_twilio_holds_as_numbers_are_the_same_as_text(tmp_path, world):
    bp, numbers = _account(world)
    world.trust_product(
        VOICE_INTEGRITY_POLICY_SID,
        "reach",
        bp=bp,
        attributes={**VI_ATTRIBUTES, "business_employee_count": 40},
        numbers=[numbers[N[0]]],
    )
    plan = compute_plan(manifests(tmp_path, BUSINESS + voice_yaml()), world.snapshot)
    assert plan.changes == []


def test_new_information_on_an_approved_product_needs_a_replacement(tmp_path, world):
    bp, numbers = _account(world)
    old = world.trust_product(
        VOICE_INTEGRITY_POLICY_SID,
        "reach",
        bp=bp,
        attributes=VI_ATTRIBUTES,
        numbers=[numbers[N[0]]],
    )
    plan = compute_plan(manifests(tmp_path, BUSINESS + voice_yaml(volume=5000)), world.snapshot)
    by = plan.by_address()
    assert by["voice-integrity.reach.replacement"].action is Action.CREATE_TRUST_PRODUCT
    assert (
        by["voice-integrity.reach.replacement.end-user"].params["attributes"][
            "average_business_day_call_volume"
        ]
        == "5000"
    )
    assert not [c for c in plan.changes if c.params.get("trust_product") == old.sid]
    (warning,) = [n for n in plan.notices if n.level is NoticeLevel.WARNING]
    assert "information change averageBusinessDayCallVolume '1200' -> '5000':" in warning.message
    assert f"numbers stay registered on {old.sid}" in warning.message
    view = build_view(plan)
    (loss,) = view.verdict.vetting
    assert "of VoiceIntegrityProfile 'reach'" in loss.what


def test_an_approved_shaken_stir_product_is_never_replaced(tmp_path, world):
    bp, numbers = _account(world)
    world.trust_product(
        SHAKEN_STIR_POLICY_SID, "calls", bp=bp, numbers=[numbers[N[0]], numbers[N[1]]]
    )
    plan = compute_plan(
        manifests(tmp_path, BUSINESS + shaken_yaml(email="new@acme.example")), world.snapshot
    )
    assert plan.changes == []
    (warning,) = plan.notices
    assert warning.level is NoticeLevel.WARNING and "waits" in warning.message


@pytest.mark.parametrize(("codes", "line"), [((18601,), 4), ((30001,), 1)])
def test_a_rejection_is_reported_at_the_line_it_concerns(tmp_path, world, codes, line):
    bp, numbers = _account(world)
    world.trust_product(
        SHAKEN_STIR_POLICY_SID,
        "calls",
        bp=bp,
        status="twilio-rejected",
        errors=codes,
        numbers=[numbers[N[0]], numbers[N[1]]],
    )
    plan = compute_plan(manifests(tmp_path, BUSINESS + shaken_yaml()), world.snapshot)
    assert plan.changes == []
    (error,) = [n for n in plan.notices if n.level is NoticeLevel.ERROR]
    assert (
        error.location is not None and error.location.line == len(BUSINESS.splitlines()) + 1 + line
    )
    assert error.error_codes == codes


def test_a_rejected_product_is_submitted_again_only_when_it_changes(tmp_path, world):
    """Numbers are no review matter (as for CNAM): a rejected product gains its new
    number, and is submitted again only when what review sees changes."""
    bp, numbers = _account(world)
    rejected = world.trust_product(
        SHAKEN_STIR_POLICY_SID,
        "calls",
        bp=bp,
        status="twilio-rejected",
        errors=(18601,),
        numbers=[numbers[N[0]]],
    )
    plan = compute_plan(manifests(tmp_path, BUSINESS + shaken_yaml()), world.snapshot)
    assert [(c.action, c.params.get("trust_product")) for c in plan.changes] == [
        (Action.ASSIGN_PRODUCT_NUMBER, rejected.sid)
    ]
    assert [n.status for n in plan.notices] == ["twilio-rejected"]
    changed = manifests(tmp_path, BUSINESS + shaken_yaml(email="ops@acme.example"))
    plan = compute_plan(changed, world.snapshot)
    assert [c.action for c in plan.changes] == [
        Action.UPDATE_TRUST_PRODUCT,
        Action.ASSIGN_PRODUCT_NUMBER,
        Action.SUBMIT_FOR_REVIEW,
    ]


def test_cnam_only_manifests_leave_other_policies_out_of_scope(tmp_path, world):
    bp, numbers = _account(world)
    world.trust_product(SHAKEN_STIR_POLICY_SID, "console", bp=bp, numbers=[numbers[N[0]]])
    cnam = (
        BUSINESS
        + """\
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: sales
businessProfile: acme
displayName: ACME SALES
email: trust@acme.example
phoneNumbers: ["+14155550100"]
"""
    )
    plan = compute_plan(manifests(tmp_path, cnam), world.snapshot)
    assert not [n for n in plan.notices if "SHAKEN" in n.message]
    assert plan.context is not None and plan.context.policies == (CNAM_POLICY_SID,)
    assert plan.context.stacks == []
    assert all(world.snapshot.trust_products[s].policy_sid == CNAM_POLICY_SID
               for s in plan.fingerprints if s in world.snapshot.trust_products)  # fmt: skip


def test_a_snapshot_without_the_policies_in_scope_is_refused(tmp_path):
    world = LiveWorld(policies=(CNAM_POLICY_SID,))
    _account(world)
    with pytest.raises(ValueError, match="holds no SHAKEN/STIR products"):
        compute_plan(manifests(tmp_path, BUSINESS + shaken_yaml()), world.snapshot)


def test_an_unmanaged_product_of_a_managed_policy_is_left_alone_or_pruned(tmp_path, world):
    bp, numbers = _account(world)
    console = world.trust_product(SHAKEN_STIR_POLICY_SID, "console", bp=bp, numbers=[numbers[N[5]]])
    plan = compute_plan(manifests(tmp_path, BUSINESS + shaken_yaml()), world.snapshot)
    assert any(
        "unmanaged SHAKEN/STIR product 'console'" in n.message
        and "prune.shakenStirProfiles is off" in n.message
        for n in plan.notices
    )
    prune = "---\napiVersion: cnamctl/v1\nkind: Settings\nprune:\n  shakenStirProfiles: true\n"
    plan = compute_plan(manifests(tmp_path, BUSINESS + shaken_yaml() + prune), world.snapshot)
    by = plan.by_address()
    delete = by[f'shaken-stir-product["{console.sid}"]']
    assert delete.params == {"trust_product": console.sid, "end_user_type": None}
    unassign = by[f'shaken-stir-product["{console.sid}"].number["{N[5]}"]']
    assert unassign.action is Action.UNASSIGN_PRODUCT_NUMBER


def test_a_number_on_an_unmanaged_product_of_the_policy_is_not_taken(tmp_path, world):
    bp, numbers = _account(world)
    world.trust_product(SHAKEN_STIR_POLICY_SID, "console", bp=bp, numbers=[numbers[N[0]]])
    with pytest.raises(PlanningError) as err:
        compute_plan(manifests(tmp_path, BUSINESS + shaken_yaml()), world.snapshot)
    assert "+14155550100 is signed by SHAKEN/STIR product 'console'" in str(err.value)
    assert "or set prune.shakenStirProfiles" in str(err.value)


def test_one_number_may_be_on_a_product_of_each_policy(tmp_path, world):
    bp, numbers = _account(world)
    world.product("sales", "ACME SALES", bp=bp, numbers=[numbers[N[0]]])
    world.trust_product(
        VOICE_INTEGRITY_POLICY_SID,
        "reach",
        bp=bp,
        attributes=VI_ATTRIBUTES,
        numbers=[numbers[N[0]]],
    )
    plan = compute_plan(
        manifests(tmp_path, BUSINESS + shaken_yaml(numbers=(N[0],))), world.snapshot
    )
    assert [c.address for c in plan.changes if "number" in c.address] == [
        f'shaken-stir.calls.number["{N[0]}"]'
    ]  # nothing is taken from the CNAM or Voice Integrity product


def test_a_number_moves_between_products_of_one_policy(tmp_path, world):
    bp, numbers = _account(world)
    east = world.trust_product(
        SHAKEN_STIR_POLICY_SID, "east", bp=bp, numbers=[numbers[N[0]], numbers[N[1]]]
    )
    world.trust_product(SHAKEN_STIR_POLICY_SID, "west", bp=bp, numbers=[numbers[N[2]]])
    text = BUSINESS + shaken_yaml("east", (N[0],)) + shaken_yaml("west", (N[1], N[2]))
    plan = compute_plan(manifests(tmp_path, text), world.snapshot)
    by = plan.by_address()
    unassign = by[f'shaken-stir.east.number["{N[1]}"]']
    assign = by[f'shaken-stir.west.number["{N[1]}"]']
    assert unassign.action is Action.UNASSIGN_PRODUCT_NUMBER
    assert unassign.params["trust_product"] == east.sid
    assert assign.before == f"east ({east.sid})"
    graph = DependencyGraph(plan.changes)
    assert unassign.address in graph.needs[assign.address]


def test_the_trust_stack_shows_which_numbers_are_where(tmp_path, world):
    _account(world, TOLL_FREE)
    cnam = """\
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: sales
businessProfile: acme
displayName: ACME SALES
email: trust@acme.example
phoneNumbers: ["+14155550100", "+14155550101"]
"""
    text = BUSINESS + cnam + shaken_yaml(numbers=(N[0], N[2], TOLL_FREE)) + voice_yaml((N[0],))
    plan = compute_plan(manifests(tmp_path, text), world.snapshot)
    (stack,) = build_view(plan).stacks
    rows = {row.numbers: (row.holders, row.gap) for row in stack.rows}
    assert rows == {
        (N[0],): (("sales", "calls", "reach"), False),
        (N[1],): (("sales", None, None), True),
        (N[2],): ((None, "calls", None), True),
        (TOLL_FREE,): ((None, "calls", None), True),  # not missing from CNAM: it may not be there
    }
    assert stack.missing == {
        "CNAM": (N[2],),
        "SHAKEN/STIR": (N[1],),
        "Voice Integrity": (N[1], N[2], TOLL_FREE),
    }
    assert list(stack.rows)[-1].numbers == (N[0],)  # complete rows last
