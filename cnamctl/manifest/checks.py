"""Rules that span documents: unique names and numbers, references, one Settings.

Each problem is reported at the later occurrence and names the earlier one's
``file:line``. Only documents that validated on their own take part, except
where raw documents are enough (Settings count, business-profile names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cnamctl.errors import Location, Problem
from cnamctl.manifest.model import (
    PROFILE_KINDS,
    BusinessProfile,
    OutgoingCallerId,
    TrustProfile,
    _Resource,
)
from cnamctl.manifest.suggest import did_you_mean
from cnamctl.manifest.yamlsource import RawDocument
from cnamctl.policies import BY_KIND, SPECS


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
    products: list[TrustProfile] = [
        r for spec in SPECS for r in resources if isinstance(r, PROFILE_KINDS[spec.kind])
    ]
    caller_ids = [r for r in resources if isinstance(r, OutgoingCallerId)]
    problems = [*_duplicate_names("BusinessProfile", profiles)]
    for spec in SPECS:
        of_kind = [p for p in products if p.kind == spec.kind]
        problems += _duplicate_names(spec.kind, of_kind)
        if spec.numbers.exclusive:
            problems += _numbers_shared_within_kind(spec.label, of_kind)
    problems += [
        *_duplicate_caller_ids(caller_ids),
        *_extra_settings(docs),
        *_numbers_in_two_business_profiles(profiles, products),
    ]
    with_numbers: list[BusinessProfile | TrustProfile] = [*profiles, *products]
    for resource in with_numbers:
        problems.extend(_numbers_listed_twice(resource))
    if all_files_parsed:
        problems.extend(_dangling_references(products, _business_profile_names(docs)))
    return problems


def _duplicate_names(
    kind: str, resources: Iterable[BusinessProfile | TrustProfile]
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


def _numbers_listed_twice(resource: BusinessProfile | TrustProfile) -> list[Problem]:
    if len(set(resource.phone_numbers)) == len(resource.phone_numbers):
        return []  # no number listed twice: the usual manifest
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


def _numbers_shared_within_kind(label: str, of_kind: Sequence[TrustProfile]) -> list[Problem]:
    """A number is on one product of an exclusive policy (``NumberRule.exclusive``)."""
    if not _shared(of_kind):
        return []
    owner: dict[str, tuple[TrustProfile, int]] = {}
    problems = []
    for product in of_kind:
        for i, number in enumerate(product.phone_numbers):
            other, j = owner.setdefault(number, (product, i))
            if other is not product:
                message = (
                    f"phoneNumbers.{i}: {number} is already in {other.kind} '{other.name}' "
                    f"({other.loc(f'phoneNumbers.{j}')}); a number can have only one "
                    f"{label} profile"
                )
                problems.append(Problem(product.loc(f"phoneNumbers.{i}"), message))
    return problems


def _shared(resources: Sequence[BusinessProfile | TrustProfile]) -> bool:
    """Whether some number is listed by two of ``resources`` (set sizes: no loop)."""
    distinct = [frozenset(r.phone_numbers) for r in resources]
    return sum(map(len, distinct)) != len(frozenset().union(*distinct))


def _numbers_in_two_business_profiles(
    profiles: Sequence[BusinessProfile], products: Sequence[TrustProfile]
) -> list[Problem]:
    """A number belongs to one business profile, whether listed there or implied by
    a trust profile of that profile (their numbers need not be listed explicitly),
    and all the trust profiles holding a number belong to the same business profile.

    Usually no number is listed on two business profiles, the numbers a trust
    profile lists that its business profile does not are listed on none, and the
    trust profiles of two business profiles share none of those: then a trust
    profile can break a rule only through a number listed on another business
    profile, and only such profiles are checked number by number. (Set sizes and
    set operations decide it; 100,000 numbers are checked, hardly any is reported.)"""
    if _shared(profiles):
        return _each_number_in_one_business_profile(profiles, products)
    own: dict[str, set[str]] = {}
    for profile in profiles:
        own.setdefault(profile.name, set()).update(profile.phone_numbers)
    listed = frozenset().union(*own.values())
    implied: dict[str, set[str]] = {}  # business profile -> its numbers listed nowhere
    for product in products:
        implied.setdefault(product.business_profile, set()).update(
            frozenset(product.phone_numbers) - listed
        )
    if sum(map(len, implied.values())) != len(frozenset().union(*implied.values())):
        return _each_number_in_one_business_profile(profiles, products)
    unsettled = [
        p
        for p in products
        if not (listed.intersection(p.phone_numbers) <= own.get(p.business_profile, set()))
    ]
    return _each_number_in_one_business_profile(profiles, unsettled) if unsettled else []


def _each_number_in_one_business_profile(
    profiles: Sequence[BusinessProfile], products: Sequence[TrustProfile]
) -> list[Problem]:
    """``_numbers_in_two_business_profiles``, number by number. Locations are looked
    up only for the numbers reported."""
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
    implied: dict[str, tuple[TrustProfile, int]] = {}
    for product in products:
        for i, number in enumerate(product.phone_numbers):
            listed = owner.get(number)
            if listed is not None and listed[0].name != product.business_profile:
                other, j = listed
                message = (
                    f"phoneNumbers.{i}: {number} is assigned to BusinessProfile '{other.name}' "
                    f"({other.loc(f'phoneNumbers.{j}')}), but this {product.kind} belongs to "
                    f"'{product.business_profile}'"
                )
                problems.append(Problem(product.loc(f"phoneNumbers.{i}"), message))
                continue
            first, k = implied.setdefault(number, (product, i))
            reported = first.kind == product.kind and BY_KIND[first.kind].numbers.exclusive
            if (
                listed is None
                and first.business_profile != product.business_profile
                and not (
                    reported  # already: a number can have only one profile of this kind
                )
            ):
                message = (
                    f"phoneNumbers.{i}: {number} is in {first.kind} '{first.name}' "
                    f"({first.loc(f'phoneNumbers.{k}')}) of BusinessProfile "
                    f"'{first.business_profile}', but this {product.kind} belongs to "
                    f"'{product.business_profile}'; a number can belong to only one "
                    "business profile"
                )
                problems.append(Problem(product.loc(f"phoneNumbers.{i}"), message))
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


def _dangling_references(products: Iterable[TrustProfile], names: set[str]) -> list[Problem]:
    return [
        Problem(
            product.loc("businessProfile"),
            f"businessProfile: no BusinessProfile named '{product.business_profile}'"
            + did_you_mean(product.business_profile, sorted(names)),
        )
        for product in products
        if product.business_profile not in names
    ]
