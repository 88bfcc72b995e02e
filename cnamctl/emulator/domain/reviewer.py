"""The reviewer: decides a submitted bundle when its review is due.

Twilio's review happens after submission and takes days; the emulator's
:class:`Reviewer` is called when a review is *decided* (``review.settle``), not
when the bundle is submitted, so it sees the account as it is then and the
configuration in force then. It answers a :class:`Decision`:

- ``review_mode = manual``: no decision (``None``): the bundle waits in review for
  an admin (``/_emulator/.../approve`` or ``.../reject``);
- ``auto-reject``: rejected with ``reject_error_code``;
- ``auto-approve``: every check of the bundle's policy runs (``Policy.review_checks``;
  for CNAM: display-name requirements 11009, prohibited content 11008, a name
  already registered elsewhere 11009, optionally a name unlike the business 11007);
  any finding rejects with the findings' codes. Otherwise, with probability
  ``human_rejection_rate`` (seeded by ``random_seed``), a person rejects it anyway
  with one of ``human_rejection_codes`` (default: the policy's own).
  Else it is approved.

A new trust-product policy brings its own checks and human codes in
``policies.py``; nothing here changes.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cnamctl.emulator.config import EmulatorConfig

if TYPE_CHECKING:
    from cnamctl.emulator.domain.policies import Policy
    from cnamctl.emulator.storage.db import Db
    from cnamctl.emulator.storage.queries import Assigned


@dataclass(frozen=True)
class Finding:
    """A reason to reject: Twilio's error code and the emulator's wording of it."""

    code: int
    reason: str


@dataclass(frozen=True)
class ReviewSubject:
    """What a reviewer looks at: the bundle, its policy and what is assigned to it."""

    db: Db
    bundle: Any  # the bundles row
    policy: Policy
    objects: list[Assigned]
    config: EmulatorConfig


ReviewCheck = Callable[[ReviewSubject], list[Finding]]


@dataclass(frozen=True)
class Decision:
    approved: bool
    error_codes: tuple[int, ...] = ()
    reasons: tuple[str, ...] = ()

    @classmethod
    def approve(cls) -> Decision:
        return cls(True)

    @classmethod
    def reject(cls, codes: list[int], reasons: list[str] | None = None) -> Decision:
        return cls(False, tuple(dict.fromkeys(codes)), tuple(reasons or ()))


class Reviewer:
    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self.reseed(seed)

    def reseed(self, seed: int | None) -> None:
        with self._lock:
            self._rng = random.Random(None if seed is None else f"human:{seed}")

    def decide(self, subject: ReviewSubject) -> Decision | None:
        config = subject.config
        if config.review_mode == "manual":
            return None
        if config.review_mode == "auto-reject":
            return Decision.reject([config.reject_error_code], ["auto-reject"])
        findings = [f for check in subject.policy.review_checks for f in check(subject)]
        if findings:
            return Decision.reject([f.code for f in findings], [f.reason for f in findings])
        human = self._human_rejection(config, subject.policy)
        if human is not None:
            return Decision.reject([human], ["rejected by a reviewer"])
        return Decision.approve()

    def _human_rejection(self, config: EmulatorConfig, policy: Policy) -> int | None:
        if config.human_rejection_rate <= 0:
            return None
        codes = (
            config.human_rejection_codes
            or policy.human_rejection_codes
            or (config.reject_error_code,)
        )
        with self._lock:
            if self._rng.random() >= config.human_rejection_rate:
                return None
            return self._rng.choice(codes)
