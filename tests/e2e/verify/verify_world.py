"""End-to-end helpers for `cnamctl verify`: an emulator on an injected clock, the
manifests of one CnamProfile, and the real CLI (in-process) against them.

The emulator's clock starts ``HOURS_BACK`` hours before the real time and the tests
move it forward: cnamctl judges "approved less than 72 hours ago" on the real
clock against the products' ``date_updated`` (the emulator's clock), so an approval
made at the start is that many hours old for cnamctl, and advancing the emulator
up to the present lets its CNAM database catch up without any sleep.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result
from support.emulators import EmulatorFactory, Running
from support.seeds import E2E_ACCOUNT as ACCOUNT
from support.seeds import E2E_TOKEN as TOKEN
from support.seeds import apply_seed, cnam_product, e2e_number
from twilio.rest import Client

from cnamctl.cli.app import main
from cnamctl.emulator import ManualClock
from cnamctl.twilio import Credentials, make_client

HOUR = 3600.0
HOURS_BACK = 10  # by default the emulator's clock starts this far behind the real time
LOOKUP = "GET /v2/PhoneNumbers/{PhoneNumber}"
DISPLAY = "ACME SALES"
NUMBERS = [e2e_number(i) for i in range(8)]

__all__ = ["ACCOUNT", "DISPLAY", "HOUR", "LOOKUP", "NUMBERS", "TOKEN", "VerifyWorld"]


def world_seed(status: str = "in-review", numbers: list[str] = NUMBERS) -> dict[str, Any]:
    data = apply_seed(
        numbers=12,
        trust_products=[
            cnam_product(
                "acme-sales",
                "Acme Corp",
                DISPLAY,
                numbers,
                email="trust@acme.example",
                status=status,
            )
        ],
    )
    profiles = data["accounts"][0]["business_profiles"]
    profiles[0]["phone_numbers"] = [e2e_number(i) for i in range(12)]
    return data


def manifests(numbers: list[str] = NUMBERS, display: str = DISPLAY) -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": "cnamctl/v1",
            "kind": "BusinessProfile",
            "name": "acme",
            "friendlyName": "Acme Corp",
            "phoneNumbers": [e2e_number(i) for i in range(12)],
        },
        {
            "apiVersion": "cnamctl/v1",
            "kind": "CnamProfile",
            "name": "acme-sales",
            "businessProfile": "acme",
            "displayName": display,
            "email": "trust@acme.example",
            "phoneNumbers": numbers,
        },
    ]


@dataclass
class VerifyWorld:
    running: Running
    clock: ManualClock
    folder: Path
    cache: Path

    @classmethod
    def start(
        cls,
        emulators: EmulatorFactory,
        tmp_path: Path,
        seed: dict[str, Any] | None = None,
        hours_back: float = HOURS_BACK,
        **knobs: Any,
    ) -> VerifyWorld:
        clock = ManualClock(start=time.time() - hours_back * HOUR)
        settings = {"cnam_propagation_delay": HOUR, "review_delay": 60.0, **knobs}
        running = emulators.start(seed or world_seed(), clock=clock, realistic=True, **settings)
        folder = tmp_path / "manifests"
        folder.mkdir()
        world = cls(running, clock, folder, tmp_path / "cache")
        world.declare(*manifests())
        return world

    @property
    def emu(self) -> Any:
        return self.running.emu

    def declare(self, *docs: dict[str, Any]) -> None:
        (self.folder / "cnam.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))

    @property
    def client(self) -> Client:
        self.emu.catch_up()
        return make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), self.running.base_url)

    def product_sid(self, name: str = "acme-sales") -> str:
        (product,) = self.client.trusthub.v1.trust_products.list(friendly_name=name)
        return str(product.sid)

    def approve(self, name: str = "acme-sales") -> None:
        self.emu.approve(self.product_sid(name))

    def verify(self, *args: str, fmt: str = "json") -> Result:
        self.emu.catch_up()  # time passes between two commands (the realism switch's lag)
        env = {
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_KEY": "",
            "TWILIO_API_SECRET": "",
            "CNAMCTL_API_URL": "",
            "CNAMCTL_CACHE_DIR": str(self.cache),
            "NO_COLOR": "1",
        }
        command = ["verify", "--api-url", self.running.base_url, "--format", fmt, *args]
        return CliRunner().invoke(main, [*command, str(self.folder)], env=env)

    def report(self, *args: str) -> dict[str, Any]:
        result = self.verify(*args)
        assert result.exit_code in (0, 2), result.output
        document: dict[str, Any] = json.loads(result.stdout)
        return document

    def statuses(self, *args: str) -> dict[str, str]:
        (account,) = self.report(*args)["accounts"]
        (profile,) = account["profiles"]
        return {n["phone_number"]: n["status"] for n in profile["numbers"]}

    def lookups(self) -> int:
        return int(self.emu.stats()["requests"].get(LOOKUP, 0))

    def billed(self) -> int:
        return int(self.emu.stats()["lookups"].get("caller_name", 0))
