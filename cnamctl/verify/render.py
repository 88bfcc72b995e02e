"""``cnamctl verify`` for people (text, Markdown) and machines (JSON), from one run.

Every line of text fits 100 columns (``plan/render/layout.py``); values that came
from a server (caller names) or a file (the cache) are inert (``cnamctl.text``) in
text, inline code in Markdown, and escaped where a terminal would act on them in
JSON. Confirmed means "confirmed in Twilio Lookup": the CNAM database Lookup reads
holds the name; what a phone shows depends on the carriers (docs/verify.md).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from cnamctl.plan.render.jsondoc import dump
from cnamctl.plan.render.layout import wrap
from cnamctl.plan.render.markdown import inline_code
from cnamctl.text import inert
from cnamctl.verify.model import AccountCheck, NumberCheck, ProfileCheck, Status, VerifyRun
from cnamctl.verify.sample import BUDGET

FORMAT_VERSION = 1
"""Version of ``verify --format json``."""

LISTED = (Status.MISMATCH, Status.PROPAGATING, Status.CONFIRMED, Status.FAILED)
MAX_NOT_BRANDED = 10  # per profile in text and Markdown; JSON lists every number
HONEST = (
    "Confirmed in Twilio Lookup means the CNAM database Lookup reads holds the name; "
    "whether a phone shows it depends on the recipient's carrier (docs/verify.md)."
)
_SUMMARY = (
    (Status.CONFIRMED, "confirmed in Twilio Lookup"),
    (Status.PROPAGATING, "propagating"),
    (Status.MISMATCH, "mismatch"),
    (Status.FAILED, "failed"),
    (Status.NOT_BRANDED, "not branded yet"),
    (Status.NOT_CHECKED, "not looked up"),
)
_STATUS_WIDTH = 13
_NUMBER_WIDTH = 16


def summary(counts: dict[Status, int]) -> str:
    parts = [f"{counts[s]} {words}" for s, words in _SUMMARY if counts.get(s)]
    return ", ".join(parts) if parts else "no CnamProfile declares a number"


def _counts(items: Iterable[ProfileCheck]) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for profile in items:
        for number in profile.numbers:
            counts[number.status] += 1
    return counts


def costs(run: VerifyRun) -> str:
    sample = "every branded number" if run.sample is None else f"a sample of {run.sample}"
    return (
        f"Lookups: {run.lookups_sent} sent (billed by Twilio), {run.from_cache} answered from "
        f"the cache; {sample} per profile, at most {run.budget} lookups (--max-lookups)."
    )


# --- JSON ---------------------------------------------------------------------------


def document(run: VerifyRun) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "summary": _summary_doc(_counts(p for a in run.accounts for p in a.profiles)),
        "lookups": {
            "sent": run.lookups_sent,
            "from_cache": run.from_cache,
            "budget": run.budget,
            "sample": run.sample,
        },
        "accounts": [_account_doc(a) for a in run.accounts],
    }


def render_json(run: VerifyRun) -> str:
    return dump(document(run))


def _summary_doc(counts: dict[Status, int]) -> dict[str, int]:
    return {status.value: counts.get(status, 0) for status in Status}


def _account_doc(account: AccountCheck) -> dict[str, Any]:
    return {
        "name": account.name,
        "account_sid": account.account_sid,
        "error": account.error,
        "summary": _summary_doc(_counts(account.profiles)) if account.error is None else None,
        "profiles": [_profile_doc(p) for p in account.profiles],
    }


def _profile_doc(profile: ProfileCheck) -> dict[str, Any]:
    return {
        "name": profile.name,
        "display_name": profile.display_name,
        "location": profile.location,
        "summary": _summary_doc(_counts([profile])),
        "numbers": [_number_doc(n) for n in profile.numbers],
    }


def _number_doc(number: NumberCheck) -> dict[str, Any]:
    b, a = number.branding, number.answer
    return {
        "phone_number": number.phone_number,
        "status": number.status.value,
        "reason": number.reason,
        "product": b.product,
        "registered_name": b.registered_name,
        "registered_since": b.since.isoformat() if b.since else None,
        "registered_since_from": b.since_source,
        "lookup": None
        if a is None
        else {
            "caller_name": a.caller_name,
            "caller_type": a.caller_type,
            "error_code": a.error_code,
            "looked_up_at": a.looked_up_at.isoformat(),
            "cached": a.cached,
        },
    }


# --- text ---------------------------------------------------------------------------


def render_text(run: VerifyRun) -> str:
    lines: list[str] = []
    for account in run.accounts:
        if run.named:
            lines.append(f"=== {inert(account.name, keep_lines=False)} ===")
        if account.error is not None:
            lines += [f"error: {account.error}", ""]
            continue
        for profile in account.profiles:
            lines += _profile_text(profile)
    counts = _counts(p for a in run.accounts for p in a.profiles)
    lines += wrap(summary(counts) + ".")
    lines += wrap(costs(run))
    lines += wrap(HONEST)
    return "\n".join(lines) + "\n"


def _profile_text(profile: ProfileCheck) -> list[str]:
    where = f" ({inert(profile.location, keep_lines=False)})" if profile.location else ""
    head = f"{inert(profile.name, keep_lines=False)}: {inert(profile.display_name)}{where}"
    lines = wrap(head)
    if not profile.numbers:
        return [*lines, "  declares no number", ""]
    shown = [n for n in profile.numbers if n.status in LISTED]
    not_branded = [n for n in profile.numbers if n.status is Status.NOT_BRANDED]
    for number in sorted(shown, key=lambda n: LISTED.index(n.status)):
        lines += _number_line(number)
    for number in not_branded[:MAX_NOT_BRANDED]:
        lines += _number_line(number)
    if len(not_branded) > MAX_NOT_BRANDED:
        lines.append(
            f"  and {len(not_branded) - MAX_NOT_BRANDED} more not branded yet (--format json lists them)"
        )
    lines += [f"  {line}" for line in _not_checked(profile)]
    return [*lines, ""]


def _number_line(number: NumberCheck) -> list[str]:
    first = f"  {number.phone_number:<{_NUMBER_WIDTH}}{number.status.words:<{_STATUS_WIDTH}}"
    return wrap(number.reason, first=first)


def _not_checked(profile: ProfileCheck) -> list[str]:
    skipped = [n for n in profile.numbers if n.status is Status.NOT_CHECKED]
    if not skipped:
        return []
    budget = [n for n in skipped if n.skipped == BUDGET]
    sample = len(skipped) - len(budget)
    out = []
    if sample:
        out.append(
            f"{sample} more branded number{'s' if sample != 1 else ''} not looked up "
            "(not in the sample; --all looks up every one)"
        )
    if budget:
        out.append(f"{len(budget)} not looked up: the lookup budget is spent (raise --max-lookups)")
    return out


# --- Markdown -----------------------------------------------------------------------

_MENTION = re.compile(r"@(?=\w)")


def _cell(text: str) -> str:
    """Plain text for a table cell: no HTML, no pipes, no mentions, one line."""
    flat = " ".join(inert(text).split())
    return _MENTION.sub("@&#8203;", html.escape(flat, quote=False)).replace("|", "\\|")


def render_markdown(run: VerifyRun) -> str:
    counts = _counts(p for a in run.accounts for p in a.profiles)
    parts = ["## cnamctl verify: caller names in Twilio Lookup", "", summary(counts) + ".", ""]
    for account in run.accounts:
        if run.named:
            parts += [f"### Account {inline_code(account.name)}", ""]
        if account.error is not None:
            parts += [f"**Could not verify:** {inline_code(account.error)}", ""]
            continue
        for profile in account.profiles:
            parts += _profile_markdown(profile, "####" if run.named else "###")
    parts += [f"<sub>{_cell(costs(run))} {_cell(HONEST)}</sub>", ""]
    return "\n".join(parts)


def _held(number: NumberCheck) -> str:
    """What Lookup holds, as inline code; a pipe escaped so it cannot end the cell."""
    if number.answer is None:
        return ""
    name = number.answer.caller_name
    return inline_code(inert(name)).replace("|", "\\|") if name else "no name"


def _profile_markdown(profile: ProfileCheck, level: str) -> list[str]:
    where = f" ({_cell(profile.location)})" if profile.location else ""
    out = [f"{level} {inline_code(profile.name)}: {inline_code(profile.display_name)}{where}", ""]
    rows = sorted(
        (n for n in profile.numbers if n.status in LISTED), key=lambda n: LISTED.index(n.status)
    )
    not_branded = [n for n in profile.numbers if n.status is Status.NOT_BRANDED]
    rows += not_branded[:MAX_NOT_BRANDED]
    if rows:
        out += ["| number | status | Twilio Lookup holds | details |", "|---|---|---|---|"]
        for number in rows:
            cells = (number.phone_number, number.status.words, _held(number), _cell(number.reason))
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    if len(not_branded) > MAX_NOT_BRANDED:
        out += [f"{len(not_branded) - MAX_NOT_BRANDED} more numbers not branded yet.", ""]
    out += [f"{_cell(line)}" for line in _not_checked(profile)]
    if not rows and not _not_checked(profile):
        out += ["Declares no number.", ""]
    elif _not_checked(profile):
        out.append("")
    return out
