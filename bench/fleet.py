"""A synthetic fleet: numbers, business profiles, CNAM profiles and caller IDs.

One ``Fleet`` describes both sides of a benchmark from the same numbers:

* the emulator seed (what the account already holds),
* the manifests (what is declared), as YAML documents or as model objects,
* for the network-free benchmark, the ``Snapshot`` a reader would return.

Every CNAM profile is declared with its numbers; CNAM profile ``j`` belongs to
business profile ``j * business_profiles // cnam_profiles``, and every number is
already assigned to its business profile. What is *not* yet applied is set by
two knobs, so the same fleet can be fully applied (an empty plan) or a mix:

* ``created``: how many CNAM products exist, approved with the declared display
  name (the others are to be created, wired and submitted);
* ``branded``: the share of each existing product's numbers already assigned to
  it (the rest are ASSIGN_CNAM_NUMBER changes).

Caller IDs are always already verified with their declared friendly names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from cnamctl import CNAM_POLICY_SID
from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
)
from cnamctl.manifest.model import (
    API_VERSION,
    BusinessProfile,
    CnamProfile,
    ManifestSet,
    OutgoingCallerId,
)

ACCOUNT = "AC" + "b" * 32
TOKEN = "bench-auth-token"
EMAIL = "trust@fleet.example"
PRIMARY_PROFILE_POLICY_SID = "RN6433641899984f951173ef1738c3bdd0"
APPROVED = "twilio-approved"


def us_numbers(prefix: str, count: int) -> list[str]:
    """``count`` valid US long codes after ``prefix`` (+1 and an area code), in order.

    Exchanges start at 200 and skip N11 codes, like the emulator's own ranges.
    """
    out: list[str] = []
    for n in range(2_000_000, 10_000_000):
        digits = f"{n:07d}"
        if digits[1:3] == "11":
            continue
        out.append(prefix + digits)
        if len(out) == count:
            return out
    raise ValueError(f"{prefix} has room for fewer than {count} numbers")


def fake_sid(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Fleet:
    numbers: int
    cnam_profiles: int = 100
    business_profiles: int = 10
    caller_ids: int = 500
    created: int | None = None  # CNAM products that exist (None: all)
    branded: float = 1.0  # share of an existing product's numbers already assigned

    # -- the numbers and who holds them --------------------------------------------

    @cached_property
    def phone_numbers(self) -> list[str]:
        return us_numbers("+1415", self.numbers)

    @cached_property
    def caller_id_numbers(self) -> list[str]:
        return us_numbers("+1212", self.caller_ids)

    def profile_name(self, j: int) -> str:
        return f"fleet-{j:03d}"

    def display_name(self, j: int) -> str:
        return f"FLEET {j:03d}"

    def business_name(self, b: int) -> str:
        return f"bp-{b:02d}"

    def business_friendly_name(self, b: int) -> str:
        return f"Fleet Business {b:02d}"

    def caller_id_name(self, i: int) -> str:
        return f"Caller {i:04d}"

    def business_of(self, j: int) -> int:
        return j * self.business_profiles // self.cnam_profiles

    def numbers_of(self, j: int) -> list[str]:
        """The numbers CNAM profile ``j`` declares (a contiguous block)."""
        lo = j * self.numbers // self.cnam_profiles
        hi = (j + 1) * self.numbers // self.cnam_profiles
        return self.phone_numbers[lo:hi]

    def branded_numbers_of(self, j: int) -> list[str]:
        """The numbers already assigned to product ``j`` (none if it does not exist)."""
        if not self.exists(j):
            return []
        numbers = self.numbers_of(j)
        return numbers[: round(len(numbers) * self.branded)]

    def business_numbers_of(self, b: int) -> list[str]:
        return [
            n
            for j in range(self.cnam_profiles)
            if self.business_of(j) == b
            for n in self.numbers_of(j)
        ]

    def exists(self, j: int) -> bool:
        return self.created is None or j < self.created

    # -- what a plan should contain ---------------------------------------------------

    @property
    def pending_assignments(self) -> int:
        return sum(
            len(self.numbers_of(j)) - len(self.branded_numbers_of(j))
            for j in range(self.cnam_profiles)
        )

    @property
    def expected_changes(self) -> int:
        """Changes a plan against this fleet's seed contains: per missing product
        create end user, create product, two entity assignments, submit; plus one
        ASSIGN_CNAM_NUMBER per number not yet branded."""
        missing = sum(not self.exists(j) for j in range(self.cnam_profiles))
        return 5 * missing + self.pending_assignments

    def describe(self) -> str:
        missing = sum(not self.exists(j) for j in range(self.cnam_profiles))
        state = []
        if missing:
            state.append(f"{missing} CNAM products to create")
        if self.pending_assignments:
            state.append(f"{self.pending_assignments:,} numbers to brand")
        return (
            f"{self.numbers:,} numbers, {self.cnam_profiles} CNAM profiles, "
            f"{self.business_profiles} business profiles, {self.caller_ids} caller IDs"
            + (f" ({', '.join(state)})" if state else " (all applied)")
        )

    # -- the emulator seed ----------------------------------------------------------

    def seed(self) -> dict[str, Any]:
        products = [
            {
                "friendly_name": self.profile_name(j),
                "email": EMAIL,
                "status": APPROVED,
                "business_profile": self.business_friendly_name(self.business_of(j)),
                "display_name": self.display_name(j),
                "phone_numbers": self.branded_numbers_of(j),
            }
            for j in range(self.cnam_profiles)
            if self.exists(j)
        ]
        return {
            "accounts": [
                {
                    "sid": ACCOUNT,
                    "auth_token": TOKEN,
                    "friendly_name": "cnamctl benchmark fleet",
                    "incoming_numbers": self.phone_numbers,
                    "outgoing_caller_ids": [
                        {"phone_number": n, "friendly_name": self.caller_id_name(i)}
                        for i, n in enumerate(self.caller_id_numbers)
                    ],
                    "business_profiles": [
                        {
                            "friendly_name": self.business_friendly_name(b),
                            "status": APPROVED,
                            "phone_numbers": self.business_numbers_of(b),
                        }
                        for b in range(self.business_profiles)
                    ],
                    "trust_products": products,
                }
            ]
        }

    def write_seed(self, path: Path) -> Path:
        path.write_text(yaml.safe_dump(self.seed(), sort_keys=False), encoding="utf-8")
        return path

    # -- the manifests ----------------------------------------------------------------

    def documents(self) -> Iterator[dict[str, Any]]:
        for b in range(self.business_profiles):
            yield {
                "apiVersion": API_VERSION,
                "kind": "BusinessProfile",
                "name": self.business_name(b),
                "friendlyName": self.business_friendly_name(b),
            }
        for j in range(self.cnam_profiles):
            yield {
                "apiVersion": API_VERSION,
                "kind": "CnamProfile",
                "name": self.profile_name(j),
                "businessProfile": self.business_name(self.business_of(j)),
                "displayName": self.display_name(j),
                "email": EMAIL,
                "phoneNumbers": self.numbers_of(j),
            }
        for i, n in enumerate(self.caller_id_numbers):
            yield {
                "apiVersion": API_VERSION,
                "kind": "OutgoingCallerId",
                "phoneNumber": n,
                "friendlyName": self.caller_id_name(i),
            }

    def write_manifests(self, directory: Path) -> Path:
        """One file per kind under ``directory``; returns ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for doc in self.documents():
            by_kind.setdefault(doc["kind"], []).append(doc)
        for kind, docs in by_kind.items():
            text = yaml.safe_dump_all(docs, sort_keys=False)
            (directory / f"{kind.lower()}.yaml").write_text(text, encoding="utf-8")
        return directory

    def manifest_set(self, *, validate: bool) -> ManifestSet:
        """The ManifestSet without YAML: validated models, or ``model_construct``
        (no validation at all, to time the planner alone)."""
        result = ManifestSet()
        for doc in self.documents():
            model = _KINDS[doc["kind"]]
            if validate:
                resource = model.model_validate(doc)
            else:
                resource = model.model_construct(
                    **{_snake(k): v for k, v in doc.items() if k != "apiVersion"},
                    api_version=API_VERSION,
                )
            if isinstance(resource, BusinessProfile):
                result.business_profiles[resource.name] = resource
            elif isinstance(resource, CnamProfile):
                result.cnam_profiles[resource.name] = resource
            elif isinstance(resource, OutgoingCallerId):
                result.caller_ids[resource.phone_number] = resource
        return result

    # -- the live snapshot, without a network -------------------------------------------

    def snapshot(self) -> Snapshot:
        """What ``read_snapshot`` returns for an account seeded with :meth:`seed`."""
        live = Snapshot(account_sid=ACCOUNT)
        sids = {n: fake_sid("PN", ACCOUNT, "number", n) for n in self.phone_numbers}
        for e164, sid in sids.items():
            live.numbers[sid] = LiveNumber(sid, e164, _national(e164), False)
        profiles: dict[int, LiveBusinessProfile] = {}
        for b in range(self.business_profiles):
            sid = fake_sid("BU", ACCOUNT, "business_profile", str(b))
            profiles[b] = live.business_profiles[sid] = LiveBusinessProfile(
                sid=sid,
                friendly_name=self.business_friendly_name(b),
                status=APPROVED,
                email="compliance@example.com",
                policy_sid=PRIMARY_PROFILE_POLICY_SID,
                number_assignments={
                    sids[n]: fake_sid("RA", sid, n) for n in self.business_numbers_of(b)
                },
            )
        for j in range(self.cnam_profiles):
            if not self.exists(j):
                continue
            sid = fake_sid("BU", ACCOUNT, "trust_product", str(j))
            user = fake_sid("IT", ACCOUNT, "end_user", str(j))
            live.end_users[user] = LiveEndUser(
                user,
                self.profile_name(j),
                "cnam_information",
                {"cnam_display_name": self.display_name(j)},
            )
            business = profiles[self.business_of(j)].sid
            live.trust_products[sid] = LiveTrustProduct(
                sid=sid,
                friendly_name=self.profile_name(j),
                status=APPROVED,
                email=EMAIL,
                policy_sid=CNAM_POLICY_SID,
                entity_assignments={
                    business: fake_sid("BV", sid, business),
                    user: fake_sid("BV", sid, user),
                },
                number_assignments={
                    sids[n]: fake_sid("RA", sid, n) for n in self.branded_numbers_of(j)
                },
                date_updated="2025-01-01T00:00:00Z",
            )
        for i, n in enumerate(self.caller_id_numbers):
            sid = fake_sid("PN", ACCOUNT, "caller_id", n)
            live.caller_ids[sid] = LiveCallerId(sid, n, self.caller_id_name(i))
        return live


_KINDS: dict[str, Any] = {
    "BusinessProfile": BusinessProfile,
    "CnamProfile": CnamProfile,
    "OutgoingCallerId": OutgoingCallerId,
}


def _snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key)


def _national(e164: str) -> str:
    return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"
