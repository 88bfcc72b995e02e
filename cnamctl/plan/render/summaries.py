"""What each block of the plan view says in words, one function per kind of object.

"new CNAM profile 'ACME SALES' with 2 numbers; goes to Twilio review, which takes
days": the sentence a reviewer reads first, built from the block's changes and
what the plan knows about the object (``PlanContext``). Values from manifests
and servers are ``Value``s, so each format can quote them safely.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from cnamctl.plan.addresses import SPEC_OF_KIND, Kind, Resource
from cnamctl.plan.context import ResourceInfo
from cnamctl.plan.model import ASSIGNS_NUMBER, UNASSIGNS_NUMBER, Action
from cnamctl.plan.render.rows import Phrase, ResourceAction, Row, Value, count_of
from cnamctl.plan.review import APPROVED, REJECTED, UNDER_REVIEW

GOES_TO_REVIEW = "goes to Twilio review, which takes days"


def _of(rows: list[Row], *actions: Action) -> list[Row]:
    return [r for r in rows if r.action in actions]


def _join(clauses: list[Phrase]) -> Phrase:
    out: list[str | Value] = []
    for i, clause in enumerate(c for c in clauses if c):
        if i:
            out.append("; ")
        out.extend(clause)
    return tuple(out)


def _cnam_summary(
    resource: Resource, info: ResourceInfo | None, rows: list[Row], action: ResourceAction
) -> Phrase:
    display = info.title if info and info.title else _created_display_name(rows)
    assigned = _of(rows, Action.ASSIGN_CNAM_NUMBER)
    clauses: list[Phrase] = []
    if action is ResourceAction.CREATE:
        name: Phrase = (Value(display),) if display else (resource.name,)
        clauses.append(("new CNAM profile ", *name, f" with {count_of(len(assigned), 'number')}"))
        assigned = []
    elif action is ResourceAction.REPLACE:
        old = _approved_name(info)
        held = (" the numbers keep ", Value(old), " until it is approved") if old else ()
        clauses.append(
            (
                "display name ",
                *((Value(old), " -> ") if old else ()),
                *((Value(display),) if display else ()),
                " needs a new, re-vetted product;",
                *held,
            )
        )
    for row in _of(rows, Action.UPDATE_END_USER):
        before, after = _display_names(row)
        clauses.append(("display name ", Value(before), " -> ", Value(after), " (edited in place)"))
    for row in _of(rows, Action.UPDATE_TRUST_PRODUCT):
        before, after = _field(row.before, "email"), _field(row.after, "email")
        clauses.append(("email ", Value(before), " -> ", Value(after)))
    moves = [r for r in assigned if r.before is not None]
    if moves:
        clauses.append((f"{count_of(len(moves), 'number')} move here",))
    if len(assigned) > len(moves):
        clauses.append((f"{count_of(len(assigned) - len(moves), 'more number')} branded",))
    unassigned = _of(rows, Action.UNASSIGN_CNAM_NUMBER)
    if unassigned:
        clauses.append((f"{count_of(len(unassigned), 'number')} unassigned",))
    deleted = _of(rows, Action.DELETE_TRUST_PRODUCT)
    if deleted:
        clauses.append((f"{count_of(len(deleted), 'superseded product')} emptied and deleted",))
    if _of(rows, Action.SUBMIT_FOR_REVIEW):
        clauses.append((GOES_TO_REVIEW,))
    if not rows:
        clauses.append(_cnam_state(info))
    elif not clauses:
        clauses.append(_generic_summary(resource, info, rows, action))
    return _join(clauses)


def _cnam_state(info: ResourceInfo | None) -> Phrase:
    """What an unchanged CNAM profile is: approved, in review or rejected."""
    products = info.products if info else ()
    numbers = count_of(info.numbers, "number") if info else "its numbers"
    rejected = [p for p in products if p.status == REJECTED]
    waiting = [p for p in products if p.status in UNDER_REVIEW]
    if rejected:
        return ("rejected by Twilio: fix the manifest, the next apply submits it again",)
    if waiting:
        return (f"{waiting[0].status} at Twilio; nothing to do until the review ends",)
    if info is None:
        return ("nothing to change",)
    shown = info.title or None
    approved = [p for p in products if p.status == APPROVED]
    status = approved[0].status if approved else (products[0].status if products else "unknown")
    if shown:
        return ("unchanged: ", Value(shown), f" on {numbers} ({status})")
    return (f"unchanged ({status})",)


def _created_display_name(rows: list[Row]) -> str | None:
    created = _of(rows, Action.CREATE_END_USER)
    return _field(created[0].after, "cnam_display_name") or None if created else None


def _approved_name(info: ResourceInfo | None) -> str | None:
    if info is None:
        return None
    return next(
        (p.display_name for p in info.products if p.status == APPROVED and p.display_name), None
    )


def _display_names(row: Row) -> tuple[str, str]:
    return _field(row.before, "cnam_display_name"), _field(row.after, "cnam_display_name")


def _field(value: Any, key: str) -> str:
    if isinstance(value, dict):
        return str(value.get(key, ""))
    return "" if value is None else str(value)


def _business_profile_summary(
    resource: Resource, info: ResourceInfo | None, rows: list[Row], action: ResourceAction
) -> Phrase:
    title: Phrase = (" ", Value(info.title)) if info and info.title else ()
    added = _of(rows, Action.ASSIGN_BUSINESS_PROFILE_NUMBER)
    if added:
        return (f"{count_of(len(added), 'number')} added to the business profile", *title)
    if rows:
        return _generic_summary(resource, info, rows, action)
    numbers = f" with {count_of(info.numbers, 'number')}" if info else ""
    return ("unchanged", *((":", *title) if title else ()), numbers)


def _number_settings_summary(
    resource: Resource, info: ResourceInfo | None, rows: list[Row], action: ResourceAction
) -> Phrase:
    lookups = _of(rows, Action.SET_CALLER_NAME_LOOKUP)
    on = sum(r.after is True for r in lookups)
    clauses: list[Phrase] = []
    if on:
        clauses.append((f"caller-name lookup turned on for {count_of(on, 'number')}",))
    if len(lookups) - on:
        clauses.append(
            (f"caller-name lookup turned off for {count_of(len(lookups) - on, 'number')}",)
        )
    if not rows:
        numbers = count_of(info.numbers, "number") if info else "the numbers"
        clauses.append((f"unchanged: caller-name lookup as declared on {numbers}",))
    return _join(clauses) or _generic_summary(resource, info, rows, action)


def _caller_id_summary(
    resource: Resource, info: ResourceInfo | None, rows: list[Row], action: ResourceAction
) -> Phrase:
    name: Phrase = (" ", Value(info.title)) if info and info.title else ()
    if _of(rows, Action.CREATE_VALIDATION_REQUEST):
        return (
            "new caller ID",
            *name,
            ": Twilio calls the number with a validation code",
        )
    if deleted := _of(rows, Action.DELETE_CALLER_ID):
        before = _field(deleted[0].before, "friendly_name")
        named: Phrase = (" ", Value(before)) if before else ()
        return ("undeclared caller ID", *named, " deleted (prune.outgoingCallerIds)")
    if updated := _of(rows, Action.UPDATE_CALLER_ID):
        row = updated[0]
        return (
            "friendly name ",
            Value(_field(row.before, "")),
            " -> ",
            Value(_field(row.after, "")),
        )
    if rows:
        return _generic_summary(resource, info, rows, action)
    return ("unchanged: verified", *((" as", *name) if name else ()))


def _trusted_calling_summary(
    resource: Resource, info: ResourceInfo | None, rows: list[Row], action: ResourceAction
) -> Phrase:
    """A ShakenStirProfile or VoiceIntegrityProfile: what happens to its product."""
    spec = SPEC_OF_KIND[resource.kind]
    assigned = [r for r in rows if r.action in ASSIGNS_NUMBER]
    clauses: list[Phrase] = []
    if action is ResourceAction.CREATE:
        title: Phrase = (" ", Value(info.title)) if info and info.title else ()
        numbers = count_of(len(assigned), "number")
        clauses.append((f"new {spec.label} profile", *title, f" with {numbers}"))
        assigned = []
    elif action is ResourceAction.REPLACE:
        noun = spec.end_user.noun if spec.end_user else "product"
        clauses.append((f"new {noun} needs a new, re-vetted product; {spec.kept}",))
    fields: dict[str, str] = (
        {a.name: a.field for a in spec.end_user.attributes} if spec.end_user else {}
    )
    for row in _of(rows, Action.UPDATE_END_USER):
        was = row.before if isinstance(row.before, dict) else {}
        now = row.after if isinstance(row.after, dict) else {}
        changed = [fields.get(str(k), str(k)) for k, v in now.items() if str(was.get(k)) != str(v)]
        clauses.append((f"{', '.join(changed) or 'end user'} edited in place",))
    for row in _of(rows, Action.UPDATE_TRUST_PRODUCT):
        before, after = _field(row.before, "email"), _field(row.after, "email")
        clauses.append(("email ", Value(before), " -> ", Value(after)))
    moves = [r for r in assigned if r.before is not None]
    if moves:
        clauses.append((f"{count_of(len(moves), 'number')} move here",))
    if len(assigned) > len(moves):
        clauses.append((f"{count_of(len(assigned) - len(moves), 'more number')} {spec.held}",))
    unassigned = [r for r in rows if r.action in UNASSIGNS_NUMBER]
    if unassigned:
        clauses.append((f"{count_of(len(unassigned), 'number')} unassigned",))
    deleted = _of(rows, Action.DELETE_TRUST_PRODUCT)
    if deleted:
        clauses.append((f"{count_of(len(deleted), 'superseded product')} emptied and deleted",))
    if _of(rows, Action.SUBMIT_FOR_REVIEW):
        clauses.append((GOES_TO_REVIEW,))
    if not rows:
        clauses.append(_trusted_calling_state(spec.held, info))
    elif not clauses:
        clauses.append(_generic_summary(resource, info, rows, action))
    return _join(clauses)


def _trusted_calling_state(held: str, info: ResourceInfo | None) -> Phrase:
    products = info.products if info else ()
    rejected = [p for p in products if p.status == REJECTED]
    waiting = [p for p in products if p.status in UNDER_REVIEW]
    if rejected:
        return ("rejected by Twilio: fix the manifest, the next apply submits it again",)
    if waiting:
        return (f"{waiting[0].status} at Twilio; nothing to do until the review ends",)
    if info is None:
        return ("nothing to change",)
    approved = [p for p in products if p.status == APPROVED]
    status = approved[0].status if approved else (products[0].status if products else "unknown")
    return (f"unchanged: {count_of(info.numbers, 'number')} {held} ({status})",)


def _product_summary(
    resource: Resource, info: ResourceInfo | None, rows: list[Row], action: ResourceAction
) -> Phrase:
    """A trust product no manifest declares (CNAM, SHAKEN/STIR, Voice Integrity)."""
    spec = SPEC_OF_KIND[resource.kind]
    if deleted := _of(rows, Action.DELETE_TRUST_PRODUCT):
        before = deleted[0].before if isinstance(deleted[0].before, dict) else {}
        state = info.products[0] if info and info.products else None
        status = state.status if state else before.get("status")
        numbers = len([r for r in rows if r.action in UNASSIGNS_NUMBER])
        approved = " It was approved: its vetting is lost." if status == APPROVED else ""
        return (
            f"not declared: emptied ({count_of(numbers, 'number')} unassigned) and deleted "
            f"(prune.{spec.prune_products}).{approved}",
        )
    return _generic_summary(resource, info, rows, action)


def _generic_summary(
    resource: Resource, info: ResourceInfo | None, rows: list[Row], action: ResourceAction
) -> Phrase:
    if not rows:
        return ("unchanged",)
    counts = Counter(r.verb for r in rows)
    return (", ".join(f"{n} to {verb}" for verb, n in counts.items()),)


Summary = Callable[[Resource, ResourceInfo | None, list[Row], ResourceAction], Phrase]
SUMMARIES: dict[Kind, Summary] = {
    Kind.CNAM_PROFILE: _cnam_summary,
    Kind.SHAKEN_STIR_PROFILE: _trusted_calling_summary,
    Kind.VOICE_INTEGRITY_PROFILE: _trusted_calling_summary,
    Kind.BUSINESS_PROFILE: _business_profile_summary,
    Kind.NUMBER_SETTINGS: _number_settings_summary,
    Kind.CALLER_ID: _caller_id_summary,
    Kind.CNAM_PRODUCT: _product_summary,
    Kind.SHAKEN_STIR_PRODUCT: _product_summary,
    Kind.VOICE_INTEGRITY_PRODUCT: _product_summary,
}


def summarise(
    resource: Resource, info: ResourceInfo | None, rows: list[Row], action: ResourceAction
) -> Phrase:
    return SUMMARIES.get(resource.kind, _generic_summary)(resource, info, rows, action)
