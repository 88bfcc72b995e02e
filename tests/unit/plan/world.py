"""Hand-built live snapshots and manifests for planner tests."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

from cnamctl import CNAM_POLICY_SID
from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
)
from cnamctl.manifest import ManifestSet, load_manifests
from cnamctl.policies import ALL_POLICIES

ACCOUNT = "AC" + "0" * 32
BP_POLICY = "RN" + "b" * 32
_counter = itertools.count(1)


def sid(prefix: str) -> str:
    return f"{prefix}{next(_counter):032x}"


class LiveWorld:
    """A mutable builder for a Snapshot (of every policy: ``policies`` narrows it)."""

    def __init__(self, policies: tuple[str, ...] = ALL_POLICIES) -> None:
        self.snapshot = Snapshot(account_sid=ACCOUNT, policies=policies)

    def number(self, e164: str, lookup: bool = False) -> LiveNumber:
        n = LiveNumber(sid("PN"), e164, e164, lookup)
        self.snapshot.numbers[n.sid] = n
        return n

    def numbers(self, *e164s: str) -> list[LiveNumber]:
        return [self.number(e) for e in e164s]

    def business_profile(
        self, name: str = "Acme Corp", status: str = "twilio-approved", numbers=()
    ) -> LiveBusinessProfile:
        bp = LiveBusinessProfile(
            sid("BU"),
            name,
            status,
            "ops@acme.example",
            BP_POLICY,
            {n.sid: sid("RA") for n in numbers},
        )
        self.snapshot.business_profiles[bp.sid] = bp
        return bp

    def product(
        self,
        name: str,
        display_name: str | None,
        *,
        bp: LiveBusinessProfile | None,
        status: str = "twilio-approved",
        numbers=(),
        email: str = "trust@acme.example",
        errors=(),
    ) -> LiveTrustProduct:
        entities = {}
        if bp is not None:
            entities[bp.sid] = sid("BV")
        if display_name is not None:
            user = LiveEndUser(
                sid("IT"), name, "cnam_information", {"cnam_display_name": display_name}
            )
            self.snapshot.end_users[user.sid] = user
            entities[user.sid] = sid("BV")
        product = LiveTrustProduct(
            sid("BU"),
            name,
            status,
            email,
            CNAM_POLICY_SID,
            tuple({"code": c} for c in errors),
            entities,
            {n.sid: sid("RA") for n in numbers},
        )
        self.snapshot.trust_products[product.sid] = product
        return product

    def trust_product(
        self,
        policy: str,
        name: str,
        *,
        bp: LiveBusinessProfile | None,
        attributes: dict[str, object] | None = None,
        status: str = "twilio-approved",
        numbers=(),
        email: str = "trust@acme.example",
        errors=(),
    ) -> LiveTrustProduct:
        """A product of any policy; ``attributes``: its voice_integrity_information end user."""
        entities = {bp.sid: sid("BV")} if bp is not None else {}
        if attributes is not None:
            user = LiveEndUser(sid("IT"), name, "voice_integrity_information", dict(attributes))
            self.snapshot.end_users[user.sid] = user
            entities[user.sid] = sid("BV")
        product = LiveTrustProduct(
            sid("BU"),
            name,
            status,
            email,
            policy,
            tuple({"code": c} for c in errors),
            entities,
            {n.sid: sid("RA") for n in numbers},
        )
        self.snapshot.trust_products[product.sid] = product
        return product

    def caller_id(self, e164: str, friendly_name: str) -> LiveCallerId:
        c = LiveCallerId(sid("PN"), e164, friendly_name)
        self.snapshot.caller_ids[c.sid] = c
        return c


def manifests(tmp_path: Path, text: str) -> ManifestSet:
    path = tmp_path / "m.yaml"
    path.write_text(textwrap.dedent(text))
    return load_manifests([str(path)])


ACME = """\
apiVersion: cnamctl/v1
kind: BusinessProfile
name: acme
friendlyName: Acme Corp
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: sales
businessProfile: acme
displayName: ACME SALES
email: trust@acme.example
phoneNumbers: ["+14155550100", "+14155550101"]
"""
