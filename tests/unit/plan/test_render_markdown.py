from __future__ import annotations

import re

import pytest
import sample_plans
from sample_plans import ACCOUNT, assert_golden

from cnamctl.errors import Location
from cnamctl.plan.model import Action, Change, Notice, NoticeLevel, Plan
from cnamctl.plan.render import render_markdown
from cnamctl.plan.render.markdown import FOLD_OVER, GITHUB_COMMENT_LIMIT
from cnamctl.plan.render.view import NO_CHANGES

SAMPLES = {
    "every_action": sample_plans.every_action,
    "empty": sample_plans.empty,
    "with_notices": sample_plans.with_notices,
}


def numbers_plan(count: int, *, notices: int = 0, address_pad: int = 0) -> Plan:
    """``count`` number assignments (and ``notices`` warnings)."""
    name = "acme-" + "x" * address_pad
    return Plan(
        ACCOUNT,
        changes=[
            Change(
                address=f'cnam.{name}.number["+1415{i:07d}"]',
                action=Action.ASSIGN_CNAM_NUMBER,
                after=name,
                reason="declared",
                location=Location("manifests/numbers.yaml", i + 1),
            )
            for i in range(count)
        ],
        notices=[
            Notice(f'caller-id["+1650{i:07d}"]', NoticeLevel.WARNING, "not managed " * 10)
            for i in range(notices)
        ],
    )


def diff_block(text: str) -> list[str]:
    match = re.search(r"^(`{3,})diff\n(.*?)^\1$", text, re.S | re.M)
    assert match, text
    return match.group(2).splitlines()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_matches_golden_file(name):
    assert_golden(f"{name}.md", render_markdown(SAMPLES[name]()))


def test_heading_summary_and_count_table():
    text = render_markdown(sample_plans.every_action())
    assert text.startswith("## cnamctl plan\n")
    assert "**Plan: 2 to create, 3 to assign," in text
    assert f"`{ACCOUNT}`" in text
    for action in Action:
        assert f"| `{action.value}` | 1 |" in text
    assert "| **Total** | **14** |" in text


def test_changes_in_a_diff_block_with_github_markers():
    lines = diff_block(render_markdown(sample_plans.every_action()))
    markers = {line.split()[1]: line[0] for line in lines}
    assert markers["cnam.acme-sales"] == "+"
    assert markers['caller-id["+14155550197"]'] == "-"
    assert markers["cnam.acme-support"] == "!"  # update
    assert markers["cnam.acme-sales.submit"] == "!"
    assert len(lines) == len(Action)


def test_empty_plan_has_no_table_or_block():
    text = render_markdown(sample_plans.empty())
    assert NO_CHANGES in text
    assert "|" not in text and "```" not in text


def test_notices_as_a_list_with_locations():
    text = render_markdown(sample_plans.with_notices())
    notices = text.split("### Notices\n\n")[1].splitlines()
    assert notices[0] == (
        "- **error** `cnam.acme-sales` at `manifests/cnam.yaml:5`: Twilio rejected the "
        "display name (status: twilio-rejected; error codes: 22214, 22216)"
    )
    assert notices[1].startswith('- **warning** `cnam-product["BU99')
    assert " at `" not in notices[1]


def test_small_plans_are_not_folded_large_ones_are():
    assert "<details>" not in render_markdown(numbers_plan(FOLD_OVER))
    text = render_markdown(numbers_plan(FOLD_OVER + 1))
    assert f"<summary>Show all {FOLD_OVER + 1} changes</summary>" in text
    assert text.index("| **Total**") < text.index("<details>")  # the counts stay visible
    assert len(diff_block(text)) == FOLD_OVER + 1
    assert text.index("```diff") < text.index("</details>")


def test_huge_plan_is_cut_below_the_comment_limit_with_a_note():
    plan = numbers_plan(5_000, notices=2_000, address_pad=40)
    text = render_markdown(plan)
    assert len(text) < GITHUB_COMMENT_LIMIT
    shown = diff_block(text)
    assert 100 < len(shown) < 5_000
    assert shown == diff_block(render_markdown(numbers_plan(5_000, address_pad=40)))[: len(shown)]
    assert f"_{5_000 - len(shown)} more changes not shown" in text
    assert f"<summary>Show the first {len(shown)} of 5000 changes</summary>" in text
    notices_shown = text.count("- **warning**")
    assert 10 < notices_shown < 2_000
    assert f"_{2_000 - notices_shown} more notices not shown" in text
    assert "| **Total** | **5000** |" in text  # the counts are always complete


@pytest.mark.parametrize("count", [1, 200, 400, 800, 3_000])
@pytest.mark.parametrize("pad", [0, 300, 990])
def test_never_over_the_limit(count, pad):
    assert len(render_markdown(numbers_plan(count, notices=count, address_pad=pad))) < (
        GITHUB_COMMENT_LIMIT - 1_000
    )


def test_plan_that_fits_is_not_cut():
    text = render_markdown(numbers_plan(300))
    assert len(diff_block(text)) == 300
    assert "not shown" not in text


def test_one_enormous_value_is_clipped():
    plan = Plan(
        ACCOUNT, changes=[Change('caller-id["+1"]', Action.UPDATE_CALLER_ID, after="x" * 100_000)]
    )
    text = render_markdown(plan)
    assert len(text) < 2_000
    assert diff_block(text)[0].endswith("…")


def test_backticks_in_values_do_not_close_the_block():
    plan = Plan(
        ACCOUNT,
        changes=[Change('caller-id["+1"]', Action.UPDATE_CALLER_ID, after="a ```` b")],
    )
    text = render_markdown(plan)
    assert "`````diff\n" in text
    assert diff_block(text) == ['! caller-id["+1"]  update-caller-id  "a ```` b"']


def test_notice_text_cannot_inject_markdown_or_html():
    plan = Plan(
        ACCOUNT,
        notices=[
            Notice(
                "cnam.`x`",
                NoticeLevel.ERROR,
                "<details> **bold** [link](http://x) | pipe\nsecond line",
            )
        ],
    )
    [item] = [line for line in render_markdown(plan).splitlines() if line.startswith("- ")]
    assert item == (
        r"- **error** `` cnam.`x` ``: \<details\> \*\*bold\*\* \[link\](http://x) \| pipe second line"
    )
