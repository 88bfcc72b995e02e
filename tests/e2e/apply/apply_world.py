"""End-to-end helpers for apply/status: a served emulator, manifests, the real CLI.

A ``World`` gives each test an emulator (in memory, served on a free port, seeded
with one account: ``NUMBER_COUNT`` US numbers and the approved business profile
"Acme Corp"), a manifests folder, and helpers to run ``cnamctl`` against them
(in-process with CliRunner, or as a subprocess), to read the account, and to
check the two invariants every test ends with: the next plan is empty, and the
emulator holds no duplicate end user, trust product or assignment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result
from support.seeds import E2E_ACCOUNT as ACCOUNT
from support.seeds import E2E_NUMBER_COUNT as NUMBER_COUNT
from support.seeds import E2E_TOKEN as TOKEN
from support.seeds import SHAKEN_POLICY_SID
from support.seeds import apply_seed as seed
from support.seeds import e2e_number as number
from twilio.rest import Client

from cnamctl.cli.app import main
from cnamctl.emulator import Emulator
from cnamctl.live.model import Snapshot
from cnamctl.live.reader import read_snapshot
from cnamctl.twilio import Credentials, make_client

__all__ = ["ACCOUNT", "NUMBER_COUNT", "SHAKEN_POLICY_SID", "TOKEN", "World", "number", "seed"]


def profile(
    name: str,
    display: str,
    numbers: list[str],
    *,
    email: str = "trust@acme.example",
    business: str = "acme",
    **extra: Any,
) -> dict[str, Any]:
    doc = {
        "apiVersion": "cnamctl/v1",
        "kind": "CnamProfile",
        "name": name,
        "businessProfile": business,
        "displayName": display,
        "email": email,
        "phoneNumbers": numbers,
    }
    doc.update(extra)
    return doc


def settings(**prune: bool) -> dict[str, Any]:
    return {"apiVersion": "cnamctl/v1", "kind": "Settings", "prune": prune}


BUSINESS_PROFILES = {"acme": "Acme Corp", "beta": "Beta Corp"}

Hook = Callable[[dict[str, Any]], None]


@dataclass
class World:
    emulator: Emulator
    base_url: str
    manifests: Path
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    # called with the WSGI environ before the emulator sees each request
    before_request: Hook | None = None

    # --- manifests ---------------------------------------------------------------

    def declare(self, *docs: dict[str, Any], business_numbers: list[str] | None = None) -> None:
        """Write the manifests: ``docs`` plus the business profiles they name, each
        declaring the numbers of its CNAM profiles (or ``business_numbers`` for Acme)."""
        business = []
        for name, friendly in BUSINESS_PROFILES.items():
            mine = [d for d in docs if d.get("businessProfile") == name]
            if not mine and name != "acme":
                continue
            numbers = sorted({n for d in mine for n in d.get("phoneNumbers", [])})
            if name == "acme" and business_numbers is not None:
                numbers = business_numbers
            business.append(
                {
                    "apiVersion": "cnamctl/v1",
                    "kind": "BusinessProfile",
                    "name": name,
                    "friendlyName": friendly,
                    "phoneNumbers": numbers,
                }
            )
        for old in self.manifests.glob("*.yaml"):
            old.unlink()
        text = yaml.safe_dump_all([*business, *docs], sort_keys=False)
        (self.manifests / "cnam.yaml").write_text(text)

    def line_of(self, profile_name: str, field_path: str) -> str:
        """``cnam.yaml:<line>`` of a CnamProfile field, as apply reports it."""
        from cnamctl.manifest import load_manifests

        location = load_manifests([str(self.manifests)]).cnam_profiles[profile_name].loc(field_path)
        assert location is not None
        return f"{Path(location.file).name}:{location.line}"

    # --- running cnamctl ---------------------------------------------------------------

    def settle(self) -> None:
        """Let lagging writes (realism switch) become visible: time passes between
        two commands of a test, and before the test checks the account."""
        self.emulator.catch_up()

    def cli(self, *args: str, input: str | None = None, options: tuple[str, ...] = ()) -> Result:
        """``cnamctl <options> <command> --api-url <emulator> <args>`` in-process."""
        self.settle()
        cmd, *rest = args
        runner = CliRunner()
        return runner.invoke(
            main, [*options, cmd, "--api-url", self.base_url, *rest], env=self.env, input=input
        )

    def apply(self, *args: str) -> Result:
        return self.cli("apply", "--auto-approve", *args, str(self.manifests))

    def spawn_apply(self, *args: str) -> subprocess.Popen[str]:
        """``cnamctl apply --auto-approve`` as a child process (to be killed); its
        stdout is the line-per-change log."""
        self.settle()
        command = [
            sys.executable,
            "-c",
            "from cnamctl.cli import main; main()",
            "apply",
            "--auto-approve",
            "--api-url",
            self.base_url,
            *args,
            str(self.manifests),
        ]
        env = {**os.environ, **self.env}
        return subprocess.Popen(
            command,
            env=env,
            cwd=self.workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    # --- the account ---------------------------------------------------------------

    @property
    def client(self) -> Client:
        self.settle()
        return make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), self.base_url)

    def snapshot(self) -> Snapshot:
        return read_snapshot(self.client)

    def products(self) -> dict[str, Any]:
        """CNAM trust products by friendly name (asserting there is one per name)."""
        live = self.snapshot()
        names = Counter(p.friendly_name for p in live.trust_products.values())
        assert all(n == 1 for n in names.values()), f"duplicate products: {names}"
        return {p.friendly_name: p for p in live.trust_products.values()}

    def products_named(self, name: str) -> list[Any]:
        """Every CNAM trust product of that friendly name, by SID."""
        live = self.snapshot()
        found = [p for p in live.trust_products.values() if p.friendly_name == name]
        return sorted(found, key=lambda p: p.sid)

    def numbers_of(self, name: str) -> set[str]:
        live = self.snapshot()
        product = next(p for p in live.trust_products.values() if p.friendly_name == name)
        return numbers_on(live, product)

    def business_profile_sid(self, friendly_name: str) -> str:
        live = self.snapshot()
        return next(
            p.sid for p in live.business_profiles.values() if p.friendly_name == friendly_name
        )

    def writes(self) -> int:
        """Write requests (POST and DELETE) the emulator received, answered or not."""
        requests = self.emulator.stats()["requests"]
        return sum(n for key, n in requests.items() if key.split(" ", 1)[0] in ("POST", "DELETE"))

    def reset_stats(self) -> None:
        self.emulator.reset_stats()

    def configure(self, **changes: Any) -> None:
        self.emulator.update_config(**changes)

    # --- the invariants ----------------------------------------------------------------

    def assert_converged(self) -> None:
        """The next plan is empty and makes no write; nothing is duplicated."""
        self.configure(fault_rate=0.0, rate_limit=None)
        before = self.writes()
        result = self.cli("plan", "--detailed-exitcode", "--format", "json", str(self.manifests))
        doc = json.loads(result.stdout)
        plans = [a["plan"] for a in doc["accounts"]] if "accounts" in doc else [doc]
        assert all(p["changes"] == [] for p in plans), f"plan not empty:\n{result.output}"
        # a product Twilio rejected is not as declared (exit 2), yet leaves nothing to change
        drift = any(p["drift"]["items"] for p in plans)
        assert result.exit_code == (2 if drift else 0), result.output
        assert self.writes() == before
        self.assert_no_duplicates()

    def assert_no_duplicates(self) -> None:
        client = self.client
        trusthub = client.trusthub.v1
        users = Counter(
            (u.friendly_name, u.type)
            for u in trusthub.end_users.list(page_size=1000)
            if u.type == "cnam_information"
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
            endpoints = Counter(
                a.channel_endpoint_sid
                for a in trusthub.trust_products(
                    p.sid
                ).trust_products_channel_endpoint_assignment.list(page_size=1000)
            )
            assert all(n == 1 for n in endpoints.values()), f"{p.sid} numbers: {endpoints}"
        for bp in trusthub.customer_profiles.list():
            endpoints = Counter(
                a.channel_endpoint_sid
                for a in trusthub.customer_profiles(
                    bp.sid
                ).customer_profiles_channel_endpoint_assignment.list(page_size=1000)
            )
            assert all(n == 1 for n in endpoints.values()), f"{bp.sid} numbers: {endpoints}"

    def assert_no_secret_in(self, text: str) -> None:
        assert TOKEN not in text


def numbers_on(live: Snapshot, product: Any) -> set[str]:
    return {live.numbers[pn].phone_number for pn in product.number_assignments}


def only_account(document: dict[str, Any], key: str) -> Any:
    """The ``key`` document of the one account in a JSON output (every command's JSON
    is a list of accounts; without Account documents, a list of one)."""
    (account,) = document["accounts"]
    assert account["error"] is None, account["error"]
    return account[key]


def result_document(result: Result) -> dict[str, Any]:
    """The apply result document of the one (unnamed) account of an apply."""
    top = json.loads(result.stdout)
    doc: dict[str, Any] = only_account(top, "result")
    assert top["ok"] == doc["ok"]
    return doc


def status_document(result: Result) -> dict[str, Any]:
    doc: dict[str, Any] = only_account(json.loads(result.stdout), "status")
    return doc
