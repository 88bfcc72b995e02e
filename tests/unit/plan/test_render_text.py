from __future__ import annotations

import re

import pytest
import sample_plans
from sample_plans import ACCOUNT

from cnamctl.errors import Location
from cnamctl.plan.model import Action, Change, Plan
from cnamctl.plan.render import render_text
from cnamctl.plan.render.view import ACTION_VERBS, NO_CHANGES

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def line_of(text: str, address: str) -> str:
    [line] = [line for line in text.splitlines() if f" {address} " in line]
    return line


def test_every_action_has_a_verb():
    assert set(ACTION_VERBS) == set(Action)


def test_header_names_the_account():
    text = render_text(sample_plans.every_action(), color=False)
    assert text.splitlines()[0] == f"cnamctl plan for account {ACCOUNT}"


@pytest.mark.parametrize(
    ("address", "symbol", "action"),
    [
        ('cnam.acme-old.number["+14155550111"]', "-", "unassign-cnam-number"),
        ("cnam.acme-sales.end-user", "+", "create-end-user"),
        ("cnam.acme-support.end-user", "~", "update-end-user"),
        ("cnam.acme-sales", "+", "create-trust-product"),
        ('cnam.acme-sales.entity["business-profile"]', "+", "assign-entity"),
        ('cnam.acme-sales.number["+14155550100"]', "+", "assign-cnam-number"),
        ("cnam.acme-sales.submit", "->", "submit-for-review"),
        ('number["+14155550100"].caller-name-lookup', "~", "set-caller-name-lookup"),
        ('caller-id["+14155550199"]', "+", "create-validation-request"),
        ('caller-id["+14155550197"]', "-", "delete-caller-id"),
    ],
)
def test_one_line_per_change_with_symbol_address_and_action(address, symbol, action):
    line = line_of(render_text(sample_plans.every_action(), color=False), address)
    assert line.split()[:3] == [symbol, address, action]


def test_changes_are_listed_in_execution_order():
    plan = sample_plans.every_action()
    text = render_text(plan, color=False)
    positions = [text.index(f" {c.address} ") for c in plan.changes]
    assert positions == sorted(positions)
    assert len(positions) == len(Action)


def test_before_and_after_values_reason_and_location():
    text = render_text(sample_plans.every_action(), color=False)
    update = line_of(text, "cnam.acme-support")
    assert '"old@acme.example" -> "cnam@acme.example"' in update
    assert update.endswith("# email changed (manifests/cnam.yaml:20)")
    assert "false -> true" in line_of(text, 'number["+14155550100"].caller-name-lookup')
    created = line_of(text, "cnam.acme-sales.end-user")
    assert '{"cnam_display_name": "ACME SALES"}' in created
    assert "->" not in created  # nothing before: only the new value
    assert '"Gone" -> (none)' in line_of(text, 'caller-id["+14155550197"]')


def test_columns_are_aligned():
    text = render_text(sample_plans.every_action(), color=False)
    change_lines = [line for line in text.splitlines() if line.startswith("  ")][: len(Action)]
    action_columns = {
        line.index(action.value)
        for line in change_lines
        for action in Action
        if f" {action.value}" in line
    }
    assert len(action_columns) == 1


def test_summary_line_counts_by_verb():
    text = render_text(sample_plans.every_action(), color=False)
    assert text.rstrip().splitlines()[-1] == (
        "Plan: 2 to create, 3 to assign, 1 to unassign, 4 to update, 1 to submit, "
        "1 to verify, 2 to delete; 4 unchanged."
    )
    assert text.endswith("\n")


def test_empty_plan_says_no_changes():
    text = render_text(sample_plans.empty(), color=False)
    assert text.rstrip().splitlines()[-1] == NO_CHANGES
    assert "Plan:" not in text
    assert "Notices" not in text


def test_notices_with_level_location_status_and_codes_errors_first():
    text = render_text(sample_plans.with_notices(), color=False)
    notices = text.split("Notices:\n")[1].split("\n\n")[0].splitlines()
    assert [n.split()[0] for n in notices] == ["error", "warning", "info"]
    assert notices[0] == (
        "  error    manifests/cnam.yaml:5: cnam.acme-sales: Twilio rejected the display name "
        "(status: twilio-rejected; error codes: 22214, 22216)"
    )
    assert notices[1].startswith('  warning  cnam-product["BU99')  # no location: none shown
    assert text.rstrip().endswith("Plan: 1 to assign; 2 unchanged.")


def test_without_color_there_are_no_escape_codes():
    text = render_text(sample_plans.with_notices(), color=False)
    assert "\x1b" not in text


def test_with_color_symbols_are_coloured_and_text_is_unchanged():
    plain = render_text(sample_plans.every_action(), color=False)
    coloured = render_text(sample_plans.every_action(), color=True)
    assert "\x1b[32m+" in coloured  # green create
    assert "\x1b[31m-" in coloured  # red removal
    assert "\x1b[33m~" in coloured  # yellow update
    assert ANSI.sub("", coloured) == plain


def test_brackets_and_markup_like_text_are_printed_verbatim():
    plan = Plan(
        ACCOUNT,
        changes=[
            Change(
                address='caller-id["+14155550199"]',
                action=Action.UPDATE_CALLER_ID,
                before="[bold]x[/bold]",
                after="[red]y :smile:",
                reason="[link]",
                location=Location("m.yaml", 1),
            )
        ],
    )
    line = line_of(render_text(plan, color=True), 'caller-id["+14155550199"]')
    assert '"[bold]x[/bold]" -> "[red]y :smile:"' in ANSI.sub("", line)
    assert "# [link] (m.yaml:1)" in ANSI.sub("", line)


def test_long_lines_are_not_broken():
    value = "x" * 400
    plan = Plan(ACCOUNT, changes=[Change('caller-id["+1"]', Action.UPDATE_CALLER_ID, after=value)])
    assert value in render_text(plan, color=False)
