"""Ordering: the dependency graph and ready-set scheduling."""

from __future__ import annotations

import pytest

from cnamctl.apply.graph import DependencyGraph, PlanGraphError, references
from cnamctl.plan.model import Action, Change, ref

BP = "BU" + "b" * 32
TP = "BU" + "a" * 32
TP2 = "BU" + "c" * 32
PN1 = "PN" + "1" * 32
PN2 = "PN" + "2" * 32


def new_profile_changes() -> list[Change]:
    """A new CNAM profile with one number, as the planner writes it (deps explicit)."""
    return [
        Change(
            "cnam/acme/end-user",
            Action.CREATE_END_USER,
            params={"friendly_name": "acme", "type": "cnam_information", "attributes": {}},
        ),
        Change(
            "cnam/acme",
            Action.CREATE_TRUST_PRODUCT,
            params={"friendly_name": "acme", "email": "a@b.c", "policy_sid": "RN1"},
        ),
        Change(
            "cnam/acme/entity/end-user",
            Action.ASSIGN_ENTITY,
            params={"trust_product": ref("cnam/acme"), "object": ref("cnam/acme/end-user")},
        ),
        Change(
            "cnam/acme/entity/business-profile",
            Action.ASSIGN_ENTITY,
            params={"trust_product": ref("cnam/acme"), "object": BP},
        ),
        Change(
            "bp/acme/+1",
            Action.ASSIGN_BUSINESS_PROFILE_NUMBER,
            params={"business_profile": BP, "number": PN1, "phone_number": "+1"},
        ),
        Change(
            "cnam/acme/+1",
            Action.ASSIGN_CNAM_NUMBER,
            params={"trust_product": ref("cnam/acme"), "number": PN1, "phone_number": "+1"},
        ),
        Change(
            "cnam/acme/submit",
            Action.SUBMIT_FOR_REVIEW,
            params={"trust_product": ref("cnam/acme")},
        ),
    ]


def run_order(changes: list[Change], fail: set[str] = frozenset()) -> tuple[list[str], list[str]]:
    """Drive a schedule one change at a time; (executed order, skipped)."""
    schedule = DependencyGraph(changes).schedule()
    order, skipped = [], []
    while (change := schedule.pop_ready()) is not None:
        order.append(change.address)
        if change.address in fail:
            skipped += [c.address for c, _ in schedule.failed(change.address)]
        else:
            schedule.succeeded(change.address)
    return order, skipped


def test_references_finds_refs_in_params():
    change = new_profile_changes()[2]
    assert references(change) == ["cnam/acme", "cnam/acme/end-user"]


def test_new_profile_runs_in_phase_order_even_without_depends_on():
    order, skipped = run_order(list(reversed(new_profile_changes())))
    assert order == [
        "cnam/acme/end-user",
        "cnam/acme",
        "cnam/acme/entity/business-profile",
        "cnam/acme/entity/end-user",
        "bp/acme/+1",
        "cnam/acme/+1",
        "cnam/acme/submit",
    ]
    assert skipped == []


def test_submit_waits_for_every_assignment_of_its_product():
    graph = DependencyGraph(new_profile_changes())
    assert graph.needs["cnam/acme/submit"] >= {
        "cnam/acme",
        "cnam/acme/entity/end-user",
        "cnam/acme/entity/business-profile",
        "cnam/acme/+1",
    }


def test_cnam_assignment_waits_for_the_business_profile_assignment_of_its_number():
    graph = DependencyGraph(new_profile_changes())
    assert "bp/acme/+1" in graph.needs["cnam/acme/+1"]


def test_unassign_before_reassign_of_the_same_number():
    move = [
        Change(
            "cnam/b/+1",
            Action.ASSIGN_CNAM_NUMBER,
            params={"trust_product": TP2, "number": PN1, "phone_number": "+1"},
        ),
        Change(
            "cnam/a/+1",
            Action.UNASSIGN_CNAM_NUMBER,
            params={"trust_product": TP, "assignment": "RA1", "number": PN1},
        ),
        Change(
            "cnam/b/+2",
            Action.ASSIGN_CNAM_NUMBER,
            params={"trust_product": TP2, "number": PN2, "phone_number": "+2"},
        ),
    ]
    graph = DependencyGraph(move)
    assert graph.needs["cnam/b/+1"] == {"cnam/a/+1"}
    assert graph.needs["cnam/b/+2"] == set()


def test_delete_of_a_product_waits_for_its_unassignments():
    changes = [
        Change("cnam/a", Action.DELETE_TRUST_PRODUCT, params={"trust_product": TP}),
        Change(
            "cnam/a/+1",
            Action.UNASSIGN_CNAM_NUMBER,
            params={"trust_product": TP, "assignment": "RA1", "number": PN1},
        ),
    ]
    assert DependencyGraph(changes).needs["cnam/a"] == {"cnam/a/+1"}


def test_a_failure_skips_its_dependents_transitively_and_nothing_else():
    changes = [*new_profile_changes(), Change("other", Action.SET_CALLER_NAME_LOOKUP)]
    order, skipped = run_order(changes, fail={"cnam/acme"})
    assert "other" in order
    assert "cnam/acme/end-user" in order
    assert set(skipped) == {
        "cnam/acme/entity/end-user",
        "cnam/acme/entity/business-profile",
        "cnam/acme/+1",
        "cnam/acme/submit",
    }
    assert not set(skipped) & set(order)


def test_explicit_depends_on_is_honoured():
    changes = [
        Change("z-first", Action.DELETE_CALLER_ID),
        Change(
            "a-second",
            Action.UNASSIGN_CNAM_NUMBER,
            params={"trust_product": TP},
            depends_on=("z-first",),
        ),
    ]
    order, _ = run_order(changes)
    assert order == ["z-first", "a-second"]


def test_ready_changes_come_out_lowest_phase_first():
    changes = [
        Change("x", Action.DELETE_TRUST_PRODUCT, params={"trust_product": TP}),
        Change("y", Action.CREATE_END_USER),
        Change("w", Action.UNASSIGN_CNAM_NUMBER, params={"trust_product": TP2}),
    ]
    order, _ = run_order(changes)
    assert order == ["w", "y", "x"]


def test_unknown_dependency_is_refused_before_anything_runs():
    with pytest.raises(PlanGraphError, match="unknown change 'nope'"):
        DependencyGraph([Change("a", Action.CREATE_END_USER, depends_on=("nope",))])


def test_unknown_ref_is_refused():
    with pytest.raises(PlanGraphError, match="unknown change 'gone'"):
        DependencyGraph([Change("a", Action.ASSIGN_ENTITY, params={"trust_product": "@gone"})])


def test_cycle_is_refused_with_its_path():
    changes = [
        Change("a", Action.CREATE_END_USER, depends_on=("b",)),
        Change("b", Action.CREATE_END_USER, depends_on=("a",)),
    ]
    with pytest.raises(PlanGraphError, match="cycle a -> b -> a"):
        DependencyGraph(changes)


def test_duplicate_address_is_refused():
    with pytest.raises(PlanGraphError, match="twice"):
        DependencyGraph([Change("a", Action.CREATE_END_USER), Change("a", Action.CREATE_END_USER)])


def test_unsettled_lists_what_never_ran():
    schedule = DependencyGraph(new_profile_changes()).schedule()
    first = schedule.pop_ready()
    assert first is not None
    schedule.succeeded(first.address)
    assert next(c.address for c in schedule.unsettled()) == "cnam/acme"


def test_cnam_number_waits_for_the_entity_assignments_of_its_product_only():
    graph = DependencyGraph(new_profile_changes())
    assert graph.needs["cnam/acme/+1"] == {
        "cnam/acme",
        "cnam/acme/entity/end-user",
        "cnam/acme/entity/business-profile",
        "bp/acme/+1",
    }


def test_end_user_update_comes_before_its_products_submission():
    """The rejected-product rename: the update names its product, so the graph orders
    it before the submission (issue 9's one-run-in-four 60711)."""
    changes = [
        Change("p.submit", Action.SUBMIT_FOR_REVIEW, params={"trust_product": TP}),
        Change(
            "p.end-user",
            Action.UPDATE_END_USER,
            params={"end_user": "IT1", "attributes": {}, "trust_product": TP},
        ),
    ]
    graph = DependencyGraph(changes)
    assert graph.needs["p.submit"] == {"p.end-user"}


def test_a_change_that_concerns_a_product_but_names_none_is_refused():
    changes = [
        Change("p.submit", Action.SUBMIT_FOR_REVIEW, params={"trust_product": TP}),
        Change("p.end-user", Action.UPDATE_END_USER, params={"end_user": "IT1"}),
    ]
    with pytest.raises(PlanGraphError, match=r"p\.end-user \(update-end-user\) names no"):
        DependencyGraph(changes)
