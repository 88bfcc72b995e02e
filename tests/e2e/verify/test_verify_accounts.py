"""`cnamctl verify` over several accounts (Account documents): each verified with its
own credentials, concurrently; one failing is reported beside the others; one budget
for the whole run."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.seeds import MULTI_ACCOUNTS, MULTI_TOKENS, cnam_product, multi_account_seed

from cnamctl.cli import main

LOOKUP = "GET /v2/PhoneNumbers/{PhoneNumber}"


def seed() -> dict:
    data = multi_account_seed()
    for account in data["accounts"]:
        profile = account["business_profiles"][0]
        number = account["incoming_numbers"][0]
        profile["phone_numbers"] = [number]
        brand = f"BRAND {account['sid'][2].upper()}"
        account["trust_products"] = [
            cnam_product("brand", profile["friendly_name"], brand, [number],
                         email="ops@example.com", status="twilio-approved")
        ]  # fmt: skip
    return data


@pytest.fixture
def workspace(tmp_path, emulators):
    running = emulators.start(seed(), realistic=True, cnam_propagation_delay=0)
    root = tmp_path / "accounts"
    for i, sid in enumerate(MULTI_ACCOUNTS):
        name = f"customer-{sid[2]}"
        folder = root / name
        folder.mkdir(parents=True)
        (folder / "cnam.yaml").write_text(
            textwrap.dedent(
                f"""\
                apiVersion: cnamctl/v1
                kind: Account
                name: {name}
                sid: {sid}
                credentials:
                  authTokenEnv: TOKEN_{sid[2].upper()}
                ---
                apiVersion: cnamctl/v1
                kind: BusinessProfile
                name: main
                friendlyName: Co {sid[2]}
                phoneNumbers: ["+1415555{i}100"]
                ---
                apiVersion: cnamctl/v1
                kind: CnamProfile
                name: brand
                businessProfile: main
                displayName: BRAND {sid[2].upper()}
                email: ops@example.com
                phoneNumbers: ["+1415555{i}100"]
                """
            )
        )
    env = {
        "CNAMCTL_API_URL": running.base_url,
        "CNAMCTL_CACHE_DIR": str(tmp_path / "cache"),
        "TOKEN_A": MULTI_TOKENS[MULTI_ACCOUNTS[0]],
        "TOKEN_B": "wrong-token",
        "TOKEN_C": MULTI_TOKENS[MULTI_ACCOUNTS[2]],
    }
    return running, root, env


def verify(root: Path, env: dict[str, str], *args: str):
    return CliRunner().invoke(main, ["verify", *args, str(root)], env=env)


def test_each_account_is_verified_and_one_failure_hides_nothing(workspace):
    running, root, env = workspace
    result = verify(root, env, "--format", "json")
    assert result.exit_code == 1, result.output
    accounts = {a["name"].split(" ")[0]: a for a in json.loads(result.stdout)["accounts"]}
    assert sorted(accounts) == ["customer-a", "customer-b", "customer-c"]
    for name in ("customer-a", "customer-c"):
        (profile,) = accounts[name]["profiles"]
        assert [n["status"] for n in profile["numbers"]] == ["confirmed"]
    assert "401" in accounts["customer-b"]["error"]
    assert accounts["customer-b"]["profiles"] == []
    assert "wrong-token" not in result.output
    assert running.emu.stats()["requests"][LOOKUP] == 2
    text = verify(root, env).stdout
    assert [line for line in text.splitlines() if line.startswith("===")] == [
        f"=== customer-{c} ({sid}) ===" for c, sid in zip("abc", MULTI_ACCOUNTS, strict=True)
    ]


def test_one_budget_for_the_whole_run(workspace):
    running, root, env = workspace
    env = {**env, "TOKEN_B": MULTI_TOKENS[MULTI_ACCOUNTS[1]]}
    result = verify(root, env, "--format", "json", "--max-lookups", "2", "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    statuses = [
        n["status"] for a in document["accounts"] for p in a["profiles"] for n in p["numbers"]
    ]
    assert sorted(statuses) == ["confirmed", "confirmed", "not-checked"]
    assert running.emu.stats()["requests"][LOOKUP] == 2
    assert document["lookups"]["sent"] == 2
