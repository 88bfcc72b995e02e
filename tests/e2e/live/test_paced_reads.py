"""`apply --max-rps` paces every request of the run: the snapshot read before the
writes too, so a tight rate limit meets no 429 (issue 12).

The emulator limits each account to 10 requests per second (a bucket of one
second). A snapshot of an account with 14 business profiles is 19 list requests
sent at once: unpaced (``plan``) some of them are answered 429 and retried; under
``apply --max-rps 8`` none is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from click.testing import CliRunner, Result

from cnamctl.cli import main
from cnamctl.emulator import Emulator, EmulatorConfig

ACCOUNT = "AC" + "3" * 32
TOKEN = "paced-reads-token"
PROFILES = 14
SERVER_RATE = 10.0
CLIENT_RATE = 8.0


def _seed() -> dict:
    numbers = [f"+1415555{i:04d}" for i in range(PROFILES)]
    return {
        "accounts": [
            {
                "sid": ACCOUNT,
                "auth_token": TOKEN,
                "incoming_numbers": numbers,
                "business_profiles": [
                    {"friendly_name": f"Co {i}", "status": "twilio-approved", "phone_numbers": [n]}
                    for i, n in enumerate(numbers)
                ],
            }
        ]
    }


def _manifests(tmp_path: Path) -> str:
    docs = [
        {
            "apiVersion": "cnamctl/v1",
            "kind": "BusinessProfile",
            "name": "co",
            "friendlyName": "Co 0",
        },
        {
            "apiVersion": "cnamctl/v1",
            "kind": "CnamProfile",
            "name": "brand",
            "businessProfile": "co",
            "displayName": "CO BRAND",
            "email": "ops@example.com",
            "phoneNumbers": ["+14155550000"],
        },
    ]
    (tmp_path / "m.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return str(tmp_path)


@contextmanager
def _emulator() -> Iterator[tuple[Emulator, dict[str, str]]]:
    config = EmulatorConfig(rate_limit=SERVER_RATE, review_delay=60.0)
    with Emulator(":memory:", seed=_seed(), config=config) as emu, emu.serve(port=0) as server:
        env = {
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_KEY": "",
            "CNAMCTL_API_URL": server.base_url,
        }
        yield emu, env


def _throttled(emu: Emulator) -> int:
    return int(emu.stats()["responses_by_status"].get("429", 0))


def _run(args: list[str], env: dict[str, str]) -> Result:
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code in (0, 2), result.output
    return result


def test_unpaced_reads_meet_the_limit(tmp_path):
    """The control: the same read without pacing is answered 429 (and retried)."""
    with _emulator() as (emu, env):
        _run(["plan", _manifests(tmp_path)], env)
        assert _throttled(emu) > 0


def test_apply_paces_its_reads_and_its_writes(tmp_path):
    with _emulator() as (emu, env):
        args = ["apply", "--auto-approve", "--format", "json", "--max-rps", str(CLIENT_RATE)]
        result = _run([*args, _manifests(tmp_path)], env)
        doc = json.loads(result.stdout)["accounts"][0]["result"]
        assert doc["ok"] is True and doc["changes"], doc
        assert doc["throttled"] == 0
        assert _throttled(emu) == 0, emu.stats()["responses_by_status"]
        assert emu.stats()["writes"] > 0
