"""Evaluation findings on manifest lines, the scope guard, summaries and progress lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from cnamctl import CNAM_POLICY_SID
from cnamctl.apply.evaluation import findings, to_problems
from cnamctl.apply.events import ChangeFinished, ChangeRetrying, ChangeStarted
from cnamctl.apply.guard import scope_problems
from cnamctl.apply.progress import PlainLog, RichProgress, Silent
from cnamctl.apply.report import MAX_LISTED, render_result_json, render_summary
from cnamctl.apply.result import AccountOutcome, ApplyResult, ChangeResult, Outcome
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
            Change(
                "d",
                Action.DELETE_TRUST_PRODUCT,
                params={"trust_product": "BU" + "f" * 32, "end_user_type": "cnam_information"},
            ),
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
    text = render_summary(mixed_result(), rerun="`cnamctl apply --emulator m/`")
    assert text.startswith("Apply incomplete: 1 applied, 1 failed, 1 skipped")
    assert "4 write requests" in text
    assert f"acme-sales ({TP}): not submitted" in text
    assert "acme.yaml:11: cnam_display_name: bad" in text
    assert "Skipped (a change they depend on did not apply): 1\n  n: tp did not apply" in text
    assert "Re-running `cnamctl apply --emulator m/` is safe" in text


def interrupted_result(applied: int, not_run: int, skipped: int, unknown: int) -> ApplyResult:
    def many(outcome: Outcome, count: int, message: str) -> list[ChangeResult]:
        return [
            ChangeResult(
                f"{outcome.value}-{i}", Action.ASSIGN_CNAM_NUMBER, outcome, message=message
            )
            for i in range(count)
        ]

    return ApplyResult(
        changes=[
            *many(Outcome.APPLIED, applied, ""),
            *many(Outcome.SKIPPED, skipped, "x did not apply"),
            *many(Outcome.UNKNOWN, unknown, "in flight"),
            *many(Outcome.NOT_RUN, not_run, "run interrupted"),
        ],
        interrupted=True,
    )


def test_changes_not_run_are_one_line_and_long_lists_are_cut():
    text = render_summary(interrupted_result(applied=3, not_run=500, skipped=25, unknown=2))
    lines = text.splitlines()
    assert lines[0].startswith("Apply interrupted: 3 applied, 25 skipped, 500 not-run, 2 unknown")
    assert "Not run: 500 changes (the run was interrupted before they started)." in lines
    assert not any(line.startswith("  not-run-") for line in lines)
    assert sum(line.startswith("  skipped-") for line in lines) == MAX_LISTED
    assert "  ... and 15 more (`--format json` lists every one)" in lines
    assert "  unknown-0: in flight" in lines and "  unknown-1: in flight" in lines
    assert len(lines) < 40  # never a line per change


def test_summary_of_a_clean_run():
    ok = ApplyResult(changes=[ChangeResult("tp", Action.CREATE_TRUST_PRODUCT, Outcome.APPLIED)])
    text = render_summary(ok)
    assert text.startswith("Apply complete: 1 applied")
    assert "safe" not in text


def test_result_document_is_a_list_of_accounts_listing_every_change():
    outcomes = [
        AccountOutcome("default account", "AC1", mixed_result()),
        AccountOutcome("other (AC2)", "AC2", error="stale plan: ..."),
    ]
    top = json.loads(render_result_json(outcomes))
    assert top["ok"] is False and top["interrupted"] is False
    first_account, second_account = top["accounts"]
    assert second_account == {
        "name": "other (AC2)",
        "account_sid": "AC2",
        "error": "stale plan: ...",
        "result": None,
    }
    assert first_account["name"] == "default account" and first_account["error"] is None
    doc = first_account["result"]
    assert doc["ok"] is False
    assert doc["summary"] == {"applied": 1, "failed": 1, "skipped": 1, "not-run": 0, "unknown": 0}
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


def test_plain_log_writes_a_line_per_change_and_retry_but_none_per_change_not_run():
    out = io.StringIO()
    log = PlainLog(out)
    change = Change("n", Action.ASSIGN_CNAM_NUMBER)
    log(ChangeStarted(change))
    log(ChangeRetrying(change, 1, "HTTP 429 (code 20429): Too many requests", 1.0))
    log(
        ChangeFinished(
            ChangeResult("n", Action.ASSIGN_CNAM_NUMBER, Outcome.APPLIED, sids=("RA1",), attempts=2)
        )
    )
    log(ChangeFinished(ChangeResult("m", Action.ASSIGN_CNAM_NUMBER, Outcome.NOT_RUN)))
    log.notify("stopping: 0 changes in flight will finish, nothing new starts")
    assert out.getvalue().splitlines() == [
        "retry    n: HTTP 429 (code 20429): Too many requests; attempt 2 in 1.0s",
        "applied  assign-cnam-number n (RA1; 2 attempts)",
        "stopping: 0 changes in flight will finish, nothing new starts",
    ]


def test_log_lines_are_inert():
    out = io.StringIO()
    PlainLog(out)(
        ChangeFinished(
            ChangeResult("n", Action.ASSIGN_CNAM_NUMBER, Outcome.FAILED, message="\x1b]0;pwned\x07")
        )
    )
    assert "\x1b" not in out.getvalue() and "\\x1b]0;pwned" in out.getvalue()


def test_silent_shows_only_messages_when_given_a_stream():
    out = io.StringIO()
    Silent(out)(ChangeFinished(ChangeResult("n", Action.ASSIGN_CNAM_NUMBER, Outcome.APPLIED)))
    Silent(out).notify("stopping")
    Silent(None).notify("nowhere")
    assert out.getvalue() == "stopping\n"


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


def test_rich_progress_stays_where_an_interrupted_run_stopped():
    """Not-run and skipped changes do not advance the bars: no jump to full."""
    plan = Plan("AC1", changes=[Change(f"n{i}", Action.ASSIGN_CNAM_NUMBER) for i in range(10)])
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, color_system=None)
    with RichProgress(plan, console) as bars:
        for i in range(3):
            bars(ChangeFinished(ChangeResult(f"n{i}", Action.ASSIGN_CNAM_NUMBER, Outcome.APPLIED)))
        bars.notify("stopping: 2 changes in flight will finish, nothing new starts")
        bars(ChangeFinished(ChangeResult("n3", Action.ASSIGN_CNAM_NUMBER, Outcome.SKIPPED)))
        for i in range(4, 10):
            bars(ChangeFinished(ChangeResult(f"n{i}", Action.ASSIGN_CNAM_NUMBER, Outcome.NOT_RUN)))
    text = out.getvalue()
    assert "stopping: 2 changes in flight will finish" in text
    final = text.rsplit("nothing new starts", 1)[-1]
    assert "3/10" in final and "10/10" not in final
    assert "not-run" not in text and "skipped" not in text  # the summary says it, once
