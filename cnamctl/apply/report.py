"""Renderers over an ApplyResult: the end-of-run summary (text) and the result
document (JSON), per account or for several; and of ``status``."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cnamctl.apply.result import ApplyResult, ChangeResult, Outcome
from cnamctl.apply.status import ProfileStatus

RERUN_IS_SAFE = (
    "Nothing is left half-done: each change either took effect or did not. Re-running "
    "`cnamctl apply` is safe; it reads back before writing and picks up where this run stopped."
)


def render_result_json(result: ApplyResult) -> str:
    return json.dumps(result.to_document(), indent=2, sort_keys=False) + "\n"


@dataclass(frozen=True)
class AccountOutcome:
    """How one account of a several-account apply went: a result, or why not."""

    name: str
    account_sid: str | None
    result: ApplyResult | None = None  # None with an error, or with nothing to change
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and (self.result is None or self.result.ok)


def render_accounts_result_json(outcomes: list[AccountOutcome]) -> str:
    """One document for several accounts: each account's result document, or its error."""
    doc = {
        "ok": all(o.ok for o in outcomes),
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


def render_summary(result: ApplyResult) -> str:
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
            lines.append(f"  {review.product}{sid}: {review.status}")
    lines.extend(_verification_lines(result))
    failed = [r for r in result.changes if r.outcome is Outcome.FAILED]
    if failed:
        lines.append("Failed:")
        lines.extend(line for r in failed for line in _failure_lines(r))
    left = [r for r in result.changes if r.outcome in (Outcome.SKIPPED, Outcome.NOT_RUN)]
    if left:
        lines.append("Not done:")
        lines.extend(f"  {r.address}: {r.message}" for r in left)
    if not result.ok:
        lines.append(RERUN_IS_SAFE)
    return "\n".join(lines) + "\n"


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


def _verification_lines(result: ApplyResult) -> list[str]:
    """Caller IDs exist once someone answers Twilio's call and enters the code."""
    codes = [
        (r.details.get("phone_number", r.address), r.details["validation_code"])
        for r in result.changes
        if r.ok and "validation_code" in r.details
    ]
    if not codes:
        return []
    lines = ["Caller ID verification: Twilio is calling these numbers now; enter the code:"]
    lines.extend(f"  {number}: {code}" for number, code in codes)
    return lines


def _failure_lines(r: ChangeResult) -> list[str]:
    lines = [f"  {r.address}: {r.message}"]
    lines.extend(f"    {problem}" for problem in r.problems)
    return lines


def render_status_text(statuses: list[ProfileStatus]) -> str:
    if not statuses:
        return "No CNAM profiles in these manifests.\n"
    width = max(len(s.name) for s in statuses)
    lines = []
    for s in statuses:
        extra = f"  evaluation: {s.evaluation}" if s.evaluation else ""
        lines.append(f"{s.name:<{width}}  {s.sid or '-':<34}  {s.status}{extra}")
        lines.extend(f"    {problem}" for problem in s.problems)
    pending = sum(1 for s in statuses if s.pending)
    if pending:
        lines.append(f"{pending} pending review (`cnamctl status --wait` waits for them).")
    return "\n".join(lines) + "\n"


def render_status_json(statuses: list[ProfileStatus]) -> str:
    doc = {
        "profiles": [s.to_dict() for s in statuses],
        "pending": sum(1 for s in statuses if s.pending),
    }
    return json.dumps(doc, indent=2) + "\n"
