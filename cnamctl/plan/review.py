"""Trust Hub review states, and Twilio's rejection codes mapped to manifest fields."""

from __future__ import annotations

DRAFT = "draft"
PENDING = "pending-review"
IN_REVIEW = "in-review"
APPROVED = "twilio-approved"
REJECTED = "twilio-rejected"

UNDER_REVIEW = frozenset({PENDING, IN_REVIEW})
EDITABLE = frozenset({DRAFT, REJECTED})  # Twilio 60711 forbids edits in every other state

REVIEW_COST = (
    "a new Twilio review (typically 1-3 business days), then 48-72 hours for carriers "
    "to show the new name"
)

# Rejection codes that concern the display name; anything else is reported at the
# CnamProfile document itself.
_DISPLAY_NAME_CODES = {
    11008: "display name contains prohibited content",
    11009: "display name does not meet requirements",
    11014: "display name does not adhere to formatting guidelines",
    11018: "display name must not be a phone number",
}


def field_of_code(code: int) -> str | None:
    """The camelCase manifest field a rejection code concerns, if known."""
    return "displayName" if code in _DISPLAY_NAME_CODES else None


def describe_code(code: int) -> str:
    meaning = _DISPLAY_NAME_CODES.get(code)
    url = f"https://www.twilio.com/docs/api/errors/{code}"
    return f"{code} ({meaning}, {url})" if meaning else f"{code} ({url})"
