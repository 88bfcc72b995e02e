"""Find the live objects the manifests name; what cannot be found is a problem.

Business profiles are vetted in the Console, so they must already exist (by
pinned SID, or by a friendly name that only one profile has) and be approved.
Every declared number must be on the account. Each failure is reported at the
manifest line that names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnamctl.live.model import LiveBusinessProfile, LiveNumber, Snapshot
from cnamctl.manifest.model import BusinessProfile, ManifestSet, TrustProfile
from cnamctl.plan.builder import PlanBuilder
from cnamctl.policies import BY_KIND

APPROVED = "twilio-approved"


@dataclass(frozen=True)
class Resolved:
    business_profiles: dict[str, LiveBusinessProfile]  # manifest name -> live profile
    numbers: dict[str, LiveNumber]  # E.164 -> live number (declared ones found)


def resolve(desired: ManifestSet, live: Snapshot, out: PlanBuilder) -> Resolved:
    profiles: dict[str, LiveBusinessProfile] = {}
    for name, manifest in sorted(desired.business_profiles.items()):
        needing = [
            BY_KIND[p.kind].label for p in desired.trust_profiles() if p.business_profile == name
        ]
        found = _business_profile(manifest, live, out, needing)
        if found is not None:
            profiles[name] = found
    numbers: dict[str, LiveNumber] = {}
    on_account = live.numbers_by_e164()
    for declaring in _declaring(desired):
        declared = declaring.phone_numbers
        if on_account.keys() >= set(declared):  # every number found: the usual manifest
            numbers.update(zip(declared, map(on_account.__getitem__, declared), strict=True))
            continue
        for index, e164 in enumerate(declared):
            if e164 in numbers:
                continue
            number = on_account.get(e164)
            if number is None:
                out.problem(
                    declaring.loc(f"phoneNumbers.{index}"),
                    f"{e164} is not a phone number of account {live.account_sid}",
                )
            else:
                numbers[e164] = number
    return Resolved(profiles, numbers)


def _declaring(desired: ManifestSet) -> list[BusinessProfile | TrustProfile]:
    """Every manifest declaring numbers: the business profiles by name, then the
    trust profiles."""
    return [*(m for _, m in sorted(desired.business_profiles.items())), *desired.trust_profiles()]


def _business_profile(
    manifest: BusinessProfile, live: Snapshot, out: PlanBuilder, needing: list[str]
) -> LiveBusinessProfile | None:
    if manifest.sid:
        found = live.business_profiles.get(manifest.sid)
        if found is None:
            out.problem(
                manifest.loc("sid"),
                f"business profile {manifest.sid} does not exist in account {live.account_sid}",
            )
            return None
        if manifest.friendly_name and found.friendly_name != manifest.friendly_name:
            out.problem(
                manifest.loc("friendlyName"),
                f"business profile {manifest.sid} is named {found.friendly_name!r}, "
                f"not {manifest.friendly_name!r}",
            )
            return None
    else:
        matches = sorted(
            (
                p
                for p in live.business_profiles.values()
                if p.friendly_name == manifest.friendly_name
            ),
            key=lambda p: p.sid,
        )
        if not matches:
            out.problem(
                manifest.loc("friendlyName"),
                f"no business profile named {manifest.friendly_name!r} in account "
                f"{live.account_sid} (business profiles are created and vetted in the "
                "Twilio Console)",
            )
            return None
        if len(matches) > 1:
            sids = ", ".join(p.sid for p in matches)
            out.problem(
                manifest.loc("friendlyName"),
                f"{len(matches)} business profiles are named {manifest.friendly_name!r} "
                f"({sids}); pin one with `sid:`",
            )
            return None
        found = matches[0]
    if found.status != APPROVED:
        out.problem(
            manifest.loc("sid" if manifest.sid else "friendlyName"),
            f"business profile {found.friendly_name!r} ({found.sid}) is {found.status}, "
            f"not twilio-approved; {_needs(needing)} an approved business profile",
        )
        return None
    return found


def _needs(labels: list[str]) -> str:
    """``CNAM needs``, ``CNAM and SHAKEN/STIR need``: the products declared (CNAM when
    none is: the business profile exists for them)."""
    named = list(dict.fromkeys(labels)) or ["CNAM"]
    if len(named) == 1:
        return f"{named[0]} needs"
    return f"{', '.join(named[:-1])} and {named[-1]} need"
