"""Review status of every managed trust profile, and waiting for reviews to finish.

A profile's live trust product is the product of its kind's policy whose friendly
name is the profile's ``name`` (docs/ownership.md); while a replacement is pending
there can be two, and both are reported. CnamProfiles, ShakenStirProfiles and
VoiceIntegrityProfiles are read alike (one list request per policy in scope).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from cnamctl.apply.evaluation import Finding, findings, to_problems
from cnamctl.errors import CnamctlError, Problem
from cnamctl.live.model import error_codes
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan.review import REJECTED, UNDER_REVIEW
from cnamctl.plan.scope import in_scope
from cnamctl.policies import BY_KIND, CNAM
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
    name: str  # the profile name (= trust product friendly name)
    sid: str | None
    status: str  # Twilio's status, or "absent" when no product exists yet
    error_codes: tuple[int, ...] = ()
    evaluation: str | None = None  # compliant | noncompliant, latest evaluation
    findings: tuple[Finding, ...] = ()
    problems: tuple[Problem, ...] = ()  # errors and findings at manifest lines
    kind: str = CNAM.kind  # the manifest kind: CnamProfile, ShakenStirProfile, ...

    @property
    def label(self) -> str:
        """``acme-sales``; ``acme (SHAKEN/STIR)`` for a profile of another policy."""
        spec = BY_KIND[self.kind]
        return self.name if spec is CNAM else f"{self.name} ({spec.label})"

    @property
    def pending(self) -> bool:
        return self.status in UNDER_REVIEW

    @property
    def rejected(self) -> bool:
        return self.status == REJECTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
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
    specs = in_scope(manifests)
    by_name: dict[tuple[str, str], list[Any]] = {}
    for spec in specs:
        listed = trusthub.trust_products.list(policy_sid=spec.policy_sid, page_size=PAGE_SIZE)
        for product in listed:
            if product.policy_sid in (None, spec.policy_sid):
                by_name.setdefault((spec.kind, product.friendly_name), []).append(product)
    matched = [
        p
        for spec in specs
        for name in sorted(manifests.profiles(spec))
        for p in by_name.get((spec.kind, name), [])
    ]
    evaluations: dict[str, Any] = {}
    if with_evaluations and matched:
        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="cnamctl-status") as pool:
            latest = {p.sid: pool.submit(_latest_evaluation, trusthub, p.sid) for p in matched}
            evaluations = {sid: f.result() for sid, f in latest.items()}
    out: list[ProfileStatus] = []
    for spec in specs:
        for name, profile in sorted(manifests.profiles(spec).items()):
            mine = by_name.get((spec.kind, name), [])
            if not mine:
                out.append(ProfileStatus(name, None, ABSENT, kind=spec.kind))
            for product in mine:
                codes = error_codes(product.errors or ())
                evaluation = evaluations.get(product.sid)
                found = findings(evaluation.results) if evaluation is not None else []
                problems = [
                    Problem(
                        profile.loc(spec.field_of_code(code)),
                        f"Twilio error {spec.describe_code(code)}",
                    )
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
                        spec.kind,
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
            names = ", ".join(f"{s.label} ({s.status})" for s in pending)
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
