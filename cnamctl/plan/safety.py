"""The safety verdict of a plan: what apply will refuse without --force, and what
vetting the plan throws away. One evaluation, as data, for both sides: ``plan``
shows it (from the counts it kept, ``PlanContext.existing``), ``apply`` enforces it
(from the account it has just read), so a reviewer sees exactly the refusal the
apply job would meet.

**Thresholds** (octoDNS style). Two shares are checked, each only once at least
``min_existing`` items exist:

* deletes (trust products and outgoing caller IDs) against the products of the
  policies in scope (CNAM, and SHAKEN/STIR and Voice Integrity where declared)
  and the caller IDs that exist;
* unassignments of numbers from those products against their number
  assignments. A number that moves (unassigned from one product and assigned to
  another of the same policy in the same plan) keeps its branding and is not
  counted.

**Vetting.** A Twilio review takes days; a plan that deletes an approved product
that no approved product of the same profile replaces (pruning an undeclared
one), or that replaces an approved product (a display-name change, new Voice
Integrity information), costs one. These are flagged with that cost; they are
not refused, since the manifests asked for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnamctl.live.model import Snapshot
from cnamctl.manifest.model import SafetySettings
from cnamctl.plan.addresses import PRODUCTS, SPEC_OF_KIND, parse
from cnamctl.plan.context import Existing, PlanContext, existing_of
from cnamctl.plan.model import ASSIGNS_NUMBER, UNASSIGNS_NUMBER, Action, Change, Plan
from cnamctl.plan.review import APPROVED
from cnamctl.policies import CNAM


@dataclass(frozen=True)
class ThresholdCheck:
    """One share a plan's removals are held to."""

    what: str  # "deletes" | "unassigns"
    noun: str  # what ``existing`` counts
    setting: str  # camelCase key under Settings.safety
    count: int
    existing: int
    limit: float
    min_existing: int

    @property
    def applies(self) -> bool:
        return self.count > 0 and self.existing >= self.min_existing

    @property
    def share(self) -> float:
        return 100.0 * self.count / self.existing if self.existing else 0.0

    @property
    def exceeded(self) -> bool:
        return self.applies and self.share > self.limit

    @property
    def message(self) -> str:
        return (
            f"the plan {self.what} {self.count} of {self.existing} existing {self.noun} "
            f"({self.share:.1f}%), more than safety.{self.setting} {self.limit:g}%"
        )


@dataclass(frozen=True)
class VettingLoss:
    """A change that throws away (or redoes) a Twilio review."""

    address: str
    what: str  # what the change does, in words
    cost: str  # what getting the vetting back takes


@dataclass(frozen=True)
class SafetyVerdict:
    checks: tuple[ThresholdCheck, ...] = ()
    vetting: tuple[VettingLoss, ...] = ()

    @property
    def refusals(self) -> tuple[ThresholdCheck, ...]:
        return tuple(c for c in self.checks if c.exceeded)

    @property
    def needs_force(self) -> bool:
        return bool(self.refusals)


def evaluate(
    changes: list[Change],
    existing: Existing | None,
    safety: SafetySettings,
    context: PlanContext | None = None,
) -> SafetyVerdict:
    """The verdict on ``changes`` against what exists (None: unknown, so no
    threshold is checked; vetting is judged from the changes alone)."""
    checks: tuple[ThresholdCheck, ...] = ()
    if existing is not None:
        checks = (_deletes(changes, existing, safety), _unassigns(changes, existing, safety))
    return SafetyVerdict(checks, tuple(_vetting(changes, context)))


def verdict_of(plan: Plan) -> SafetyVerdict:
    """The verdict a plan carries: its own thresholds against the counts it kept."""
    context = plan.context
    return evaluate(
        plan.changes,
        context.existing if context else None,
        plan.safety or SafetySettings(),
        context,
    )


def check_safety(plan: Plan, live: Snapshot, safety: SafetySettings) -> list[str]:
    """What apply refuses without --force, against the account as it is now."""
    policies = plan.context.policies if plan.context else (CNAM.policy_sid,)
    verdict = evaluate(plan.changes, existing_of(live, policies), safety, plan.context)
    return [c.message for c in verdict.refusals]


def _deletes(changes: list[Change], existing: Existing, safety: SafetySettings) -> ThresholdCheck:
    deletes = sum(
        c.action in (Action.DELETE_TRUST_PRODUCT, Action.DELETE_CALLER_ID) for c in changes
    )
    return ThresholdCheck(
        "deletes",
        f"{_products(existing)} and caller IDs",
        "maxDeletePercent",
        deletes,
        existing.products + existing.caller_ids,
        safety.max_delete_percent,
        safety.min_existing,
    )


def _products(existing: Existing) -> str:
    """What ``existing.products`` counts: ``CNAM products``, or ``trust products``."""
    return f"{existing.kinds[0]} products" if len(existing.kinds) == 1 else "trust products"


def _policy(change: Change) -> str | None:
    """The policy (ProductSpec key) of the product a number change is about."""
    spec = SPEC_OF_KIND.get(change.resource.kind) if change.resource else None
    return spec.key if spec else None


def _unassigns(changes: list[Change], existing: Existing, safety: SafetySettings) -> ThresholdCheck:
    reassigned = {
        (_policy(c), c.params.get("number")) for c in changes if c.action in ASSIGNS_NUMBER
    }
    unassigns = sum(
        c.action in UNASSIGNS_NUMBER and (_policy(c), c.params.get("number")) not in reassigned
        for c in changes
    )
    kinds = existing.kinds
    noun = f"{kinds[0]} number assignments" if len(kinds) == 1 else "product number assignments"
    return ThresholdCheck(
        "unassigns",
        noun,
        "maxUnassignPercent",
        unassigns,
        existing.cnam_assignments,
        safety.max_unassign_percent,
        safety.min_existing,
    )


def _vetting(changes: list[Change], context: PlanContext | None) -> list[VettingLoss]:
    out = []
    for change in changes:
        address = parse(change.address, change.resource)
        if address is None:
            continue
        spec = SPEC_OF_KIND.get(address.resource.kind, CNAM)
        undeclared = address.resource.kind in PRODUCTS
        if change.action is Action.DELETE_TRUST_PRODUCT and undeclared:
            sid = str(change.params.get("trust_product", ""))
            state = context.product(sid) if context else None
            before = change.before if isinstance(change.before, dict) else {}
            status = state.status if state else before.get("status")
            if status != APPROVED:
                continue
            name = state.friendly_name if state else before.get("friendly_name", sid)
            numbers = state.numbers if state else before.get("numbers", 0)
            shown = f" showing {state.display_name!r}" if state and state.display_name else ""
            out.append(
                VettingLoss(
                    change.address,
                    f"deletes approved {spec.label} product {name!r} ({sid}){shown} with its "
                    f"{numbers} number(s): {spec.loss}",
                    f"{spec.review_cost}, to {spec.verb} them again",
                )
            )
        elif change.action is Action.CREATE_TRUST_PRODUCT and address.is_replacement:
            profile = address.resource.name
            info = context.info(address.resource) if context else None
            old = next((p for p in info.products if p.status == APPROVED), None) if info else None
            held = f" {old.sid} showing {old.display_name!r}" if old and old.display_name else ""
            noun = spec.end_user.noun if spec.end_user else "product"
            out.append(
                VettingLoss(
                    change.address,
                    f"replaces the approved product{held} of {spec.kind} {profile!r} with "
                    f"a new one: a {noun} cannot change in place (Twilio 60711)",
                    f"{spec.review_cost}; {spec.kept}",
                )
            )
    return out
