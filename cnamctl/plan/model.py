"""Plan types only: what a plan is, not how it is computed, saved or shown.

A Change is small and self-describing: a stable address, an Action, before/after
values for people, ``params`` for the applier, and the addresses it depends on.
``reason`` is for humans; apply never decides anything from it.

``params`` values are Twilio SIDs, plain values, or references to the object
another change creates, written ``"@<address>"`` (resolved by apply at run time).

Params per action (the contract between planner and applier):

=============================== ===============================================
UNASSIGN_CNAM_NUMBER            trust_product BU, assignment RA, number PN, phone_number
UNASSIGN_PRODUCT_NUMBER         (the same, for a SHAKEN/STIR or Voice Integrity product)
CREATE_END_USER                 friendly_name, type (the policy's end-user type,
                                ``cnam_information``), attributes {...}
UPDATE_END_USER                 end_user IT, type, attributes {...}, trust_product BU
                                (the product whose review sees the end user)
CREATE_TRUST_PRODUCT            friendly_name, email, policy_sid
UPDATE_TRUST_PRODUCT            trust_product BU, email
ASSIGN_ENTITY                   trust_product BU|@ref, object BU|IT|@ref; and
                                end_user_type when the object is an end user
ASSIGN_BUSINESS_PROFILE_NUMBER  business_profile BU, number PN, phone_number
ASSIGN_CNAM_NUMBER              trust_product BU|@ref, number PN, phone_number
ASSIGN_PRODUCT_NUMBER           (the same, for a SHAKEN/STIR or Voice Integrity product)
SUBMIT_FOR_REVIEW               trust_product BU|@ref, policy_sid, end_user_type
                                (None: the policy has no end user); evaluate,
                                submit if compliant
SET_CALLER_NAME_LOOKUP          number PN, phone_number, enabled bool
CREATE_VALIDATION_REQUEST       phone_number, friendly_name (may be None)
UPDATE_CALLER_ID                caller_id PN, friendly_name
DELETE_CALLER_ID                caller_id PN, phone_number
DELETE_TRUST_PRODUCT            trust_product BU, end_user_type (its end users of
                                that type nothing else uses go with it)
=============================== ===============================================

A product's policy and end-user type are always in the params: apply never
assumes one (``cnamctl/policies.py`` holds every policy's).

Every change that alters what a product's review sees (its end user's attributes,
its entity and number assignments, its email) names that product in
``trust_product``, even where the API call does not need it: that is how the
apply graph orders it before the product's submission and deletion. A new end
user reaches its product through the ``assign-entity`` change that refers to it.

Ownership and read-back (docs/ownership.md): a trust product and its end user both
carry the profile's ``name`` as friendly name. A create whose outcome is unknown
is resolved by finding an object of that friendly name (and policy, or type)
whose SID is not among ``Plan.fingerprints`` (the objects that existed when
planning).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cnamctl.errors import Location
from cnamctl.manifest.model import SafetySettings
from cnamctl.plan.addresses import Resource
from cnamctl.plan.context import PlanContext

FORMAT_VERSION = 1


class Action(StrEnum):
    """Every kind of change. The declaration order is the execution phase order."""

    UNASSIGN_CNAM_NUMBER = "unassign-cnam-number"
    UNASSIGN_PRODUCT_NUMBER = "unassign-product-number"
    CREATE_END_USER = "create-end-user"
    UPDATE_END_USER = "update-end-user"
    CREATE_TRUST_PRODUCT = "create-trust-product"
    UPDATE_TRUST_PRODUCT = "update-trust-product"
    ASSIGN_ENTITY = "assign-entity"
    ASSIGN_BUSINESS_PROFILE_NUMBER = "assign-business-profile-number"
    ASSIGN_CNAM_NUMBER = "assign-cnam-number"
    ASSIGN_PRODUCT_NUMBER = "assign-product-number"
    SUBMIT_FOR_REVIEW = "submit-for-review"
    SET_CALLER_NAME_LOOKUP = "set-caller-name-lookup"
    CREATE_VALIDATION_REQUEST = "create-validation-request"
    UPDATE_CALLER_ID = "update-caller-id"
    DELETE_CALLER_ID = "delete-caller-id"
    DELETE_TRUST_PRODUCT = "delete-trust-product"

    @property
    def phase(self) -> int:
        """The action's place in the order above (apply runs earlier phases first)."""
        return _PHASES[self]

    @property
    def removes(self) -> bool:
        """Changes that take something away (subject to safety thresholds)."""
        return self in (
            Action.UNASSIGN_CNAM_NUMBER,
            Action.UNASSIGN_PRODUCT_NUMBER,
            Action.DELETE_CALLER_ID,
            Action.DELETE_TRUST_PRODUCT,
        )


_PHASES = {action: index for index, action in enumerate(Action)}

# The actions that put a number on a trust product, and those that take it off:
# CNAM's (named so in plans since before other policies) and every other policy's.
ASSIGNS_NUMBER = frozenset({Action.ASSIGN_CNAM_NUMBER, Action.ASSIGN_PRODUCT_NUMBER})
UNASSIGNS_NUMBER = frozenset({Action.UNASSIGN_CNAM_NUMBER, Action.UNASSIGN_PRODUCT_NUMBER})


def ref(address: str) -> str:
    """A params value meaning "the SID created by the change at ``address``"."""
    return "@" + address


def is_ref(value: object) -> bool:
    return isinstance(value, str) and value.startswith("@")


@dataclass(frozen=True)
class Change:
    address: str
    action: Action
    before: Any = None
    after: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    reason: str = ""
    location: Location | None = None
    resource: Resource | None = None  # the object of the plan view it belongs to

    @property
    def sort_key(self) -> tuple[int, str]:
        return (self.action.phase, self.address)


class NoticeLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Notice:
    """Something the plan reports but does not change: review state, a pending
    replacement, Twilio's rejection reasons, unmanaged resources."""

    address: str
    level: NoticeLevel
    message: str
    location: Location | None = None
    status: str | None = None
    error_codes: tuple[int, ...] = ()
    resource: Resource | None = None  # the object of the plan view it is about

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.address, self.level.value, self.message)


@dataclass
class Plan:
    """Changes in execution order, notices, and the live fingerprints it came from."""

    account_sid: str
    changes: list[Change] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    # SID -> fingerprint of each live object the plan was computed from
    fingerprints: dict[str, str] = field(default_factory=dict)
    unchanged: int = 0  # managed objects already as declared
    # the thresholds the manifests set (None: a saved plan made without them)
    safety: SafetySettings | None = None
    # the objects the plan is about, for its readers (None: a plan made without it)
    context: PlanContext | None = None
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        self.changes.sort(key=lambda c: c.sort_key)
        self.notices.sort(key=lambda n: n.sort_key)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def summary(self) -> dict[str, int]:
        """Count per action, in phase order, only actions present."""
        counts = Counter(c.action for c in self.changes)
        return {a.value: counts[a] for a in Action if counts[a]}

    def by_address(self) -> dict[str, Change]:
        return {c.address: c for c in self.changes}
