"""Renderers over an ApplyResult: the end-of-run summary (text) and the result
document (JSON), per account or for several; and of ``status``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cnamctl.apply.result import AccountOutcome, ApplyResult, ChangeResult, Outcome
from cnamctl.apply.status import ProfileStatus
from cnamctl.text import inert

MAX_LISTED = 10  # changes listed per kind of "not done"; JSON lists them all


def rerun_is_safe(rerun: str) -> str:
    """``rerun``: the command(s) to copy, in backticks (``"`cnamctl apply m/`"``)."""
    return (
        "Nothing is left half-done: each change either took effect or did not. Re-running "
        f"{rerun} is safe; it reads back before writing and picks up where this run stopped."
    )


def render_result_json(outcomes: Sequence[AccountOutcome]) -> str:
    """One document for every run: a list of accounts (the unnamed one is a list of
    one), each with its result document or its error."""
    doc = {
        "ok": all(o.ok for o in outcomes),
        "interrupted": any(o.result is not None and o.result.interrupted for o in outcomes),
        "accounts": [
            {
                "name": o.name,
                "account_sid": o.account_sid,
                "error": o.error,
                "result": (o.result or ApplyResult()).to_document() if o.error is None else None,
            }
            for o in outcomes
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def render_summary(result: ApplyResult, *, rerun: str = "`cnamctl apply`") -> str:
    """The end of a run for people: counts, reviews, failures, and one line per kind
    of change not done (a few listed, never one line per change)."""
    counts = result.counts()
    lines = [_headline(result, counts)]
    for action, outcomes in result.by_action().items():
        detail = ", ".join(f"{n} {outcome}" for outcome, n in outcomes.items())
        lines.append(f"  {action:<32} {detail}")
    reviews = result.reviews()
    if reviews:
        lines.append("Review status:")
        for review in reviews:
            sid = f" ({review.sid})" if review.sid else ""
            lines.append(f"  {inert(review.product)}{sid}: {review.status}")
    failed = [r for r in result.changes if r.outcome is Outcome.FAILED]
    if failed:
        lines.append("Failed:")
        lines.extend(line for r in failed for line in _failure_lines(r))
    lines.extend(
        _listed("Skipped (a change they depend on did not apply)", result, Outcome.SKIPPED)
    )
    lines.extend(
        _listed(
            "In flight when the run stopped waiting (outcome unknown until the next run "
            "reads them back)",
            result,
            Outcome.UNKNOWN,
        )
    )
    not_run = result.count(Outcome.NOT_RUN)
    if not_run:
        noun = "change" if not_run == 1 else "changes"
        lines.append(f"Not run: {not_run} {noun} (the run was interrupted before they started).")
    if not result.ok:
        lines.append(rerun_is_safe(rerun))
    return "\n".join(lines) + "\n"


def _listed(title: str, result: ApplyResult, outcome: Outcome) -> list[str]:
    mine = [r for r in result.changes if r.outcome is outcome]
    if not mine:
        return []
    lines = [f"{title}: {len(mine)}"]
    lines.extend(f"  {inert(r.address)}: {inert(r.message)}" for r in mine[:MAX_LISTED])
    if len(mine) > MAX_LISTED:
        lines.append(f"  ... and {len(mine) - MAX_LISTED} more (`--format json` lists every one)")
    return lines


def _headline(result: ApplyResult, counts: dict[str, int]) -> str:
    parts = [
        f"{counts[o.value]} {o.value}" for o in Outcome if counts[o.value] or o.value == "applied"
    ]
    stats = f"{result.seconds:.1f} s, {result.writes} write requests, {result.retries} retries"
    if result.throttled:
        stats += f", {result.throttled} throttled"
    if result.interrupted:
        verdict = "Apply interrupted"
    elif result.ok:
        verdict = "Apply complete"
    else:
        verdict = "Apply incomplete"
    return f"{verdict}: {', '.join(parts)} ({stats})."


def _failure_lines(r: ChangeResult) -> list[str]:
    lines = [f"  {inert(r.address)}: {inert(r.message)}"]
    lines.extend(f"    {inert(str(problem))}" for problem in r.problems)
    return lines


def render_status_text(
    statuses: list[ProfileStatus], *, wait: str = "cnamctl status --wait"
) -> str:
    if not statuses:
        return "No CNAM profiles in these manifests.\n"
    width = max(len(s.label) for s in statuses)
    lines = []
    for s in statuses:
        extra = f"  evaluation: {s.evaluation}" if s.evaluation else ""
        lines.append(f"{s.label:<{width}}  {s.sid or '-':<34}  {s.status}{extra}")
        lines.extend(f"    {problem}" for problem in s.problems)
    pending = sum(1 for s in statuses if s.pending)
    if pending:
        lines.append(f"{pending} pending review (`{wait}` waits for them).")
    return "\n".join(lines) + "\n"


def status_document(statuses: list[ProfileStatus]) -> dict[str, Any]:
    return {
        "profiles": [s.to_dict() for s in statuses],
        "pending": sum(1 for s in statuses if s.pending),
    }


def render_status_json(statuses: list[ProfileStatus]) -> str:
    return json.dumps(status_document(statuses), indent=2) + "\n"
