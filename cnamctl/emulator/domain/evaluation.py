"""Evaluate a bundle against a policy, shaped like Twilio's Evaluation ``results``.

Each requirement of the policy yields one result with ``passed``, ``failure_reason``,
``error_code`` and per-field ``valid``/``invalid`` entries, as in the spec's examples.
A bundle is ``compliant`` when every requirement passed; submission (Status=
pending-review) is refused otherwise.

An evaluation checks what is assigned and whether required fields are filled in.
Whether a CNAM display name is acceptable is a matter of review (Twilio errors
11008 and 11009 are review outcomes), unless ``display_name_check = "save"``, where
the evaluation applies the display-name rules too (the emulator's older model).
"""

from __future__ import annotations

from typing import Any

from cnamctl.emulator.domain import rules
from cnamctl.emulator.domain.policies import (
    POLICIES,
    EndUserRequirement,
    Policy,
    ProfileRequirement,
)
from cnamctl.emulator.storage.queries import Assigned

MISSING_END_USER = 22214
BAD_END_USER_FIELD = 22215
MISSING_SUPPORTING_ITEM = 22216
BAD_SUPPORTING_ITEM = 22217


def evaluate(
    objects: list[Assigned], policy: Policy, name_rules: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """(status, results) of the assigned ``objects`` against ``policy``;
    ``name_rules``: apply the display-name rules (``display_name_check = "save"``)."""
    results = [_end_user_result(req, objects, name_rules) for req in policy.end_users]
    if policy.profile is not None:
        results.append(_profile_result(policy.profile, objects))
    status = "compliant" if all(r["passed"] for r in results) else "noncompliant"
    return status, results


def first_failure(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((r for r in results if not r["passed"]), None)


def _field_entry(name: str, problem: str | None, error_code: int) -> dict[str, Any]:
    return {
        "friendly_name": name.replace("_", " ").title(),
        "object_field": name,
        "failure_reason": problem,
        "error_code": error_code if problem else None,
        "passed": problem is None,
    }


def _field_problem(req: EndUserRequirement, name: str, value: Any, name_rules: bool) -> str | None:
    if name == "cnam_display_name" and name_rules:
        problem = rules.display_name_problem(value)
        return f"The CNAM display name is invalid: {problem}." if problem else None
    if value in (None, "", []) or (isinstance(value, str) and not value.strip()):
        return f"The {name.replace('_', ' ').title()} is missing on the {req.name}."
    for field, check in req.checks:
        problem = check(value) if field == name else None
        if problem:
            return f"The {name.replace('_', ' ').title()} is invalid: {problem}."
    return None


def _result(
    *,
    friendly_name: str,
    object_type: str,
    requirement_name: str,
    failure_reason: str | None,
    error_code: int | None,
    valid: list[dict[str, Any]],
    invalid: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "friendly_name": friendly_name,
        "object_type": object_type,
        "passed": failure_reason is None,
        "failure_reason": failure_reason,
        "error_code": error_code,
        "valid": valid,
        "invalid": invalid,
        "requirement_friendly_name": friendly_name,
        "requirement_name": requirement_name,
    }


def _end_user_result(
    req: EndUserRequirement, objects: list[Assigned], name_rules: bool
) -> dict[str, Any]:
    matches = [obj for obj in objects if obj.end_user_type == req.type]
    common = {
        "friendly_name": req.name,
        "object_type": req.type,
        "requirement_name": req.requirement_name,
    }
    if not matches:
        missing = [
            _field_entry(
                name, f"The {name.replace('_', ' ').title()} is missing.", BAD_END_USER_FIELD
            )
            for name in req.required
        ]
        return _result(
            **common,
            failure_reason=f"A {req.name} End-User is missing. Please add one to the bundle.",
            error_code=MISSING_END_USER,
            valid=[],
            invalid=missing,
        )
    if len(matches) > 1:
        return _result(
            **common,
            failure_reason=f"Only one {req.name} End-User may be assigned; found {len(matches)}.",
            error_code=MISSING_END_USER,
            valid=[],
            invalid=[],
        )
    entries = [
        _field_entry(
            name,
            _field_problem(req, name, matches[0].attributes.get(name), name_rules),
            BAD_END_USER_FIELD,
        )
        for name in req.required
    ]
    invalid = [e for e in entries if not e["passed"]]
    return _result(
        **common,
        failure_reason=invalid[0]["failure_reason"] if invalid else None,
        error_code=BAD_END_USER_FIELD if invalid else None,
        valid=[e for e in entries if e["passed"]],
        invalid=invalid,
    )


def _profile_result(req: ProfileRequirement, objects: list[Assigned]) -> dict[str, Any]:
    profiles = [obj for obj in objects if obj.profile_status is not None]
    object_type = req.accepted[0][0]
    if len(profiles) == 1 and profiles[0].profile_policy in POLICIES:
        object_type = POLICIES[profiles[0].profile_policy].profile_type or object_type
    common = {
        "friendly_name": req.name,
        "object_type": object_type,
        "requirement_name": req.requirement_name,
    }
    if len(profiles) != 1:
        reason = (
            "A Business Profile is missing. Please add one to the bundle."
            if not profiles
            else f"Only one Business Profile may be assigned; found {len(profiles)}."
        )
        return _result(
            **common,
            failure_reason=reason,
            error_code=MISSING_SUPPORTING_ITEM,
            valid=[],
            invalid=[],
        )
    status = profiles[0].profile_status
    problem = (
        None
        if status == "twilio-approved"
        else f"The Business Profile must be twilio-approved; it is {status}."
    )
    entry = _field_entry("bundle_status", problem, BAD_SUPPORTING_ITEM)
    entry["friendly_name"] = "Supporting Bundle Status"
    return _result(
        **common,
        failure_reason=problem,
        error_code=BAD_SUPPORTING_ITEM if problem else None,
        valid=[] if problem else [entry],
        invalid=[entry] if problem else [],
    )
