"""Rules that span documents: unique names and numbers, references, one Settings.

Each problem is reported at the later occurrence and names the earlier one's
``file:line``. Only documents that validated on their own take part, except
where raw documents are enough (Settings count, business-profile names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cnamctl.errors import Location, Problem
from cnamctl.manifest.model import BusinessProfile, CnamProfile, OutgoingCallerId, _Resource
from cnamctl.manifest.suggest import did_you_mean
from cnamctl.manifest.yamlsource import RawDocument


@dataclass(frozen=True)
class LoadedDocument:
    doc: RawDocument
    resource: _Resource | None


def cross_document_problems(
    docs: Sequence[LoadedDocument], *, all_files_parsed: bool
) -> list[Problem]:
    """Every cross-document problem. Dangling references are only checked when
    every file parsed (the profile may sit in the file that did not)."""
    resources = [d.resource for d in docs if d.resource is not None]
    profiles = [r for r in resources if isinstance(r, BusinessProfile)]
    cnams = [r for r in resources if isinstance(r, CnamProfile)]
    caller_ids = [r for r in resources if isinstance(r, OutgoingCallerId)]
    problems = [
        *_duplicate_names("BusinessProfile", profiles),
        *_duplicate_names("CnamProfile", cnams),
        *_duplicate_caller_ids(caller_ids),
        *_extra_settings(docs),
        *_numbers_shared_between_cnam_profiles(cnams),
        *_numbers_in_two_business_profiles(profiles, cnams),
    ]
    with_numbers: list[BusinessProfile | CnamProfile] = [*profiles, *cnams]
    for resource in with_numbers:
        problems.extend(_numbers_listed_twice(resource))
    if all_files_parsed:
        problems.extend(_dangling_references(cnams, _business_profile_names(docs)))
    return problems


def _duplicate_names(
    kind: str, resources: Iterable[BusinessProfile | CnamProfile]
) -> list[Problem]:
    first: dict[str, Location | None] = {}
    problems = []
    for r in resources:
        if r.name in first:
            message = f"duplicate {kind} name '{r.name}' (first declared at {first[r.name]})"
            problems.append(Problem(r.loc("name"), message))
        else:
            first[r.name] = r.loc("name")
    return problems


def _duplicate_caller_ids(caller_ids: Iterable[OutgoingCallerId]) -> list[Problem]:
    first: dict[str, Location | None] = {}
    problems = []
    for c in caller_ids:
        if c.phone_number in first:
            message = (
                f"duplicate OutgoingCallerId {c.phone_number} "
                f"(first declared at {first[c.phone_number]})"
            )
            problems.append(Problem(c.loc("phoneNumber"), message))
        else:
            first[c.phone_number] = c.loc("phoneNumber")
    return problems


def _extra_settings(docs: Iterable[LoadedDocument]) -> list[Problem]:
    settings = [
        d.doc for d in docs if isinstance(d.doc.data, dict) and d.doc.data.get("kind") == "Settings"
    ]
    return [
        Problem(extra.source, f"more than one Settings document (first at {settings[0].source})")
        for extra in settings[1:]
    ]


def _numbers_listed_twice(resource: BusinessProfile | CnamProfile) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, number in enumerate(resource.phone_numbers):
        if number in first:
            j = first[number]
            earlier = resource.loc(f"phoneNumbers.{j}")
            line = f", line {earlier.line}" if earlier else ""
            message = f"phoneNumbers.{i}: {number} is already listed (phoneNumbers.{j}{line})"
            problems.append(Problem(resource.loc(f"phoneNumbers.{i}"), message))
        else:
            first[number] = i
    return problems


def _numbers_shared_between_cnam_profiles(cnams: Iterable[CnamProfile]) -> list[Problem]:
    owner: dict[str, tuple[CnamProfile, int]] = {}
    problems = []
    for cnam in cnams:
        for i, number in enumerate(cnam.phone_numbers):
            other, j = owner.setdefault(number, (cnam, i))
            if other is not cnam:
                message = (
                    f"phoneNumbers.{i}: {number} is already in CnamProfile '{other.name}' "
                    f"({other.loc(f'phoneNumbers.{j}')}); a number can have only one CNAM profile"
                )
                problems.append(Problem(cnam.loc(f"phoneNumbers.{i}"), message))
    return problems


def _numbers_in_two_business_profiles(
    profiles: Iterable[BusinessProfile], cnams: Iterable[CnamProfile]
) -> list[Problem]:
    """A number belongs to one business profile, whether listed there or implied by
    a CnamProfile of that profile (CNAM numbers need not be listed explicitly).
    Locations are looked up only for the numbers reported (100,000 numbers are
    checked; hardly any is reported)."""
    owner: dict[str, tuple[BusinessProfile, int]] = {}
    problems = []
    for profile in profiles:
        for i, number in enumerate(profile.phone_numbers):
            other, j = owner.setdefault(number, (profile, i))
            if other.name != profile.name:
                message = (
                    f"phoneNumbers.{i}: {number} is already assigned to BusinessProfile "
                    f"'{other.name}' ({other.loc(f'phoneNumbers.{j}')}); a number can belong "
                    "to only one business profile"
                )
                problems.append(Problem(profile.loc(f"phoneNumbers.{i}"), message))
    for cnam in cnams:
        for i, number in enumerate(cnam.phone_numbers):
            listed = owner.get(number)
            if listed is not None and listed[0].name != cnam.business_profile:
                other, j = listed
                message = (
                    f"phoneNumbers.{i}: {number} is assigned to BusinessProfile '{other.name}' "
                    f"({other.loc(f'phoneNumbers.{j}')}), but this CnamProfile belongs to "
                    f"'{cnam.business_profile}'"
                )
                problems.append(Problem(cnam.loc(f"phoneNumbers.{i}"), message))
    return problems


def _business_profile_names(docs: Iterable[LoadedDocument]) -> set[str]:
    """Names of every BusinessProfile document, valid or not (so that a profile
    with its own problems does not also make its references dangle)."""
    return {
        d.doc.data["name"]
        for d in docs
        if isinstance(d.doc.data, dict)
        and d.doc.data.get("kind") == "BusinessProfile"
        and isinstance(d.doc.data.get("name"), str)
    }


def _dangling_references(cnams: Iterable[CnamProfile], names: set[str]) -> list[Problem]:
    return [
        Problem(
            cnam.loc("businessProfile"),
            f"businessProfile: no BusinessProfile named '{cnam.business_profile}'"
            + did_you_mean(cnam.business_profile, sorted(names)),
        )
        for cnam in cnams
        if cnam.business_profile not in names
    ]
