from __future__ import annotations

import re

import pytest
import render_world
import sample_plans
from markdown_it import MarkdownIt
from sample_plans import ACCOUNT, assert_golden

from cnamctl.errors import Location
from cnamctl.plan.model import Action, Change, Notice, NoticeLevel, Plan
from cnamctl.plan.render import render_markdown
from cnamctl.plan.render.accounts import AccountSection, render_accounts_markdown
from cnamctl.plan.render.layout import WIDTH
from cnamctl.plan.render.markdown import GITHUB_COMMENT_LIMIT
from cnamctl.plan.render.view import NO_CHANGES, ViewOptions

SAMPLES = {
    "every_action": sample_plans.every_action,
    "empty": sample_plans.empty,
    "with_notices": sample_plans.with_notices,
}
E164 = re.compile(r"\+1\d{10}")
OUR_TAGS = re.compile(r"</?(details|summary|code)>")


def diff_blocks(text: str) -> list[list[str]]:
    return [
        m.group(2).splitlines() for m in re.finditer(r"^(`{3,})diff\n(.*?)^\1$", text, re.S | re.M)
    ]


def html_pieces(text: str) -> list[str]:
    """Every piece of raw HTML a CommonMark renderer sees in ``text``."""
    pieces = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "html_block":
            pieces += [line for line in token.content.splitlines() if line.strip()]
        for child in token.children or []:
            if child.type == "html_inline":
                pieces.append(child.content)
    return pieces


def inline_text(text: str) -> str:
    """The text (not code) a renderer shows, where @mentions would be linked."""
    found = []
    for token in MarkdownIt("commonmark").parse(text):
        for child in token.children or []:
            if child.type == "text":
                found.append(child.content)
    return "\n".join(found)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_matches_golden_file(name):
    assert_golden(f"{name}.md", render_markdown(SAMPLES[name]()))


def test_heading_headline_then_one_line_per_object(tmp_path):
    text = render_markdown(render_world.new_profile(tmp_path))
    assert text.startswith("## cnamctl plan\n\n**Plan: 2 to create, 4 to assign, 1 to submit; ")
    assert f"Account `{ACCOUNT[:2]}" in text or "Account `AC" in text
    assert "### Business profile `acme`" in text
    line = next(line for line in text.splitlines() if "**CnamProfile `sales`**" in line)
    assert line.startswith("- `+` **CnamProfile `sales`**: new CNAM profile `ACME SALES` with 2 ")
    assert "goes to Twilio review, which takes days · `" in line and line.endswith("m.yaml:6`")


def test_steps_are_collapsed_beneath_in_a_diff_block(tmp_path):
    text = render_markdown(render_world.new_profile(tmp_path))
    assert "<details><summary><code>+</code> CnamProfile sales: 6 API steps</summary>" in text
    (block,) = diff_blocks(text)
    markers = [line[0] for line in block if not line[1:].lstrip().startswith(("#", "{"))]
    assert markers == ["+", "+", "+", "+", "+", "!"]  # submit is drawn as changed
    assert all(len(line) <= WIDTH for line in block)
    assert text.index("**CnamProfile `sales`**") < text.index("<details><summary><code>+")


def test_the_safety_verdict_comes_first(tmp_path):
    text = render_markdown(render_world.pruning(tmp_path))
    verdict = text.index("> **apply will refuse this without `--force`:**")
    assert text.index("**Plan:") < verdict < text.index("### Business profile")
    assert "> - the plan unassigns 10 of 12 existing CNAM number assignments (83.3%)" in text
    assert "> **This plan discards Twilio vetting:**" in text
    assert "> - deletes approved CNAM product 'legacy' (BU" in text


def test_empty_plan_has_no_table_or_block():
    text = render_markdown(sample_plans.empty())
    assert NO_CHANGES in text
    assert "|" not in text and "```" not in text


def test_notices_are_summarised_by_kind(tmp_path):
    plan = render_world.many_numbers(tmp_path, 2, caller_ids=150)
    text = render_markdown(plan)
    notices = text.split("### Notices\n\n")[1].split("\n\n")[0].splitlines()
    assert notices == [
        "- **info** 150 unmanaged caller IDs left alone (prune.outgoingCallerIds is off)"
    ]
    assert len(text) < 6_000  # 150 notices used to make a 50 KB comment
    full = render_markdown(plan, options=ViewOptions(full=True))
    assert full.count("  - unmanaged outgoing caller ID 'old line") == 150


def test_a_10000_number_plan_fits_one_comment_with_every_summary_first(tmp_path):
    text = render_markdown(render_world.many_numbers(tmp_path, 10_000, caller_ids=150))
    assert len(text) < GITHUB_COMMENT_LIMIT - 1_000
    first_number = E164.search(text)
    assert first_number is not None
    for summary in (
        "10,000 numbers added to the business profile `Acme Corp`",
        "new CNAM profile `ACME SALES` with 10,000 numbers",
        "new CNAM profile `ACME SUPPORT` with 0 numbers",
        "150 unmanaged caller IDs left alone",
    ):
        assert text.index(summary) < first_number.start(), summary
    assert "+ assign-cnam-number    number[*]" in text
    assert "10,000 numbers, +14152000000 … +14152009999" in text
    assert re.search(r"_[\d,]+ more not shown here; `cnamctl plan --format json`", text)
    assert "| **Total** | **20010** |" in text  # the counts are always complete


@pytest.mark.parametrize("count", [1, 400, 3_000])
@pytest.mark.parametrize("caller_ids", [0, 2_000])
def test_never_over_the_limit(tmp_path, count, caller_ids):
    plan = render_world.many_numbers(tmp_path, count, caller_ids=caller_ids)
    for full in (False, True):
        text = render_markdown(plan, options=ViewOptions(full=full))
        assert len(text) < GITHUB_COMMENT_LIMIT - 1_000


def test_many_objects_are_cut_with_a_note():
    plan = Plan(
        ACCOUNT,
        changes=[
            Change(f'caller-id["+1650{i:07d}"]', Action.UPDATE_CALLER_ID, after="x" * 300)
            for i in range(3_000)
        ],
    )
    text = render_markdown(plan)
    assert len(text) < GITHUB_COMMENT_LIMIT - 1_000
    assert re.search(r"_[\d,]+ more object groups? not shown|_[\d,]+ more objects' steps", text)


def test_what_was_left_out_names_the_command_that_shows_it(tmp_path):
    """A reviewer reads the comment, not the job: the hint is the command the job ran."""
    plan = Plan(
        ACCOUNT,
        changes=[
            Change(f'caller-id["+1650{i:07d}"]', Action.UPDATE_CALLER_ID, after="x" * 300)
            for i in range(3_000)
        ],
    )
    command = "cnamctl plan --api-url https://proxy.example manifests/prod"
    text = render_markdown(plan, options=ViewOptions(command=command))
    assert f"Run `{command} --full` or see the job log" in text
    numbers = render_markdown(
        render_world.many_numbers(tmp_path, 10_000), options=ViewOptions(command=command)
    )
    assert f"more not shown here; `{command} --format json` lists them all" in numbers


def test_a_plan_that_fits_is_not_cut(tmp_path):
    text = render_markdown(render_world.many_numbers(tmp_path, 300))
    assert "not shown" not in text
    assert text.count("+1415200") >= 300 * 2  # both full lists


def test_backticks_in_values_do_not_close_the_block():
    plan = Plan(
        ACCOUNT,
        changes=[Change('caller-id["+1"]', Action.UPDATE_CALLER_ID, after="a ```` b")],
    )
    text = render_markdown(plan)
    assert "`````diff\n" in text
    (block,) = diff_blocks(text)
    assert block == ['! update-caller-id  caller-id  "a ```` b"']


def test_values_cannot_break_the_comment(tmp_path):
    text = render_markdown(render_world.hostile(tmp_path), options=ViewOptions(full=True))
    pieces = html_pieces(text)
    assert pieces and all("<" not in OUR_TAGS.sub("", piece) for piece in pieces), pieces
    opened = sum(p.startswith("<details>") for p in pieces)
    assert opened == sum(p == "</details>" for p in pieces) == 3  # 2 objects' steps, counts
    shown = inline_text(text)
    assert "@octocat" not in shown  # never a mention: "@\u200boctocat"
    assert "\x1b" not in text and "\x07" not in text
    assert r"\x1b]0;pwned" in shown


def test_notice_text_cannot_inject_markdown_or_html():
    plan = Plan(
        ACCOUNT,
        notices=[
            Notice(
                "cnam.`x`",
                NoticeLevel.ERROR,
                "<details> **bold** [link](http://x) | pipe @team\nsecond line",
                location=Location("m.yaml", 3),
            )
        ],
    )
    [item] = [line for line in render_markdown(plan).splitlines() if line.startswith("- ")]
    assert item == (
        r"- **error** `` cnam.`x` `` at `m.yaml:3`: \<details> \*\*bold\*\* \[link\](http://x) "
        r"\| pipe @&#8203;team second line"
    )


def test_each_account_gets_a_share_of_the_comment(tmp_path):
    sections = [
        AccountSection(f"acct-{i}", render_world.many_numbers(tmp_path, 3_000, caller_ids=500))
        for i in range(3)
    ]
    text = render_accounts_markdown(sections)
    assert len(text) < GITHUB_COMMENT_LIMIT - 1_000
    assert [line for line in text.splitlines() if line.startswith("# Account")] == [
        "# Account `acct-0`",
        "# Account `acct-1`",
        "# Account `acct-2`",
    ]


def test_numbers_from_a_server_cannot_close_their_list():
    numbers = [f"+1415555{i:04d}" for i in range(5)] + ["+1```</details>@x"]
    plan = Plan(
        ACCOUNT,
        changes=[
            Change(
                f'cnam-product["BU1"].number["{n}"]',
                Action.UNASSIGN_CNAM_NUMBER,
                before="legacy",
                reason="the product is deleted",
            )
            for n in numbers
        ],
    )
    text = render_markdown(plan)
    assert "````text\n" in text  # a fence longer than the backticks inside
    pieces = html_pieces(text)
    assert all("<" not in OUR_TAGS.sub("", piece) for piece in pieces), pieces
