"""What a trust profile declares for its product's end user, and what a live product shows.

A ``ProductSpec``'s end user (``cnamctl.policies``) lists which manifest field sets
which attribute (``displayName`` -> ``cnam_display_name``); these helpers read a
profile and a live end user through it, for the reconciler (``trust_product.py``),
the plan's context and the importer.
"""

from __future__ import annotations

from typing import Any

from pydantic.alias_generators import to_snake

from cnamctl.live.model import LiveEndUser, LiveTrustProduct, Snapshot
from cnamctl.manifest.model import TrustProfile
from cnamctl.policies import EndUserSpec, ProductSpec


def declared_attributes(spec: ProductSpec, profile: TrustProfile) -> dict[str, Any]:
    """The end-user attributes ``profile`` declares (optional ones left unset are not
    declared: the live value stays as it is)."""
    if spec.end_user is None:
        return {}
    out: dict[str, Any] = {}
    for attribute in spec.end_user.attributes:
        value = getattr(profile, to_snake(attribute.field))
        if value is None and not attribute.required:
            continue
        out[attribute.name] = str(value) if attribute.text and value is not None else value
    return out


def _same(live_value: Any, declared: Any) -> bool:
    """Twilio may hold a count as a number or as text: ``12`` and ``"12"`` are equal."""
    if isinstance(live_value, int | float) and not isinstance(live_value, bool):
        live_value = str(live_value)
    return bool(live_value == declared)


def shows(spec: ProductSpec, user: LiveEndUser | None, wanted: dict[str, Any]) -> bool:
    """Whether the end user holds every declared attribute (always, without an end user)."""
    if spec.end_user is None:
        return True
    if user is None:
        return False
    return all(_same(user.attributes.get(name), value) for name, value in wanted.items())


def title_of(spec: ProductSpec, product: LiveTrustProduct, live: Snapshot) -> str | None:
    """What a live product shows (a CNAM display name, a Voice Integrity use case)."""
    if spec.end_user is None:
        return None
    user = live.end_user_of(product)
    value = user.attributes.get(spec.end_user.title) if user else None
    return str(value) if value is not None else None


def declared_title(spec: ProductSpec, profile: TrustProfile) -> str | None:
    """What a profile declares it shows: its ``title`` attribute's manifest field."""
    if spec.end_user is None:
        return None
    title = next(a for a in spec.end_user.attributes if a.name == spec.end_user.title)
    value = getattr(profile, to_snake(title.field))
    return str(value) if value is not None else None


def _field_of(spec: EndUserSpec, attribute: str) -> str:
    return next(a.field for a in spec.attributes if a.name == attribute)


def describe_change(spec: ProductSpec, before: dict[str, Any], after: dict[str, Any]) -> str:
    """``'OLD' -> 'NEW'`` for an end user of one attribute (a CNAM display name); per
    changed field otherwise: ``useCase 'a' -> 'b', notes None -> 'x'``."""
    assert spec.end_user is not None
    if len(spec.end_user.attributes) == 1:
        (name,) = after
        return f"{before.get(name)!r} -> {after[name]!r}"
    changed = [n for n, v in after.items() if not _same(before.get(n), v)] or list(after)
    return ", ".join(
        f"{_field_of(spec.end_user, n)} {before.get(n)!r} -> {after[n]!r}" for n in changed
    )


def shown_attributes(user: LiveEndUser | None, wanted: dict[str, Any]) -> dict[str, Any]:
    return {name: user.attributes.get(name) if user else None for name in wanted}
