"""What ``cnamctl verify`` finds: per declared number, what Twilio registered, what
Twilio Lookup answered, and the verdict.

The verdicts (``Status``), in the order reports list them:

* ``mismatch``: approved long ago (the CNAM guide's 72 hours) and the database
  holds a different name or none; or Twilio registers another name than the one
  declared and no replacement is under way;
* ``propagating``: approved less than 72 hours ago and not matching yet;
* ``confirmed``: the database Twilio Lookup reads holds the declared name
  (compared ignoring letter case and runs of spaces);
* ``not-branded``: the number is on no approved CNAM product (yet), or the
  declared name waits for review on a replacement; nothing is looked up;
* ``not-checked``: branded, but not in the sample or past the lookup budget;
* ``failed``: the lookup did not answer (the error says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    MISMATCH = "mismatch"
    PROPAGATING = "propagating"
    CONFIRMED = "confirmed"
    NOT_BRANDED = "not-branded"
    NOT_CHECKED = "not-checked"
    FAILED = "failed"

    @property
    def words(self) -> str:
        """For people: ``not branded``, ``confirmed``, ..."""
        return _WORDS[self]


_WORDS = {
    Status.MISMATCH: "mismatch",
    Status.PROPAGATING: "propagating",
    Status.CONFIRMED: "confirmed",
    Status.NOT_BRANDED: "not branded",
    Status.NOT_CHECKED: "not checked",
    Status.FAILED: "failed",
}


@dataclass(frozen=True)
class Branding:
    """What Twilio's Trust Hub says about one declared number.

    ``product`` is the twilio-approved CNAM trust product holding the number
    (None: none does, and ``not_branded`` says why). ``since`` is when its name
    was registered for the number: the later of the product's ``date_updated``
    (Twilio's TrustProduct has no approval time; an approved product cannot be
    edited, so its ``date_updated`` is when it was approved, or later) and the
    number's assignment (``date_created``); ``since_source`` says which.
    """

    phone_number: str
    product: str | None = None
    registered_name: str | None = None
    since: datetime | None = None
    since_source: str | None = None
    not_branded: str | None = None

    @property
    def branded(self) -> bool:
        return self.product is not None and self.not_branded is None


@dataclass(frozen=True)
class Answer:
    """What Twilio Lookup answered for a number (``Fields=caller_name``)."""

    caller_name: str | None
    caller_type: str | None
    error_code: int | None
    looked_up_at: datetime
    cached: bool = False  # from the lookup cache, not a request of this run


@dataclass(frozen=True)
class NumberCheck:
    phone_number: str
    status: Status
    reason: str  # for people, already inert
    branding: Branding
    answer: Answer | None = None
    skipped: str | None = None  # not-checked: why (sample.SAMPLE or sample.BUDGET)


@dataclass(frozen=True)
class ProfileCheck:
    name: str
    display_name: str
    location: str | None
    numbers: tuple[NumberCheck, ...]

    def count(self, status: Status) -> int:
        return sum(1 for n in self.numbers if n.status is status)


@dataclass
class AccountCheck:
    """One account of a run: its profiles' checks, or the error that stopped it."""

    name: str
    account_sid: str | None
    profiles: list[ProfileCheck] = field(default_factory=list)
    error: str | None = None

    def count(self, status: Status) -> int:
        return sum(p.count(status) for p in self.profiles)


@dataclass
class VerifyRun:
    """Every account, and what the run cost."""

    accounts: list[AccountCheck]
    named: bool  # the accounts come from Account documents (sections per account)
    budget: int  # --max-lookups
    lookups_sent: int = 0  # attempts that may be billed (retries included)
    from_cache: int = 0
    sample: int | None = None  # numbers per profile; None: --all
    cache_note: str | None = None  # where the cache is, or why it is not used

    def count(self, status: Status) -> int:
        return sum(a.count(status) for a in self.accounts)

    @property
    def failed(self) -> bool:
        return any(a.error for a in self.accounts) or self.count(Status.FAILED) > 0
