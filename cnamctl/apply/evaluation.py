"""Twilio's evaluation results, read into findings and placed on manifest lines.

An evaluation's ``results`` is a list of requirements, each with ``passed`` and a
list of ``invalid`` fields (``object_field``, ``failure_reason``, ``error_code``).
The shape is loosely specified, so reading is tolerant: a requirement that did
not pass but names no invalid field still yields one finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cnamctl.errors import Location, Problem
from cnamctl.manifest.model import TrustProfile
from cnamctl.policies import SPECS

# Twilio field (or requirement/object type) -> the trust profile's field path in the
# manifest: each policy's end-user attributes (cnamctl/policies.py; its end-user type
# to the first of them), then what every trust product has.
_FIELD_PATHS: dict[str, str] = {
    **{a.name: a.field for s in SPECS if s.end_user for a in s.end_user.attributes},
    **{s.end_user.type: s.end_user.attributes[0].field for s in SPECS if s.end_user},
    "display_name": "displayName",
    "end_user": "displayName",
    "email": "email",
    "friendly_name": "name",
    "phone_number": "phoneNumbers",
    "phone_numbers": "phoneNumbers",
    "channel_endpoint": "phoneNumbers",
    "channel_endpoint_assignment": "phoneNumbers",
    "customer_profile": "businessProfile",
    "customer_profile_sid": "businessProfile",
    "primary_customer_profile": "businessProfile",
    "business_profile": "businessProfile",
}


@dataclass(frozen=True)
class Finding:
    requirement: str
    field: str | None
    message: str
    code: int | None = None

    @property
    def manifest_field(self) -> str | None:
        for key in (self.field, self.requirement):
            if key and key in _FIELD_PATHS:
                return _FIELD_PATHS[key]
        return None

    def __str__(self) -> str:
        code = f" [{self.code}]" if self.code else ""
        where = f"{self.field}: " if self.field else ""
        return f"{where}{self.message}{code}"


def findings(results: Iterable[Any] | None) -> list[Finding]:
    """Every failed requirement field in an evaluation's results."""
    out: list[Finding] = []
    for item in results or ():
        if not isinstance(item, Mapping) or item.get("passed") is True:
            continue
        requirement = str(
            item.get("requirement_name")
            or item.get("object_type")
            or item.get("friendly_name")
            or ""
        )
        invalid = [i for i in item.get("invalid") or () if isinstance(i, Mapping)]
        for field in invalid:
            out.append(
                Finding(
                    requirement,
                    _text(field.get("object_field")),
                    str(field.get("failure_reason") or field.get("friendly_name") or "invalid"),
                    _code(field.get("error_code")),
                )
            )
        if not invalid:
            out.append(
                Finding(
                    requirement,
                    None,
                    str(item.get("failure_reason") or "requirement not met"),
                    _code(item.get("error_code")),
                )
            )
    return out


def to_problems(
    found: Iterable[Finding], profile: TrustProfile | None, fallback: Location | None
) -> list[Problem]:
    """Findings as Problems at the manifest line of the field they concern."""
    problems = []
    for finding in found:
        location = fallback
        if profile is not None:
            location = profile.loc(finding.manifest_field) or fallback
        problems.append(Problem(location, str(finding)))
    return problems


def _text(value: object) -> str | None:
    return str(value) if value else None


def _code(value: object) -> int | None:
    try:
        return int(value) if value is not None else None  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
