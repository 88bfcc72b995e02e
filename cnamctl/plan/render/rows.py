"""The pieces every view is made of: rows (one per change or notice), phrases (our
words with values from manifests and servers kept apart), verbs and symbols."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cnamctl.plan.addresses import PRODUCTS, PROFILES, Address, Kind, Resource
from cnamctl.plan.model import Action, NoticeLevel

NO_CHANGES = "No changes. Live state matches the manifests."

# Verbs in the order the summary line lists them, each with its symbol.
VERB_SYMBOLS: dict[str, str] = {
    "create": "+",
    "assign": "+",
    "unassign": "-",
    "update": "~",
    "submit": "->",
    "verify": "+",
    "delete": "-",
}

ACTION_VERBS: dict[Action, str] = {
    Action.UNASSIGN_CNAM_NUMBER: "unassign",
    Action.UNASSIGN_PRODUCT_NUMBER: "unassign",
    Action.CREATE_END_USER: "create",
    Action.UPDATE_END_USER: "update",
    Action.CREATE_TRUST_PRODUCT: "create",
    Action.UPDATE_TRUST_PRODUCT: "update",
    Action.ASSIGN_ENTITY: "assign",
    Action.ASSIGN_BUSINESS_PROFILE_NUMBER: "assign",
    Action.ASSIGN_CNAM_NUMBER: "assign",
    Action.ASSIGN_PRODUCT_NUMBER: "assign",
    Action.SUBMIT_FOR_REVIEW: "submit",
    Action.SET_CALLER_NAME_LOOKUP: "update",
    Action.CREATE_VALIDATION_REQUEST: "verify",
    Action.UPDATE_CALLER_ID: "update",
    Action.DELETE_CALLER_ID: "delete",
    Action.DELETE_TRUST_PRODUCT: "delete",
}

SEVERITY = (NoticeLevel.ERROR, NoticeLevel.WARNING, NoticeLevel.INFO)

# Up to this many numbers are listed in a step's line; more are summarised as a range.
LIST_NUMBERS_UP_TO = 3
# Unchanged objects listed by name (more are counted), unless the view is full.
LIST_UNCHANGED_UP_TO = 20

KIND_TITLES = {
    Kind.BUSINESS_PROFILE: "BusinessProfile",
    Kind.CNAM_PROFILE: "CnamProfile",
    Kind.SHAKEN_STIR_PROFILE: "ShakenStirProfile",
    Kind.VOICE_INTEGRITY_PROFILE: "VoiceIntegrityProfile",
    Kind.CALLER_ID: "OutgoingCallerId",
    Kind.NUMBER_SETTINGS: "Number settings",
    Kind.CNAM_PRODUCT: "CNAM product",
    Kind.SHAKEN_STIR_PRODUCT: "SHAKEN/STIR product",
    Kind.VOICE_INTEGRITY_PRODUCT: "Voice Integrity product",
    Kind.PHONE_NUMBER: "Number",
}
SELF_PARTS = {
    **dict.fromkeys(PROFILES | PRODUCTS, "product"),
    Kind.CALLER_ID: "caller-id",
}


def show_value(value: Any) -> str:
    """A before/after value as people read it: JSON, ``(none)`` for nothing."""
    if value is None:
        return "(none)"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# --- phrases: our words with the values in them kept apart ------------------------------


@dataclass(frozen=True)
class Value:
    """Text from a manifest or a server inside a phrase: each format makes it inert
    and quotes it (text), or puts it in a code span (Markdown). ``quote=False`` for
    a name shown bare, such as a manifest ``name`` in a block's title."""

    text: str
    quote: bool = True


Phrase = tuple[str | Value, ...]


def plain(phrase: Phrase) -> str:
    """The phrase as one string, values in single quotes (for JSON)."""
    return "".join(f"'{p.text}'" if isinstance(p, Value) else p for p in phrase)


def count_of(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def numbers_summary(numbers: tuple[str, ...]) -> str:
    """``+14155550100``, ``2 numbers: +1…, +1…`` or ``1,000 numbers, +1… … +1…``."""
    if len(numbers) == 1:
        return numbers[0]
    if len(numbers) <= LIST_NUMBERS_UP_TO:
        return f"{len(numbers)} numbers: " + ", ".join(numbers)
    return f"{len(numbers):,} numbers, {numbers[0]} … {numbers[-1]}"


# --- rows: one per change, and notices ----------------------------------------------------


@dataclass(frozen=True)
class Row:
    symbol: str
    verb: str
    address: str
    action: Action
    before: Any
    after: Any
    depends_on: tuple[str, ...]
    reason: str
    location: str | None  # "file:line"
    structure: Address | None = None  # None: an address in no known format

    @property
    def resource(self) -> Resource | None:
        return self.structure.resource if self.structure is not None else None

    @property
    def values(self) -> str:
        """``after`` alone for something new, ``before -> after`` otherwise."""
        if self.before is None and self.after is None:
            return ""
        if self.before is None:
            return show_value(self.after)
        return f"{show_value(self.before)} -> {show_value(self.after)}"

    @property
    def note(self) -> str:
        """The reason, then where in the manifests it comes from."""
        if self.reason and self.location:
            return f"{self.reason} ({self.location})"
        return self.reason or self.location or ""


@dataclass(frozen=True)
class Group:
    action: Action
    rows: tuple[Row, ...]


class NoticeKind(StrEnum):
    """Notices about what no manifest declares are summarised per kind."""

    UNMANAGED_CALLER_ID = "unmanaged-caller-id"
    UNMANAGED_PRODUCT = "unmanaged-cnam-product"
    UNMANAGED_SHAKEN_STIR_PRODUCT = "unmanaged-shaken-stir-product"
    UNMANAGED_VOICE_INTEGRITY_PRODUCT = "unmanaged-voice-integrity-product"
    UNMANAGED_NUMBER = "unmanaged-number"
    RESOURCE = "resource"  # about a declared object: shown in its block


@dataclass(frozen=True)
class NoticeRow:
    level: NoticeLevel
    address: str
    message: str
    location: str | None
    status: str | None
    error_codes: tuple[int, ...]
    kind: NoticeKind = NoticeKind.RESOURCE
    structure: Address | None = None

    @property
    def resource(self) -> Resource | None:
        return self.structure.resource if self.structure is not None else None

    @property
    def text(self) -> str:
        """The message with the review status and Twilio error codes, if any."""
        extra = []
        if self.status:
            extra.append(f"status: {self.status}")
        if self.error_codes:
            extra.append("error codes: " + ", ".join(str(c) for c in self.error_codes))
        return f"{self.message} ({'; '.join(extra)})" if extra else self.message


# --- blocks: one per object ---------------------------------------------------------------


class ResourceAction(StrEnum):
    """What happens to one object as a whole (Terraform's resource-level action)."""

    CREATE = "create"
    REPLACE = "replace"
    UPDATE = "update"
    DELETE = "delete"
    NOOP = "no-op"


RESOURCE_SYMBOLS = {
    ResourceAction.CREATE: "+",
    ResourceAction.REPLACE: "-/+",
    ResourceAction.UPDATE: "~",
    ResourceAction.DELETE: "-",
    ResourceAction.NOOP: "=",
}
ATTENTION = "!"  # an object with nothing to change that is not as declared (rejected, ...)

# The notice kind of each kind of undeclared trust product.
UNMANAGED_PRODUCT_NOTICES = {
    Kind.CNAM_PRODUCT: NoticeKind.UNMANAGED_PRODUCT,
    Kind.SHAKEN_STIR_PRODUCT: NoticeKind.UNMANAGED_SHAKEN_STIR_PRODUCT,
    Kind.VOICE_INTEGRITY_PRODUCT: NoticeKind.UNMANAGED_VOICE_INTEGRITY_PRODUCT,
}
