"""End-to-end helpers for trusted calling: an emulator account, manifests, the real CLI.

The account (``trust_seed``) has 20 US long codes and a toll-free number on the
approved business profile "Acme Corp" (whose website is an https one, as Voice
Integrity review wants), and a SHAKEN/STIR product made in the Console, "Acme
SHAKEN", that no manifest declares: cnamctl must leave it alone. Manifests are
written by ``declare`` (the business profile plus the documents given); every
``cnamctl`` command runs in-process against the emulator through the twilio SDK.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result
from support.seeds import SHAKEN_POLICY_SID, account, business_profile, seed
from twilio.rest import Client

from cnamctl.cli.app import main
from cnamctl.emulator import Emulator
from cnamctl.live.model import LiveTrustProduct, Snapshot
from cnamctl.live.reader import read_snapshot
from cnamctl.policies import ALL_POLICIES, CNAM, SHAKEN_STIR, VOICE_INTEGRITY, ProductSpec
from cnamctl.twilio import Credentials, make_client

ACCOUNT = "AC" + "d" * 32
TOKEN = "trust-e2e-token"
NUMBERS = [f"+1415555{i:04d}" for i in range(20)]
TOLL_FREE = "+18005550100"
CONSOLE_SHAKEN = "Acme SHAKEN"
VOICE_FIELDS = {
    "useCase": "Appointment reminders",
    "businessEmployeeCount": 40,
    "averageBusinessDayCallVolume": 1200,
}

__all__ = [
    "ACCOUNT",
    "CNAM",
    "NUMBERS",
    "SHAKEN_STIR",
    "TOLL_FREE",
    "VOICE_INTEGRITY",
    "World",
    "cnam",
    "shaken",
    "trust_seed",
    "voice",
]


def trust_seed(**extra: Any) -> dict[str, Any]:
    """The account described above; ``extra`` adds to it (lists are appended)."""
    info = {"business_name": "Acme Corp", "website_url": "https://acme.example"}
    data = account(
        ACCOUNT,
        TOKEN,
        incoming_numbers=[*NUMBERS, TOLL_FREE],
        business_profiles=[business_profile("Acme Corp", business_information=info)],
        trust_products=[
            {
                "friendly_name": CONSOLE_SHAKEN,
                "policy_sid": SHAKEN_POLICY_SID,
                "status": "twilio-approved",
                "business_profile": "Acme Corp",
            }
        ],
    )
    for key, value in extra.items():
        data[key] = data.get(key, []) + value if isinstance(value, list) else value
    return seed(data)


def _doc(kind: str, name: str, numbers: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "apiVersion": "cnamctl/v1",
        "kind": kind,
        "name": name,
        "businessProfile": "acme",
        **fields,
        "email": fields.pop("email", "trust@acme.example"),
        "phoneNumbers": numbers,
    }


def cnam(name: str, display: str, numbers: list[str], **fields: Any) -> dict[str, Any]:
    return _doc("CnamProfile", name, numbers, displayName=display, **fields)


def shaken(name: str, numbers: list[str], **fields: Any) -> dict[str, Any]:
    return _doc("ShakenStirProfile", name, numbers, **fields)


def voice(name: str, numbers: list[str], **fields: Any) -> dict[str, Any]:
    return _doc("VoiceIntegrityProfile", name, numbers, **{**VOICE_FIELDS, **fields})


@dataclass
class World:
    emulator: Emulator
    base_url: str
    manifests: Path
    env: dict[str, str] = field(default_factory=dict)

    # --- manifests ---------------------------------------------------------------

    def declare(self, *docs: dict[str, Any], settings: dict[str, Any] | None = None) -> Path:
        """Write ``trust.yaml``: the business profile "acme" and ``docs`` (and a Settings
        document with ``settings`` as its ``prune``)."""
        business = {
            "apiVersion": "cnamctl/v1",
            "kind": "BusinessProfile",
            "name": "acme",
            "friendlyName": "Acme Corp",
        }
        extra = (
            [{"apiVersion": "cnamctl/v1", "kind": "Settings", "prune": settings}]
            if settings
            else []
        )
        path = self.manifests / "trust.yaml"
        path.write_text(yaml.safe_dump_all([business, *docs, *extra], sort_keys=False))
        return path

    def line_of(self, kind: str, name: str, field_path: str) -> str:
        """``trust.yaml:<line>`` of a profile's field, as plans report it."""
        from cnamctl.manifest import load_manifests
        from cnamctl.policies import BY_KIND

        manifests = load_manifests([str(self.manifests)])
        location = manifests.profiles(BY_KIND[kind])[name].loc(field_path)
        assert location is not None
        return f"{Path(location.file).name}:{location.line}"

    # --- running cnamctl ---------------------------------------------------------------

    def cli(self, *args: str) -> Result:
        """``cnamctl <command> --api-url <emulator> <args>`` in-process."""
        self.emulator.catch_up()  # time passes between two commands (realism switch)
        command, *rest = args
        return CliRunner().invoke(main, [command, "--api-url", self.base_url, *rest], env=self.env)

    def apply(self, *args: str) -> Result:
        return self.cli("apply", "--auto-approve", *args, str(self.manifests))

    def plan(self, *args: str) -> Result:
        return self.cli("plan", *args, str(self.manifests))

    def plan_document(self) -> dict[str, Any]:
        result = self.plan("--format", "json")
        assert result.exit_code in (0, 2), result.output
        (only,) = json.loads(result.stdout)["accounts"]
        assert only["error"] is None, only["error"]
        plan: dict[str, Any] = only["plan"]
        return plan

    # --- the account -------------------------------------------------------------------

    @property
    def client(self) -> Client:
        self.emulator.catch_up()
        return make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), self.base_url)

    def snapshot(self) -> Snapshot:
        return read_snapshot(self.client, policies=ALL_POLICIES)

    def products(self, spec: ProductSpec) -> dict[str, LiveTrustProduct]:
        """The products of ``spec``'s policy by friendly name (one per name)."""
        live = self.snapshot()
        mine = live.products_of(spec.policy_sid)
        names = Counter(p.friendly_name for p in mine)
        assert all(n == 1 for n in names.values()), f"duplicate products: {names}"
        return {p.friendly_name: p for p in mine}

    def numbers_of(self, spec: ProductSpec, name: str) -> set[str]:
        live = self.snapshot()
        (product,) = [p for p in live.products_of(spec.policy_sid) if p.friendly_name == name]
        return {live.numbers[pn].phone_number for pn in product.number_assignments}

    def numbers_of_product(self, sid: str) -> set[str]:
        live = self.snapshot()
        held = live.trust_products[sid].number_assignments
        return {live.numbers[pn].phone_number for pn in held}

    def end_user_of(self, spec: ProductSpec, name: str) -> dict[str, Any]:
        live = self.snapshot()
        (product,) = [p for p in live.products_of(spec.policy_sid) if p.friendly_name == name]
        user = live.end_user_of(product)
        assert user is not None, f"{name} has no end user"
        return dict(user.attributes)

    def approve_all(self) -> None:
        """A person approves every product in review (manual review mode)."""
        for product in self.snapshot().trust_products.values():
            if product.status in ("pending-review", "in-review"):
                self.emulator.approve(product.sid)

    def writes(self) -> int:
        requests = self.emulator.stats()["requests"]
        return sum(n for key, n in requests.items() if key.split(" ", 1)[0] in ("POST", "DELETE"))

    # --- the invariants ----------------------------------------------------------------

    def assert_converged(self) -> dict[str, Any]:
        """The next plan is empty and makes no write; nothing is duplicated. Returns it."""
        before = self.writes()
        plan = self.plan_document()
        assert plan["changes"] == [], plan["changes"]
        assert self.writes() == before
        self.assert_no_duplicates()
        return plan

    def assert_no_duplicates(self) -> None:
        trusthub = self.client.trusthub.v1
        users = Counter(
            (u.friendly_name, u.type)
            for u in trusthub.end_users.list(page_size=1000)
            if u.type in ("cnam_information", "voice_integrity_information")
        )
        assert all(n == 1 for n in users.values()), f"duplicate end users: {users}"
        products = trusthub.trust_products.list(page_size=1000)
        names = Counter((p.friendly_name, p.policy_sid) for p in products)
        assert all(n == 1 for n in names.values()), f"duplicate trust products: {names}"
        for p in products:
            entities = Counter(
                a.object_sid
                for a in trusthub.trust_products(p.sid).trust_products_entity_assignments.list()
            )
            assert all(n == 1 for n in entities.values()), f"{p.sid} entities: {entities}"

    def console_shaken_untouched(self, before: LiveTrustProduct) -> None:
        """The Console's SHAKEN/STIR product is exactly as it was."""
        now = self.products(SHAKEN_STIR)[CONSOLE_SHAKEN]
        assert now == before


__all__ += ["CONSOLE_SHAKEN", "TOKEN", "VOICE_FIELDS"]
