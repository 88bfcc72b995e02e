from __future__ import annotations

import json

import pytest
import sample_plans
from sample_plans import ACCOUNT, assert_golden

from cnamctl.plan.model import FORMAT_VERSION, Action, Plan
from cnamctl.plan.render import render_json

SAMPLES = {
    "every_action": sample_plans.every_action,
    "empty": sample_plans.empty,
    "with_notices": sample_plans.with_notices,
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_matches_golden_file(name):
    assert_golden(f"{name}.json", render_json(SAMPLES[name]()))


def test_document_fields():
    doc = json.loads(render_json(sample_plans.every_action()))
    assert set(doc) == {
        "format_version",
        "account_sid",
        "summary",
        "changes",
        "notices",
        "unchanged",
    }
    assert doc["format_version"] == FORMAT_VERSION == 1
    assert doc["account_sid"] == ACCOUNT
    assert doc["unchanged"] == 4
    assert doc["summary"] == {action.value: 1 for action in Action}
    for change in doc["changes"]:
        assert set(change) == {
            "address",
            "action",
            "before",
            "after",
            "depends_on",
            "reason",
            "location",
        }


def test_changes_in_execution_order_with_values_and_locations():
    plan = sample_plans.every_action()
    changes = json.loads(render_json(plan))["changes"]
    assert [c["address"] for c in changes] == [c.address for c in plan.changes]
    by_address = {c["address"]: c for c in changes}
    submit = by_address["cnam.acme-sales.submit"]
    assert submit["before"] == "draft"
    assert submit["after"] == "pending-review"
    assert submit["location"] == "manifests/cnam.yaml:2"
    assert submit["depends_on"] == sorted(submit["depends_on"])
    assert 'cnam.acme-sales.number["+14155550100"]' in submit["depends_on"]
    lookup = by_address['number["+14155550100"].caller-name-lookup']
    assert (lookup["before"], lookup["after"]) == (False, True)
    assert by_address['caller-id["+14155550197"]']["location"] is None


def test_params_are_never_included():
    text = render_json(sample_plans.every_action())
    assert "params" not in text
    assert "policy_sid" not in text
    assert sample_plans.ASSIGNMENT not in text  # an RA... SID only params carry


def test_notices():
    notices = json.loads(render_json(sample_plans.with_notices()))["notices"]
    assert notices[0] == {
        "address": "cnam.acme-sales",
        "level": "error",
        "message": "Twilio rejected the display name",
        "location": "manifests/cnam.yaml:5",
        "status": "twilio-rejected",
        "error_codes": [22214, 22216],
    }
    assert [n["level"] for n in notices] == ["error", "warning", "info"]


def test_empty_plan():
    doc = json.loads(render_json(sample_plans.empty()))
    assert doc["changes"] == [] and doc["notices"] == [] and doc["summary"] == {}
    assert doc["unchanged"] == 7


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
    assert render_json(ordered) == render_json(ordered)


def test_sorted_keys_two_space_indent_trailing_newline():
    text = render_json(sample_plans.with_notices())
    assert text.endswith("}\n") and not text.endswith("\n\n")
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_non_ascii_is_kept_readable():
    plan = sample_plans.with_notices()
    plan.notices[0] = type(plan.notices[0])(
        address="cnam.acme-sales", level=plan.notices[0].level, message="Zoë's café"
    )
    assert "Zoë's café" in render_json(plan)
