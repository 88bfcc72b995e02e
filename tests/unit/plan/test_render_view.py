"""The plan view: blocks per object, steps, notices by kind, verdict and drift."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import render_world
import sample_plans
from hypothesis import given, settings
from hypothesis import strategies as st

from cnamctl.plan.addresses import Kind, Resource
from cnamctl.plan.model import Action, Change, Plan
from cnamctl.plan.render.rows import plain
from cnamctl.plan.render.view import (
    NoticeKind,
    ResourceAction,
    ViewOptions,
    build_view,
    by_action,
    by_resource,
)

SALES = Resource(Kind.CNAM_PROFILE, "sales")


def block_of(view, resource):
    (block,) = [b for b in view.blocks if b.resource == resource]
    return block


def test_one_block_per_declared_object_even_unchanged(tmp_path):
    view = build_view(render_world.new_profile(tmp_path))
    assert [b.resource for b in view.blocks] == [
        Resource(Kind.BUSINESS_PROFILE, "acme"),
        SALES,
    ]
    bp = view.blocks[0]
    assert bp.action is ResourceAction.NOOP and bp.quiet
    assert plain(bp.summary) == "unchanged: 'Acme Corp' with 2 numbers"


def test_a_new_profile_is_summarised_in_words(tmp_path):
    block = block_of(build_view(render_world.new_profile(tmp_path)), SALES)
    assert block.action is ResourceAction.CREATE and block.symbol == "+"
    assert plain(block.summary) == (
        "new CNAM profile 'ACME SALES' with 2 numbers; goes to Twilio review, which takes days"
    )
    assert block.location and block.location.endswith("m.yaml:6")
    assert [s.action for s in block.steps] == [
        Action.CREATE_END_USER,
        Action.CREATE_TRUST_PRODUCT,
        Action.ASSIGN_ENTITY,
        Action.ASSIGN_ENTITY,
        Action.ASSIGN_CNAM_NUMBER,
        Action.SUBMIT_FOR_REVIEW,
    ]
    numbers = block.steps[4]
    assert numbers.numbers == ("+14155550100", "+14155550101") and len(numbers.rows) == 2
    assert numbers.values == "2 numbers: +14155550100, +14155550101"
    assert numbers.reason == "brand each number as 'ACME SALES'"


def test_long_number_lists_are_one_step_summarised(tmp_path):
    view = build_view(render_world.many_numbers(tmp_path, 1_000))
    step = next(s for s in block_of(view, SALES).steps if s.action is Action.ASSIGN_CNAM_NUMBER)
    assert len(step.rows) == 1_000 and step.part == "number[*]"
    assert step.values == "1,000 numbers, +14152000000 … +14152000999"


@settings(max_examples=30, deadline=None)
@given(st.permutations(sample_plans.every_action().changes))
def test_every_change_is_in_exactly_one_block_in_execution_order(changes):
    plan = Plan(sample_plans.ACCOUNT, changes=list(changes))
    view = build_view(plan)
    in_blocks = [row.address for block in view.blocks for row in block.changes]
    assert sorted(in_blocks) == sorted(c.address for c in plan.changes)
    order = [c.address for c in plan.changes]  # a Plan sorts its changes
    for block in view.blocks:
        mine = [row.address for row in block.changes]
        assert mine == [a for a in order if a in mine]
    assert [r.address for g in by_action(view) for r in g.rows] == order


def test_sections_put_a_business_profile_first_then_what_is_under_it(tmp_path):
    view = build_view(render_world.pruning(tmp_path))
    sections = by_resource(view)
    assert [plain(s.title) for s in sections] == [
        "Business profile 'acme'",
        "Outgoing caller IDs",
    ]
    kinds = [b.resource.kind for b in sections[0].blocks]
    assert kinds == [Kind.BUSINESS_PROFILE, Kind.CNAM_PROFILE, Kind.CNAM_PRODUCT]


def test_removed_products_are_named_not_numbered(tmp_path):
    view = build_view(render_world.pruning(tmp_path))
    (block,) = [b for b in view.blocks if b.resource.kind is Kind.CNAM_PRODUCT]
    assert block.action is ResourceAction.DELETE
    assert plain(block.title).startswith("CNAM product 'legacy' (BU")
    assert "10 numbers unassigned" in plain(block.summary)


def test_unmanaged_objects_are_summarised_by_kind_with_advice(tmp_path):
    view = build_view(render_world.many_numbers(tmp_path, 3, caller_ids=150))
    (group,) = [g for g in view.notice_groups if g.kind is NoticeKind.UNMANAGED_CALLER_ID]
    assert group.count == 150
    assert group.advice == "150 unmanaged caller IDs left alone (prune.outgoingCallerIds is off)"
    assert len(view.notices) == 150  # every one is still in the view (and the JSON)


def test_numbers_no_manifest_mentions_are_reported(tmp_path):
    declared = build_view(render_world.many_numbers(tmp_path, 2))
    assert not [g for g in declared.notice_groups if g.kind is NoticeKind.UNMANAGED_NUMBER]
    view = build_view(render_world.pruning(tmp_path))  # the pruned product's 10 numbers
    (group,) = [g for g in view.notice_groups if g.kind is NoticeKind.UNMANAGED_NUMBER]
    assert group.count == 10
    assert group.advice == (
        "10 numbers of the account in no manifest, left alone "
        "(declare them in a CnamProfile to brand them)"
    )
    assert "+14155550102 (PN" in group.rows[0].message


def test_a_rejected_product_is_drift_with_its_codes_and_line(tmp_path):
    view = build_view(render_world.rejected(tmp_path, 11008, 11018))
    assert not view.has_changes and view.drifted
    (drift,) = view.drift
    assert drift.resource == SALES and drift.status == "twilio-rejected"
    assert drift.error_codes == (11008, 11018)
    assert drift.location and drift.location.line == 10  # displayName
    block = block_of(view, SALES)
    assert block.symbol == "!"
    (notice,) = block.notices
    assert "11008" in notice.text and notice.location.endswith(":10")
    assert view.headline == "No changes to make, but not as declared: 1 product rejected by Twilio."


def test_a_review_longer_than_the_allowed_age_is_drift(tmp_path):
    plan = render_world.in_review(tmp_path, "2026-12-01T10:00:00Z")
    now = datetime(2026, 12, 8, 10, 0, 1, tzinfo=UTC)
    assert build_view(plan, ViewOptions(now=now)).drift == ()  # no age given: not drift
    younger = ViewOptions(review_max_age=timedelta(days=8), now=now)
    assert build_view(plan, younger).drift == ()
    older = build_view(plan, ViewOptions(review_max_age=timedelta(days=7), now=now))
    (drift,) = older.drift
    assert drift.status == "in-review"
    assert "in-review for 1 week (since 2026-12-01T10:00:00Z), longer than 1 week" in drift.message
    assert older.drifted and not older.has_changes
    assert block_of(older, SALES).drift == (drift,)


def test_the_verdict_flags_refusals_and_lost_vetting(tmp_path):
    view = build_view(render_world.pruning(tmp_path))
    (refusal,) = view.verdict.refusals
    assert refusal.message == (
        "the plan unassigns 10 of 12 existing CNAM number assignments (83.3%), more than "
        "safety.maxUnassignPercent 30%"
    )
    (loss,) = view.verdict.vetting
    assert loss.what.startswith("deletes approved CNAM product 'legacy' (BU")
    assert "showing 'LEGACY' with its 10 number(s)" in loss.what
    assert loss.cost.startswith("a new Twilio review (typically 1-3 business days)")


def test_a_replacement_costs_a_review(tmp_path):
    view = build_view(render_world.replacement(tmp_path))
    assert view.verdict.refusals == ()
    (loss,) = view.verdict.vetting
    assert "replaces the approved product BU" in loss.what and "'ACME OLD'" in loss.what
    block = block_of(view, SALES)
    assert block.action is ResourceAction.REPLACE and block.symbol == "-/+"
    assert plain(block.summary).startswith(
        "display name 'ACME OLD' -> 'ACME SALES' needs a new, re-vetted product; "
        "the numbers keep 'ACME OLD' until it is approved"
    )


def test_changes_in_no_known_address_format_still_show():
    plan = Plan("AC1", changes=[Change("weird", Action.UPDATE_CALLER_ID, after="x")])
    (block,) = build_view(plan).blocks
    assert [r.address for r in block.changes] == ["weird"]


def test_review_ages_are_read_and_written_in_whole_units():
    from cnamctl.plan.review import describe_age, parse_age

    assert parse_age("90m") == timedelta(minutes=90)
    assert parse_age(" 36h ") == timedelta(hours=36)
    assert parse_age("1.5d") == timedelta(hours=36)
    assert parse_age("2w") == timedelta(days=14)
    for bad in ("", "3", "d", "3 days", "-1d", "1y"):
        try:
            parse_age(bad)
        except ValueError as err:
            assert "is not an age such as 36h, 3d or 2w" in str(err)
        else:
            raise AssertionError(f"{bad!r} was read as an age")
    assert describe_age(timedelta(days=9)) == "1 week"
    assert describe_age(timedelta(hours=49)) == "2 days"
    assert describe_age(timedelta(seconds=59)) == "59 seconds"
