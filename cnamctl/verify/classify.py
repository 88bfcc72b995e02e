"""The verdict on one branded number, from what Twilio registered and what Lookup
answered (pure; the rules are listed in ``model.py``).

The propagation window is the CNAM guide's: "After your CNAM Trust Product
reaches 'Twilio-Approved', the display name may take 48-72 hours to propagate to
all carriers in the United States." It is counted from ``Branding.since``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cnamctl.plan.review import describe_age
from cnamctl.text import quoted
from cnamctl.verify.branding import same_name
from cnamctl.verify.model import Answer, Branding, Status

PROPAGATION_WINDOW = timedelta(hours=72)


def classify(
    branding: Branding, declared: str, answer: Answer, now: datetime
) -> tuple[Status, str]:
    """(verdict, the reason for people) of a branded number Lookup answered for."""
    holds = _holds(answer)
    when = _when(answer, now)
    if same_name(answer.caller_name, declared):
        reason = f"{holds} confirmed in Twilio Lookup ({when})"
        if not same_name(branding.registered_name, declared):
            reason += f"; Twilio now registers {_registered(branding)} on {branding.product}"
        return Status.CONFIRMED, reason
    if not same_name(branding.registered_name, declared):
        return Status.MISMATCH, (
            f"Twilio Lookup holds {holds} ({when}); {branding.product} registers "
            f"{_registered(branding)}, not the declared {quoted(declared)} (cnamctl plan "
            "shows the change)"
        )
    if branding.since is None:
        return Status.MISMATCH, f"Twilio Lookup holds {holds} ({when}); approval time unknown"
    age = now - branding.since
    since = f"{describe_age(age)} after {branding.since_source}"
    if age < PROPAGATION_WINDOW:
        due = (branding.since + PROPAGATION_WINDOW).strftime("%Y-%m-%d %H:%M UTC")
        return Status.PROPAGATING, (
            f"Twilio Lookup holds {holds} yet ({when}), {since}; names take 48-72 hours: "
            f"expect it by {due}"
        )
    return Status.MISMATCH, f"Twilio Lookup holds {holds} ({when}), {since}"


def _holds(answer: Answer) -> str:
    if answer.caller_name:
        return quoted(answer.caller_name)
    if answer.error_code is not None:
        return f"no name (error {answer.error_code}, https://www.twilio.com/docs/errors/{answer.error_code})"
    return "no name"


def _registered(branding: Branding) -> str:
    return quoted(branding.registered_name) if branding.registered_name else "no name"


def _when(answer: Answer, now: datetime) -> str:
    if not answer.cached:
        return "looked up now"
    age = max(now - answer.looked_up_at, timedelta(0))
    ago = "just now" if age < timedelta(minutes=1) else f"{describe_age(age)} ago"
    return f"looked up {ago}, cached"
