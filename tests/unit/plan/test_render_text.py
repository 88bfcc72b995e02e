from __future__ import annotations

import re

import pytest
import render_world
import sample_plans
from hypothesis import given, settings
from hypothesis import strategies as st
from sample_plans import ACCOUNT
from world import ACME, LiveWorld, manifests

from cnamctl.errors import Location
from cnamctl.plan import compute_plan
from cnamctl.plan.model import Action, Change, Plan
from cnamctl.plan.render import render_text
from cnamctl.plan.render.layout import WIDTH
from cnamctl.plan.render.view import ACTION_VERBS, NO_CHANGES, ViewOptions

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def text_of(plan: Plan, **options) -> str:
    return render_text(plan, color=False, options=ViewOptions(**options))


def block_lines(text: str, title: str) -> list[str]:
    """The lines of the block whose head names ``title``, up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line[4:].startswith(title))
    end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
    return lines[start:end]


def assert_fits(text: str) -> None:
    too_long = [line for line in text.splitlines() if len(line) > WIDTH]
    assert not too_long, too_long


def test_every_action_has_a_verb():
    assert set(ACTION_VERBS) == set(Action)


def test_header_names_the_account():
    text = text_of(sample_plans.every_action())
    assert text.splitlines()[0] == f"cnamctl plan for account {ACCOUNT}"


def test_one_block_per_object_with_its_steps_indented_beneath(tmp_path):
    text = text_of(render_world.new_profile(tmp_path))
    block = block_lines(text, "CnamProfile sales")
    if not block[0].endswith("m.yaml:6"):  # a long path goes to a line of its own
        assert block.pop(1).endswith("/m.yaml:6") and block[0] == "  + CnamProfile sales"
    assert re.fullmatch(r"  \+ CnamProfile sales(  \S+/m\.yaml:6)?", block[0])
    assert block[1] == (
        "    new CNAM profile 'ACME SALES' with 2 numbers; goes to Twilio review, which takes days"
    )
    steps = [line for line in block[2:] if not line.lstrip().startswith(("#", "{"))]
    assert [line.split()[:2] for line in steps] == [
        ["+", "create-end-user"],
        ["+", "create-trust-product"],
        ["+", "assign-entity"],
        ["+", "assign-entity"],
        ["+", "assign-cnam-number"],
        ["->", "submit-for-review"],
    ]
    assert all(line.startswith("    ") for line in block[2:])  # beneath, indented
    assert "2 numbers: +14155550100, +14155550101" in text
    assert "# brand each number as 'ACME SALES' (line 12)" in text


def test_unchanged_objects_take_one_line(tmp_path):
    text = text_of(render_world.new_profile(tmp_path))
    assert "  = BusinessProfile acme: unchanged: 'Acme Corp' with 2 numbers\n" in text


def test_the_summary_line_counts_by_verb():
    text = text_of(sample_plans.every_action())
    assert text.rstrip().splitlines()[-1] == (
        "Plan: 2 to create, 4 to assign, 2 to unassign, 4 to update, 1 to submit, "
        "1 to verify, 2 to delete; 4 unchanged."
    )
    assert text.endswith("\n")


def test_every_change_of_a_hand_made_plan_is_shown():
    plan = sample_plans.every_action()
    text = text_of(plan)
    for change in plan.changes:
        assert change.action.value in text
    assert text.count("delete-caller-id") == 1


def test_empty_plan_says_no_changes():
    text = text_of(sample_plans.empty())
    assert text.rstrip().splitlines()[-1] == NO_CHANGES
    assert "Plan:" not in text and "Notices" not in text


@pytest.mark.parametrize(
    "make",
    [
        render_world.new_profile,
        render_world.rejected,
        render_world.replacement,
        render_world.pruning,
        render_world.hostile,
        lambda tmp: render_world.many_numbers(tmp, 2_000, caller_ids=150),
    ],
)
def test_every_line_fits_100_columns(tmp_path, make):
    plan = make(tmp_path)
    assert_fits(text_of(plan))
    assert_fits(text_of(plan, full=True))


def test_long_names_from_a_server_wrap_too(tmp_path):
    world = LiveWorld()
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    world.product("L" * 300, "LEGACY", bp=bp, numbers=[])
    world.snapshot.account_sid = "AC" + "9" * 200
    text = ACME + "---\napiVersion: cnamctl/v1\nkind: Settings\nprune: {cnamProfiles: true}\n"
    plan = compute_plan(manifests(tmp_path, text), world.snapshot)
    rendered = text_of(plan)
    assert "CNAM product 'LLLL" in rendered
    assert_fits(rendered)


@settings(max_examples=40, deadline=None)
@given(
    value=st.text(min_size=0, max_size=600),
    reason=st.text(min_size=0, max_size=300),
    file=st.text(st.characters(codec="utf-8"), min_size=1, max_size=150),
)
def test_long_values_reasons_and_paths_move_to_their_own_lines(value, reason, file):
    plan = Plan(
        ACCOUNT,
        changes=[
            Change(
                'caller-id["+14155550199"]',
                Action.UPDATE_CALLER_ID,
                before="Front desk",
                after=value,
                reason=reason,
                location=Location(file, 12),
            )
        ],
    )
    text = text_of(plan)
    assert_fits(text)
    assert "\x1b" not in text


def test_a_value_too_long_for_a_line_wraps_without_loss():
    plan = Plan(
        ACCOUNT, changes=[Change('caller-id["+1"]', Action.UPDATE_CALLER_ID, after="x" * 400)]
    )
    text = text_of(plan)
    assert_fits(text)
    pieces = [line.strip() for line in text.splitlines() if set(line.strip()) <= set('x"')]
    assert "".join(pieces) == '"' + "x" * 400 + '"'  # wrapped, nothing cut


def test_the_safety_verdict_comes_first(tmp_path):
    text = text_of(render_world.pruning(tmp_path))
    lines = text.splitlines()
    assert lines[2] == "apply will refuse this without --force:"
    assert lines[3] == (
        "  - the plan unassigns 10 of 12 existing CNAM number assignments (83.3%), more than"
    )
    assert lines[4] == "    safety.maxUnassignPercent 30%"
    vetting = lines.index("This plan discards Twilio vetting:")
    assert lines[vetting + 1].startswith("  - deletes approved CNAM product 'legacy' (BU")
    first_block = next(i for i, line in enumerate(lines) if "BusinessProfile acme" in line)
    assert vetting < first_block


def test_removed_products_are_addressed_by_name(tmp_path):
    text = text_of(render_world.pruning(tmp_path))
    block = block_lines(text, "CNAM product 'legacy'")
    assert re.match(r"  - CNAM product 'legacy' \(BU[0-9a-f]{32}\)", block[0])
    assert 'cnam-product["' not in text


def test_a_rejected_product_shows_its_codes_and_manifest_line(tmp_path):
    text = text_of(render_world.rejected(tmp_path, 11009))
    block = " ".join(" ".join(block_lines(text, "CnamProfile sales")).split())
    assert block.startswith("! CnamProfile sales")
    assert "error: BU" in block and "11009 (display name does not meet requirements" in block
    assert "(line 10)" in block  # displayName
    assert text.rstrip().endswith("not as declared: 1 product rejected by Twilio.")


def test_notices_are_summarised_by_kind_and_listed_with_full(tmp_path):
    plan = render_world.many_numbers(tmp_path, 2, caller_ids=150)
    text = text_of(plan)
    notices = text.split("Notices:\n")[1].split("\n\n")[0].splitlines()
    assert notices == [
        "  info     150 unmanaged caller IDs left alone (prune.outgoingCallerIds is off)",
        "  (cnamctl plan --full lists each one; --format json always has them all)",
    ]
    full = text_of(plan, full=True)
    assert full.count("unmanaged outgoing caller ID 'old line") == 150


def test_terminal_escapes_from_a_server_are_made_inert(tmp_path):
    text = text_of(render_world.hostile(tmp_path), full=True)
    assert "\x1b" not in text and "\x07" not in text
    assert r"\x1b]0;pwned\x07\x1b[2J" in text


def test_a_file_name_with_escapes_is_made_inert(tmp_path):
    world = LiveWorld()
    world.business_profile(numbers=world.numbers("+14155550100", "+14155550101"))
    folder = tmp_path / "x\x1b[2J"
    folder.mkdir()
    plan = compute_plan(manifests(folder, ACME), world.snapshot)
    text = text_of(plan)
    assert "\x1b" not in text and r"x\x1b[2J/m.yaml:6" in text


def test_without_color_there_are_no_escape_codes(tmp_path):
    assert "\x1b" not in text_of(render_world.pruning(tmp_path))


def test_with_color_symbols_are_coloured_and_text_is_unchanged(tmp_path):
    plan = render_world.pruning(tmp_path)
    plain = text_of(plan)
    coloured = render_text(plan, color=True)
    assert "\x1b[31m" in coloured  # red removals
    assert "\x1b[1;31mapply will refuse" in coloured
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
    text = ANSI.sub("", render_text(plan, color=True))
    assert '"[bold]x[/bold]" -> "[red]y :smile:"' in text
    assert "# [link] (line 1)" in text
