"""Hand-built live snapshots for the importer unit tests (no emulator, no network)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count

from cnamctl import CNAM_POLICY_SID
from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
)

ACCOUNT = "AC" + "9" * 32
PRIMARY_POLICY = "RN6433641899984f951173ef1738c3bdd0"


@dataclass
class LiveAccount:
    """Builds a Snapshot one object at a time, with made-up SIDs."""

    snapshot: Snapshot = field(default_factory=lambda: Snapshot(account_sid=ACCOUNT))
    _ids: count[int] = field(default_factory=count)
    _pns: dict[str, str] = field(default_factory=dict)  # E.164 -> PN SID

    def _sid(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):032x}"

    def number(self, e164: str, *, lookup: bool = False) -> str:
        """Adds an incoming number; returns its PN SID."""
        sid = self._sid("PN")
        self.snapshot.numbers[sid] = LiveNumber(sid, e164, e164, lookup)
        self._pns[e164] = sid
        return sid

    def pn(self, e164: str) -> str:
        """The SID of an incoming number, added (lookup off) if it is not there yet."""
        return self._pns.get(e164) or self.number(e164)

    def business_profile(
        self, name: str, numbers: Sequence[str] = (), *, status: str = "twilio-approved"
    ) -> str:
        sid = self._sid("BU")
        assignments = {self.pn(e164): self._sid("RA") for e164 in numbers}
        self.snapshot.business_profiles[sid] = LiveBusinessProfile(
            sid, name, status, "bp@example.com", PRIMARY_POLICY, assignments
        )
        return sid

    def cnam_product(
        self,
        name: str,
        business_profile: str | None,
        display_name: str | None,
        numbers: Sequence[str] = (),
        *,
        status: str = "twilio-approved",
        email: str | None = "trust@example.com",
        errors: tuple[dict[str, int], ...] = (),
    ) -> str:
        sid = self._sid("BU")
        entities: dict[str, str] = {}
        if business_profile is not None:
            entities[business_profile] = self._sid("BV")
        if display_name is not None:
            user = self._sid("IT")
            self.snapshot.end_users[user] = LiveEndUser(
                user, f"{name} CNAM", "cnam_information", {"cnam_display_name": display_name}
            )
            entities[user] = self._sid("BV")
        self.snapshot.trust_products[sid] = LiveTrustProduct(
            sid,
            name,
            status,
            email,
            CNAM_POLICY_SID,
            errors=errors,
            entity_assignments=entities,
            number_assignments={self.pn(e164): self._sid("RA") for e164 in numbers},
        )
        return sid

    def caller_id(self, e164: str, friendly_name: str) -> str:
        sid = self._sid("PN")
        self.snapshot.caller_ids[sid] = LiveCallerId(sid, e164, friendly_name)
        return sid
