"""Evaluation findings on manifest lines, the scope guard, summaries and progress lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from cnamctl import CNAM_POLICY_SID
from cnamctl.apply.evaluation import findings, to_problems
from cnamctl.apply.events import ChangeFinished, ChangeRetrying
from cnamctl.apply.guard import scope_problems
from cnamctl.apply.progress import PlainLog, RichProgress
from cnamctl.apply.report import render_result_json, render_summary
from cnamctl.apply.result import ApplyResult, ChangeResult, Outcome
from cnamctl.errors import Location, Problem
from cnamctl.live.model import LiveNumber, LiveTrustProduct, Snapshot
from cnamctl.manifest import load_manifests
from cnamctl.plan.model import Action, Change, Plan

TP = "BU" + "a" * 32
PN = "PN" + "1" * 32

MANIFEST = """\
apiVersion: cnamctl/v1
kind: BusinessProfile
name: acme
friendlyName: Acme Corp
phoneNumbers: ["+14155550100"]
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: acme-sales
businessProfile: acme
displayName: ACME SALES
email: trust@acme.example
phoneNumbers:
  - "+14155550100"
"""

# Shaped like the emulator's (and Twilio's) evaluation results.
RESULTS = [
    {
        "requirement_name": "cnam_information",
        "object_type": "cnam_information",
        "passed": False,
        "failure_reason": "The CNAM display name is invalid: too long.",
        "error_code": 22215,
        "invalid": [
            {
                "object_field": "cnam_display_name",
                "failure_reason": "The CNAM display name is invalid: too long.",
                "error_code": 22215,
            }
        ],
    },
    {
        "requirement_name": "customer_profile",
        "passed": False,
        "failure_reason": "A Business Profile is missing.",
        "error_code": 22216,
        "invalid": [],
    },
    {"requirement_name": "other", "passed": True, "invalid": []},
]


def test_findings_land_on_the_manifest_lines_they_concern(tmp_path: Path):
    (tmp_path / "acme.yaml").write_text(MANIFEST)
    profile = load_manifests([str(tmp_path)]).cnam_profiles["acme-sales"]
    found = findings(RESULTS)
    assert [(f.field, f.code) for f in found] == [("cnam_display_name", 22215), (None, 22216)]
    problems = to_problems(found, profile, None)
    lines = [p.location.line if p.location else None for p in problems]
    assert lines == [11, 10]  # displayName, businessProfile
    assert "too long" in problems[0].message


def test_findings_without_a_manifest_fall_back_to_the_change_location():
    fallback = Location("x.yaml", 3)
    assert {p.location for p in to_problems(findings(RESULTS), None, fallback)} == {fallback}


def test_findings_tolerate_odd_shapes():
    assert findings(None) == []
    assert findings(["junk", {"passed": True}]) == []
    assert len(findings([{"passed": False}])) == 1


def live_snapshot() -> Snapshot:
    live = Snapshot("AC1")
    live.trust_products[TP] = LiveTrustProduct(
        TP, "acme", "draft", "e", CNAM_POLICY_SID, number_assignments={PN: "RA1"}
    )
    live.numbers[PN] = LiveNumber(PN, "+14155550100", "", False)
    return live


def test_scope_guard_accepts_managed_objects_and_refs():
    plan = Plan(
        "AC1",
        [
            Change(
                "u",
                Action.UNASSIGN_CNAM_NUMBER,
                params={"trust_product": TP, "assignment": "RA1", "number": PN},
            ),
            Change("a", Action.ASSIGN_CNAM_NUMBER, params={"trust_product": "@tp", "number": PN}),
        ],
    )
    assert scope_problems(plan, live_snapshot()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            Change("d", Action.DELETE_TRUST_PRODUCT, params={"trust_product": "BU" + "f" * 32}),
            "is not a CNAM trust product",
        ),
        (
            Change(
                "u",
                Action.UNASSIGN_CNAM_NUMBER,
                params={"trust_product": TP, "assignment": "RA9", "number": PN},
            ),
            "assignment RA9 is not",
        ),
        (Change("c", Action.DELETE_CALLER_ID, params={"caller_id": "PNx"}), "caller ID PNx"),
        (Change("e", Action.UPDATE_END_USER, params={"end_user": "ITx"}), "end user ITx"),
    ],
)
def test_scope_guard_refuses_anything_outside(change: Change, message: str):
    problems = scope_problems(Plan("AC1", [change]), live_snapshot())
    assert len(problems) == 1 and message in problems[0]


def mixed_result() -> ApplyResult:
    return ApplyResult(
        changes=[
            ChangeResult(
                "tp",
                Action.CREATE_TRUST_PRODUCT,
                Outcome.APPLIED,
                sids=(TP,),
                attempts=2,
                read_back=True,
            ),
            ChangeResult(
                "submit",
                Action.SUBMIT_FOR_REVIEW,
                Outcome.FAILED,
                attempts=1,
                message="evaluation noncompliant",
                problems=(Problem(Location("acme.yaml", 11), "cnam_display_name: bad"),),
                subject="acme-sales",
                target=TP,
            ),
            ChangeResult(
                "n", Action.SET_CALLER_NAME_LOOKUP, Outcome.SKIPPED, message="tp did not apply"
            ),
        ],
        requests={"GET": 3, "POST": 4},
        retries=1,
    )


def test_summary_says_what_was_and_was_not_done_and_that_rerun_is_safe():
    text = render_summary(mixed_result())
    assert text.startswith("Apply incomplete: 1 applied, 1 failed, 1 skipped")
    assert "4 write requests" in text
    assert f"acme-sales ({TP}): not submitted" in text
    assert "acme.yaml:11: cnam_display_name: bad" in text
    assert "n: tp did not apply" in text
    assert "Re-running `cnamctl apply` is safe" in text


def test_summary_of_a_clean_run():
    ok = ApplyResult(changes=[ChangeResult("tp", Action.CREATE_TRUST_PRODUCT, Outcome.APPLIED)])
    text = render_summary(ok)
    assert text.startswith("Apply complete: 1 applied")
    assert "safe" not in text


def test_result_document_lists_every_change():
    doc = json.loads(render_result_json(mixed_result()))
    assert doc["ok"] is False
    assert doc["summary"] == {"applied": 1, "failed": 1, "skipped": 1, "not-run": 0}
    first = doc["changes"][0]
    assert first == {
        "address": "tp",
        "action": "create-trust-product",
        "outcome": "applied",
        "sids": [TP],
        "attempts": 2,
        "read_back": True,
    }
    assert doc["changes"][1]["problems"] == [
        {"location": "acme.yaml:11", "message": "cnam_display_name: bad"}
    ]
    assert doc["changes"][1]["target"] == TP
    assert doc["reviews"] == [{"product": "acme-sales", "sid": TP, "status": "not submitted"}]


def test_plain_log_writes_a_line_per_change_and_retry():
    out = io.StringIO()
    log = PlainLog(out)
    change = Change("n", Action.ASSIGN_CNAM_NUMBER)
    log(ChangeRetrying(change, 1, "HTTP 429 (code 20429): Too many requests", 1.0))
    log(
        ChangeFinished(
            ChangeResult("n", Action.ASSIGN_CNAM_NUMBER, Outcome.APPLIED, sids=("RA1",), attempts=2)
        )
    )
    assert out.getvalue().splitlines() == [
        "retry    n: HTTP 429 (code 20429): Too many requests; attempt 2 in 1.0s",
        "applied  assign-cnam-number n (RA1; 2 attempts)",
    ]


def test_rich_progress_counts_per_action_and_retries_and_prints_failures():
    plan = Plan(
        "AC1",
        changes=[
            Change("a", Action.ASSIGN_CNAM_NUMBER),
            Change("b", Action.ASSIGN_CNAM_NUMBER),
            Change("s", Action.SUBMIT_FOR_REVIEW),
        ],
    )
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, color_system=None)
    with RichProgress(plan, console) as bars:
        bars(ChangeRetrying(plan.changes[0], 1, "HTTP 500", 0.1))
        bars(ChangeFinished(ChangeResult("a", Action.ASSIGN_CNAM_NUMBER, Outcome.APPLIED)))
        bars(ChangeFinished(ChangeResult("b", Action.ASSIGN_CNAM_NUMBER, Outcome.APPLIED)))
        bars(
            ChangeFinished(
                ChangeResult("s", Action.SUBMIT_FOR_REVIEW, Outcome.FAILED, message="noncompliant")
            )
        )
    text = out.getvalue()
    assert "failed   submit-for-review s (noncompliant)" in text
    final = text.rsplit("failed", 1)[-1]  # the bars as last drawn
    assert "all changes (retries: 1)" in final and "3/3" in final
    assert "assign-cnam-number" in final and "2/2" in final
    assert "submit-for-review" in final and "1/1" in final
