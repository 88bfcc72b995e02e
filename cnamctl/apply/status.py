"""Review status of every managed CNAM profile, and waiting for reviews to finish.

A CnamProfile's live trust product is the CNAM-policy product whose friendly
name is the profile's ``name`` (the ownership rule of ``plan/model.py``); while
a replacement is pending there can be two, and both are reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from cnamctl import CNAM_POLICY_SID
from cnamctl.apply.evaluation import Finding, findings, to_problems
from cnamctl.errors import CnamctlError, Problem
from cnamctl.live.model import error_codes
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan.review import REJECTED, UNDER_REVIEW, describe_code, field_of_code
from cnamctl.twilio.failures import access_error

ABSENT = "absent"
PAGE_SIZE = 1000


class ReviewWaitTimeout(CnamctlError):
    """``status --wait`` gave up with reviews still pending."""

    def __init__(self, message: str, statuses: list[ProfileStatus]):
        super().__init__(message)
        self.statuses = statuses


class ReviewRejected(CnamctlError):
    """``status --wait`` ended with at least one review rejected."""


@dataclass(frozen=True)
class ProfileStatus:
    name: str  # the CnamProfile name (= trust product friendly name)
    sid: str | None
    status: str  # Twilio's status, or "absent" when no product exists yet
    error_codes: tuple[int, ...] = ()
    evaluation: str | None = None  # compliant | noncompliant, latest evaluation
    findings: tuple[Finding, ...] = ()
    problems: tuple[Problem, ...] = ()  # errors and findings at manifest lines

    @property
    def pending(self) -> bool:
        return self.status in UNDER_REVIEW

    @property
    def rejected(self) -> bool:
        return self.status == REJECTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sid": self.sid,
            "status": self.status,
            "errors": list(self.error_codes),
            "evaluation": self.evaluation,
            "problems": [
                {"location": str(p.location) if p.location else None, "message": p.message}
                for p in self.problems
            ],
        }


def read_statuses(
    client: Client, manifests: ManifestSet, *, with_evaluations: bool = True
) -> list[ProfileStatus]:
    """One entry per managed profile (per live product when there are several)."""
    try:
        return _read_statuses(client, manifests, with_evaluations)
    except (TwilioException, OSError) as err:
        raise access_error(err) from None


def _read_statuses(
    client: Client, manifests: ManifestSet, with_evaluations: bool
) -> list[ProfileStatus]:
    trusthub = client.trusthub.v1
    products = trusthub.trust_products.list(policy_sid=CNAM_POLICY_SID, page_size=PAGE_SIZE)
    by_name: dict[str, list[Any]] = {}
    for product in products:
        by_name.setdefault(product.friendly_name, []).append(product)
    matched = [(name, p) for name in sorted(manifests.cnam_profiles) for p in by_name.get(name, [])]
    evaluations: dict[str, Any] = {}
    if with_evaluations and matched:
        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="cnamctl-status") as pool:
            latest = {p.sid: pool.submit(_latest_evaluation, trusthub, p.sid) for _, p in matched}
            evaluations = {sid: f.result() for sid, f in latest.items()}
    out: list[ProfileStatus] = []
    for name in sorted(manifests.cnam_profiles):
        profile = manifests.cnam_profiles[name]
        mine = by_name.get(name, [])
        if not mine:
            out.append(ProfileStatus(name, None, ABSENT))
        for product in mine:
            codes = error_codes(product.errors or ())
            evaluation = evaluations.get(product.sid)
            found = findings(evaluation.results) if evaluation is not None else []
            problems = [
                Problem(profile.loc(field_of_code(code)), f"Twilio error {describe_code(code)}")
                for code in codes
            ]
            problems += to_problems(found, profile, profile.source)
            out.append(
                ProfileStatus(
                    name,
                    product.sid,
                    str(product.status),
                    tuple(codes),
                    str(evaluation.status) if evaluation is not None else None,
                    tuple(found),
                    tuple(problems),
                )
            )
    return out


def wait_for_reviews(
    client: Client,
    manifests: ManifestSet,
    *,
    timeout: float,
    interval: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_poll: Callable[[list[ProfileStatus]], None] | None = None,
) -> list[ProfileStatus]:
    """Poll (one list request per round) until no managed profile is pending review."""
    deadline = clock() + timeout
    while True:
        statuses = read_statuses(client, manifests, with_evaluations=False)
        if on_poll is not None:
            on_poll(statuses)
        pending = [s for s in statuses if s.pending]
        if not pending:
            return read_statuses(client, manifests)
        remaining = deadline - clock()
        if remaining <= 0:
            names = ", ".join(f"{s.name} ({s.status})" for s in pending)
            raise ReviewWaitTimeout(
                f"timed out after {timeout:g}s with reviews pending: {names}",
                read_statuses(client, manifests),
            )
        sleep(min(interval, remaining))


def _latest_evaluation(trusthub: Any, sid: str) -> Any:
    evaluations = trusthub.trust_products(sid).trust_products_evaluations.list(page_size=PAGE_SIZE)
    if not evaluations:
        return None
    return max(evaluations, key=lambda e: (e.date_created is not None, e.date_created, e.sid))
