from __future__ import annotations

import json

import pytest
import render_world
import sample_plans
from sample_plans import ACCOUNT, assert_golden

from cnamctl.plan.model import Action, Plan
from cnamctl.plan.render import render_json
from cnamctl.plan.render.accounts import AccountSection, render_accounts_json
from cnamctl.plan.render.jsondoc import JSON_FORMAT_VERSION, plan_document
from cnamctl.plan.render.view import ViewOptions

SAMPLES = {
    "every_action": sample_plans.every_action,
    "empty": sample_plans.empty,
    "with_notices": sample_plans.with_notices,
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_matches_golden_file(name):
    assert_golden(f"{name}.json", render_json(SAMPLES[name]()))


@pytest.mark.parametrize(
    "make",
    [render_world.new_profile, render_world.pruning, render_world.rejected, render_world.hostile],
)
def test_the_text_is_the_document(tmp_path, make):
    plan = make(tmp_path)
    assert json.loads(render_json(plan)) == plan_document(plan)


def test_document_fields():
    doc = plan_document(sample_plans.every_action())
    assert set(doc) == {
        "format_version",
        "account_sid",
        "headline",
        "summary",
        "safety",
        "drift",
        "resources",
        "changes",
        "notices",
        "notice_summary",
        "unchanged",
    }
    assert doc["format_version"] == JSON_FORMAT_VERSION == 2
    assert doc["account_sid"] == ACCOUNT
    assert doc["unchanged"] == 4
    assert doc["summary"] == {action.value: 1 for action in Action}
    for change in doc["changes"]:
        assert set(change) == {
            "address",
            "resource",
            "action",
            "before",
            "after",
            "depends_on",
            "reason",
            "location",
        }


def test_every_change_is_kept_whatever_the_views_summarise(tmp_path):
    plan = render_world.many_numbers(tmp_path, 1_000, caller_ids=150)
    doc = plan_document(plan)
    assert [c["address"] for c in doc["changes"]] == [c.address for c in plan.changes]
    assert sum(c["action"] == "assign-cnam-number" for c in doc["changes"]) == 1_000
    assert sum(n["kind"] == "unmanaged-caller-id" for n in doc["notices"]) == 150
    assert doc["notice_summary"] == [
        {
            "kind": "unmanaged-caller-id",
            "level": "info",
            "count": 150,
            "message": "150 unmanaged caller IDs left alone (prune.outgoingCallerIds is off)",
        }
    ]
    (sales,) = [r for r in doc["resources"] if r["name"] == "sales"]
    assert len(sales["changes"]) == 1_000 + 5
    assert sales["summary"].startswith("new CNAM profile 'ACME SALES' with 1,000 numbers")
    assert {r["kind"] for r in doc["resources"]} == {"BusinessProfile", "CnamProfile"}


def test_resources_group_the_changes(tmp_path):
    doc = plan_document(render_world.new_profile(tmp_path))
    resources = {(r["kind"], r["name"]): r for r in doc["resources"]}
    sales = resources["CnamProfile", "sales"]
    assert sales["action"] == "create" and sales["symbol"] == "+"
    assert sales["business_profile"] == "acme" and sales["title"] == "ACME SALES"
    assert sales["location"].endswith("m.yaml:6")
    assert resources["BusinessProfile", "acme"]["action"] == "no-op"
    by_address = {c["address"]: c for c in doc["changes"]}
    assert set(sales["changes"]) <= set(by_address)
    assert by_address["cnam.sales.submit"]["resource"] == {"kind": "CnamProfile", "name": "sales"}


def test_the_safety_verdict(tmp_path):
    safety = plan_document(render_world.pruning(tmp_path))["safety"]
    assert safety["needs_force"] is True
    assert safety["refusals"] == [
        "the plan unassigns 10 of 12 existing CNAM number assignments (83.3%), more than "
        "safety.maxUnassignPercent 30%"
    ]
    checks = {c["check"]: c for c in safety["checks"]}
    assert checks["unassigns"] == {
        "check": "unassigns",
        "setting": "safety.maxUnassignPercent",
        "count": 10,
        "existing": 12,
        "percent": 83.3,
        "limit": 30.0,
        "min_existing": 10,
        "exceeded": True,
    }
    assert checks["deletes"]["count"] == 4 and checks["deletes"]["exceeded"] is False
    (vetting,) = safety["vetting"]
    assert vetting["address"].startswith('cnam-product["BU')
    assert vetting["message"].startswith("deletes approved CNAM product 'legacy'")


def test_drift(tmp_path):
    drift = plan_document(render_world.rejected(tmp_path, 11009))["drift"]
    assert drift["not_as_declared"] is True
    (item,) = drift["items"]
    assert item["status"] == "twilio-rejected" and item["error_codes"] == [11009]
    assert item["resource"] == {"kind": "CnamProfile", "name": "sales"}
    assert item["location"].endswith("m.yaml:10") and item["product"].startswith("BU")
    assert plan_document(render_world.new_profile(tmp_path))["drift"] == {
        "not_as_declared": True,  # it has changes
        "items": [],
    }


def test_params_are_never_included():
    text = render_json(sample_plans.every_action())
    assert "params" not in text
    assert "policy_sid" not in text
    assert sample_plans.ASSIGNMENT not in text  # an RA... SID only params carry


def test_empty_plan():
    doc = plan_document(sample_plans.empty())
    assert doc["changes"] == [] and doc["notices"] == [] and doc["summary"] == {}
    assert doc["unchanged"] == 7 and doc["drift"]["not_as_declared"] is False


def test_deterministic_whatever_the_input_order():
    plan = sample_plans.with_notices()
    shuffled = Plan(
        plan.account_sid,
        changes=list(reversed(sample_plans.every_action().changes)),
        notices=list(reversed(plan.notices)),
        unchanged=4,
    )
    ordered = Plan(
        plan.account_sid,
        changes=sample_plans.every_action().changes,
        notices=plan.notices,
        unchanged=4,
    )
    assert render_json(shuffled).encode() == render_json(ordered).encode()


def test_sorted_keys_two_space_indent_trailing_newline():
    text = render_json(sample_plans.with_notices())
    assert text.endswith("}\n") and not text.endswith("\n\n")
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_non_ascii_is_kept_readable_and_terminal_controls_escaped(tmp_path):
    plan = sample_plans.with_notices()
    plan.notices[0] = type(plan.notices[0])(
        address="cnam.acme-sales",
        level=plan.notices[0].level,
        message="Zoë's café \x9b2J \u202egnp.exe \x1b]0;x\x07",
    )
    text = render_json(plan)
    assert "Zoë's café" in text
    assert "\x9b" not in text and "\u202e" not in text and "\x1b" not in text
    assert r"\u009b2J \u202egnp.exe \u001b]0;x\u0007" in text
    messages = [n["message"] for n in json.loads(text)["notices"]]
    assert plan.notices[0].message in messages  # parsing gives the exact value back
    hostile = render_json(render_world.hostile(tmp_path))
    assert "\x1b" not in hostile and "\x07" not in hostile


def test_several_accounts_wrap_the_documents(tmp_path):
    plan = render_world.new_profile(tmp_path)
    doc = json.loads(
        render_accounts_json(
            [AccountSection("a", plan), AccountSection("b", None, "refused")],
            ViewOptions(full=True),
        )
    )
    assert doc["format_version"] == JSON_FORMAT_VERSION
    assert doc["accounts"][0]["plan"] == plan_document(plan)
    assert doc["accounts"][1] == {"name": "b", "plan": None, "error": "refused"}
