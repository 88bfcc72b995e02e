"""Verdicts from what Twilio registered and what Lookup answered, and how a run is
shown: 100 columns, inert server values, one JSON document for every account."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from cnamctl.plan.render.layout import fits
from cnamctl.verify.branding import PRODUCT_DATE, same_name
from cnamctl.verify.classify import classify
from cnamctl.verify.model import (
    AccountCheck,
    Answer,
    Branding,
    NumberCheck,
    ProfileCheck,
    Status,
    VerifyRun,
)
from cnamctl.verify.render import render_json, render_markdown, render_text

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
NUMBER = "+14155550100"
PRODUCT = "BU" + "1" * 32


def branded(name: str | None = "ACME SALES", hours: float = 10) -> Branding:
    return Branding(NUMBER, PRODUCT, name, NOW - timedelta(hours=hours), PRODUCT_DATE)


def holds(name: str | None, code: int | None = None) -> Answer:
    return Answer(name, "BUSINESS" if name else None, code, NOW)


@pytest.mark.parametrize(
    ("branding", "answer", "status", "words"),
    [
        (branded(), holds("ACME SALES"), Status.CONFIRMED, "confirmed in Twilio Lookup"),
        (branded(), holds("acme  sales"), Status.CONFIRMED, "(looked up now)"),
        (branded(hours=71), holds(None), Status.PROPAGATING, "expect it by 2026-12-01 13:00 UTC"),
        (branded(hours=73), holds(None), Status.MISMATCH, "holds no name (looked up now), 3 days"),
        (branded(hours=80), holds("ACME"), Status.MISMATCH, "holds 'ACME'"),
        (branded(hours=80), holds(None, 60600), Status.MISMATCH, "no name (error 60600, https"),
        (branded("OTHER", 1), holds("OTHER"), Status.MISMATCH, "not the declared 'ACME SALES'"),
        (branded("OTHER", 1), holds("ACME SALES"), Status.CONFIRMED, "now registers 'OTHER'"),
    ],
)
def test_verdicts(branding, answer, status, words):
    found, reason = classify(branding, "ACME SALES", answer, NOW)
    assert found is status
    assert words in reason


def test_names_compare_ignoring_case_and_spacing_only():
    assert same_name("Acme  Sales", "ACME SALES") and not same_name("ACME SALE", "ACME SALES")
    assert same_name(None, None) and not same_name(None, "X")


def looked_up(number: str, branding: Branding, answer: Answer) -> NumberCheck:
    status, reason = classify(branding, "ACME SALES", answer, NOW)
    return NumberCheck(number, status, reason, branding, answer)


def sample_run(named: bool = False, caller: str = "ACME SALES") -> VerifyRun:
    long = "\x1b]0;owned\x07" + "W" * 150
    numbers = (
        looked_up(NUMBER, branded(), holds(caller)),
        looked_up("+14155550101", branded(hours=90), holds(long)),
        NumberCheck("+14155550102", Status.NOT_BRANDED, "on no CNAM product", Branding("+14155550102", not_branded="x")),
        NumberCheck("+14155550103", Status.NOT_CHECKED, "not looked up", branded(), skipped="sample"),
    )  # fmt: skip
    profile = ProfileCheck("acme-sales", "ACME SALES", "m/cnam.yaml:7", numbers)
    accounts = [AccountCheck("acme (AC1)", "AC" + "1" * 32, [profile])]
    if named:
        accounts.append(AccountCheck("beta (AC2)", None, error="Twilio refused the credentials"))
    return VerifyRun(accounts, named, budget=100, lookups_sent=2, from_cache=0, sample=3)


def test_text_fits_100_columns_and_shows_server_values_inert():
    text = render_text(sample_run())
    assert all(fits(line) for line in text.splitlines())
    assert "\x1b" not in text and "\\x1b]0;owned\\x07" in text
    assert "1 confirmed in Twilio Lookup, 1 mismatch, 1 not branded yet, 1 not looked up." in text
    assert "1 more branded number not looked up (not in the sample" in text
    lines = text.splitlines()
    assert lines.index(next(ln for ln in lines if "mismatch" in ln[:40])) < lines.index(
        next(ln for ln in lines if "confirmed" in ln[:40])
    )  # the numbers to act on come first


def test_several_accounts_are_sections_and_one_json_document():
    run = sample_run(named=True)
    text = render_text(run)
    assert "=== acme (AC1) ===" in text and "=== beta (AC2) ===" in text
    assert "error: Twilio refused the credentials" in text
    document = json.loads(render_json(run))
    assert document["format_version"] == 1
    assert [a["name"] for a in document["accounts"]] == ["acme (AC1)", "beta (AC2)"]
    assert document["accounts"][1]["error"] == "Twilio refused the credentials"
    assert document["summary"]["mismatch"] == 1
    assert "\x1b" not in render_json(run)  # escaped, and parses back to the value
    numbers = document["accounts"][0]["profiles"][0]["numbers"]
    assert numbers[1]["lookup"]["caller_name"].startswith("\x1b]0;owned")
    md = render_markdown(run)
    assert "### Account `acme (AC1)`" in md and "**Could not verify:**" in md


def test_markdown_cells_cannot_break_the_table():
    md = render_markdown(sample_run(caller="A|B <b>@team"))
    row = next(line for line in md.splitlines() if line.startswith(f"| {NUMBER}"))
    cells = re.split(r"(?<!\\)\|", row.strip("|"))
    assert len(cells) == 4, cells  # whatever the name holds
    assert cells[2].strip() == "`A\\|B <b>@team`"  # code: shown as written
    assert "&lt;b&gt;@&#8203;team" in cells[3] and "<b>" not in cells[3]
