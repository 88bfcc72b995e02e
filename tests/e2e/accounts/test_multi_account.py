"""Several accounts in one repository: planned together, each on its own."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.cli_env import settle_seconds
from support.seeds import MULTI_ACCOUNTS, MULTI_TOKENS, multi_account_seed

from cnamctl.cli import main
from cnamctl.emulator import Emulator
from cnamctl.twilio import Credentials, make_client

A, B, C = MULTI_ACCOUNTS
TOKENS = MULTI_TOKENS


def _account_dir(root: Path, name: str, sid: str, index: int, token_env: str) -> None:
    d = root / name
    d.mkdir(parents=True)
    (d / "account.yaml").write_text(
        f"apiVersion: cnamctl/v1\nkind: Account\nname: {name}\nsid: {sid}\n"
        f"credentials:\n  authTokenEnv: {token_env}\n"
    )
    (d / "cnam.yaml").write_text(
        textwrap.dedent(
            f"""\
            apiVersion: cnamctl/v1
            kind: BusinessProfile
            name: main
            friendlyName: Co {sid[2]}
            ---
            apiVersion: cnamctl/v1
            kind: CnamProfile
            name: brand
            businessProfile: main
            displayName: BRAND {name.upper()[-1]}
            email: ops@example.com
            phoneNumbers: ["+1415555{index}100"]
            """
        )
    )


@pytest.fixture
def workspace(tmp_path, emulators):
    # reviews outlast the test: status is asserted while they are pending
    running = emulators.start(multi_account_seed(), realistic=True, review_delay=3600)
    emu = running.emu
    root = tmp_path / "accounts"
    for i, (name, sid) in enumerate((("customer-a", A), ("customer-b", B), ("customer-c", C))):
        _account_dir(root, name, sid, i, f"TOKEN_{name[-1].upper()}")
    env = {
        "CNAMCTL_API_URL": running.base_url,
        "TOKEN_A": TOKENS[A],
        "TOKEN_B": "wrong-token",  # customer-b fails
        "TOKEN_C": TOKENS[C],
        "CNAMCTL_SETTLE_SECONDS": settle_seconds(),
    }
    yield emu, root, env


def test_each_account_is_planned_and_one_failure_hides_nothing(workspace):
    _emu, root, env = workspace
    result = CliRunner().invoke(main, ["plan", "--format", "json", str(root)], env=env)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    by_name = {a["name"].split(" ")[0]: a for a in doc["accounts"]}
    assert sorted(by_name) == ["customer-a", "customer-b", "customer-c"]
    for name, sid in (("customer-a", A), ("customer-c", C)):
        plan = by_name[name]["plan"]
        assert plan["account_sid"] == sid
        assert plan["summary"]["create-trust-product"] == 1
        assert by_name[name]["error"] is None
    assert by_name["customer-b"]["plan"] is None
    assert "401" in by_name["customer-b"]["error"]
    assert f"error: customer-b ({B}):" in result.stderr
    assert "wrong-token" not in result.output + result.stderr


def test_apply_per_account_then_plans_are_empty(workspace):
    emu, root, env = workspace
    env = {**env, "TOKEN_B": TOKENS[B]}
    runner = CliRunner()
    applied = runner.invoke(main, ["apply", "--auto-approve", str(root)], env=env)
    assert applied.exit_code == 0, applied.output
    emu.catch_up()  # the realism switch's lag: time passes between two commands
    again = runner.invoke(
        main, ["plan", "--detailed-exitcode", "--format", "json", str(root)], env=env
    )
    assert again.exit_code == 0, again.output
    for account in json.loads(again.stdout)["accounts"]:
        assert account["plan"]["changes"] == []


def test_text_output_is_grouped_by_account(workspace):
    _, root, env = workspace
    env = {**env, "TOKEN_B": TOKENS[B]}
    result = CliRunner().invoke(main, ["plan", str(root)], env=env)
    assert result.exit_code == 0
    headers = [line for line in result.stdout.splitlines() if line.startswith("=== ")]
    assert headers == [
        f"=== customer-a ({A}) ===",
        f"=== customer-b ({B}) ===",
        f"=== customer-c ({C}) ===",
    ]


PARENT, SUB = "AC" + "d" * 32, "AC" + "e" * 32


def _parent_and_subaccount(tmp_path, **parent: Any) -> tuple[dict, Path]:
    """A parent account (``parent``: more of its seed) with one subaccount, and a
    manifest tree whose Account document for the subaccount has no credentials."""
    seed = {
        "accounts": [
            {"sid": PARENT, "auth_token": "parent-token", **parent},
            {
                "sid": SUB,
                "auth_token": "sub-token",
                "owner_account_sid": PARENT,
                "incoming_numbers": ["+14155553100"],
                "business_profiles": [{"friendly_name": "Co e", "status": "twilio-approved"}],
            },
        ]
    }
    root = tmp_path / "repo"
    _account_dir(root, "customer-e", SUB, 3, "UNUSED")
    account_file = root / "customer-e" / "account.yaml"
    account_file.write_text(account_file.read_text().split("credentials:")[0])
    return seed, root


def test_parent_credentials_act_on_a_subaccount(tmp_path):
    parent, sub = PARENT, SUB
    seed, root = _parent_and_subaccount(tmp_path)
    with Emulator(db_path=":memory:", seed=seed) as emu, emu.serve(port=0) as server:
        env = {
            "CNAMCTL_API_URL": server.base_url,
            "TWILIO_ACCOUNT_SID": parent,
            "TWILIO_AUTH_TOKEN": "parent-token",
        }
        result = CliRunner().invoke(main, ["plan", "--format", "json", str(root)], env=env)
        assert result.exit_code == 0, result.output
        (account,) = json.loads(result.stdout)["accounts"]
        assert account["plan"]["account_sid"] == sub
        assert "sub-token" not in result.output

        env["TWILIO_AUTH_TOKEN"] = "wrong"
        result = CliRunner().invoke(main, ["plan", str(root)], env=env)
        assert result.exit_code == 1
        assert f"credentials of {parent} cannot act on it" in result.stderr


def test_status_reports_every_account(workspace):
    emu, root, env = workspace
    runner = CliRunner()
    ok_env = {**env, "TOKEN_B": TOKENS[B]}
    assert runner.invoke(main, ["apply", "--auto-approve", str(root)], env=ok_env).exit_code == 0
    emu.catch_up()  # the realism switch's lag: time passes between two commands
    result = runner.invoke(main, ["status", "--format", "json", str(root)], env=env)
    assert result.exit_code == 1  # customer-b's token is wrong
    accounts = {a["name"].split(" ")[0]: a for a in json.loads(result.stdout)["accounts"]}
    for name in ("customer-a", "customer-c"):
        (profile,) = accounts[name]["status"]["profiles"]
        assert profile["name"] == "brand" and profile["status"] == "pending-review"
    assert accounts["customer-b"]["status"] is None
    assert "401" in accounts["customer-b"]["error"]


def _names(doc: dict) -> dict:
    return {a["name"].split(" ")[0]: a for a in doc["accounts"]}


def test_one_saved_plan_holds_every_account_and_each_is_checked_on_its_own(workspace, tmp_path):
    emu, root, env = workspace
    env = {**env, "TOKEN_B": TOKENS[B]}
    runner = CliRunner()
    path = tmp_path / "plan.json"
    planned = runner.invoke(main, ["plan", "-o", str(path), str(root)], env=env)
    assert planned.exit_code == 0, planned.output
    saved = json.loads(path.read_text())
    assert [a["name"].split(" ")[0] for a in saved["accounts"]] == [
        "customer-a",
        "customer-b",
        "customer-c",
    ]
    assert {a["plan"]["account_sid"] for a in saved["accounts"]} == {A, B, C}

    # Someone renames a number of customer-b meanwhile: only b is stale.
    numbers = _client(env["CNAMCTL_API_URL"], B).api.v2010.accounts(B).incoming_phone_numbers
    (branded,) = numbers.list(phone_number="+14155551100")
    numbers(branded.sid).update(friendly_name="moved")
    emu.catch_up()

    result = runner.invoke(main, ["apply", "--format", "json", str(path)], env=env)
    assert result.exit_code == 1
    accounts = _names(json.loads(result.stdout))
    for name in ("customer-a", "customer-c"):
        assert accounts[name]["error"] is None
        assert accounts[name]["result"]["ok"] and accounts[name]["result"]["summary"]["applied"]
    assert accounts["customer-b"]["result"] is None
    assert "stale plan: 1 object changed" in accounts["customer-b"]["error"]
    assert f"error: customer-b ({B}): stale plan" in result.stderr
    assert f"number '+14155551100' ({branded.sid}):" in result.stderr
    assert '    friendly_name: "' in result.stderr and '-> "moved"' in result.stderr

    # a and c are done; b plans again, and one more saved plan applies it.
    emu.catch_up()
    again = runner.invoke(main, ["plan", "-o", str(path), str(root)], env=env)
    assert again.exit_code == 0, again.output
    applied = runner.invoke(main, ["apply", str(path)], env=env)
    assert applied.exit_code == 0, applied.output
    assert "=== customer-b" in applied.stdout
    emu.catch_up()
    final = runner.invoke(main, ["plan", "--detailed-exitcode", str(root)], env=env)
    assert final.exit_code == 0, final.output


def test_an_account_that_could_not_be_planned_is_saved_with_its_error(workspace, tmp_path):
    _emu, root, env = workspace  # customer-b's token is wrong
    runner = CliRunner()
    path = tmp_path / "plan.json"
    planned = runner.invoke(main, ["plan", "-o", str(path), str(root)], env=env)
    assert planned.exit_code == 1  # the plan job fails, and the file says why
    b = _names(json.loads(path.read_text()))["customer-b"]
    assert b["plan"] is None and "401" in b["error"]
    result = runner.invoke(main, ["apply", "--format", "json", str(path)], env=env)
    assert result.exit_code == 1
    accounts = _names(json.loads(result.stdout))
    assert accounts["customer-a"]["result"]["ok"] and accounts["customer-c"]["result"]["ok"]
    assert accounts["customer-b"]["error"].startswith(f"it was not planned when {path} was saved")
    assert "wrong-token" not in result.output + path.read_text()


def _client(url, sid):
    return make_client(Credentials(sid, sid, TOKENS[sid]), url)


def test_the_prompt_names_every_account_and_the_target(workspace, monkeypatch):
    from cnamctl.cli import apply_cmd

    _emu, root, env = workspace
    env = {**env, "TOKEN_B": TOKENS[B]}
    monkeypatch.setattr(apply_cmd, "_stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(main, ["apply", str(root)], env=env, input="n\n")
    assert result.exit_code == 1
    accounts = f"customer-a ({A}), customer-b ({B}), customer-c ({C})"
    assert f"to 3 accounts ({accounts}) on emulator at {env['CNAMCTL_API_URL']}?" in result.stderr


@pytest.mark.parametrize("kind", ["standard", "main"])
def test_a_standard_api_key_of_the_parent_is_told_what_to_give_instead(tmp_path, kind):
    """The parent's API key must read the subaccount's auth token
    (``GET /2010-04-01/Accounts/{Sid}.json``): a Main key can, a Standard key gets
    401 / 20003, and the message names every way out (docs/exit-codes.md)."""
    parent, sub = PARENT, SUB
    key, secret = "SK" + "5" * 32, "key-secret"
    api_keys = [{"sid": key, "secret": secret, "kind": kind}]
    seed, root = _parent_and_subaccount(tmp_path, api_keys=api_keys)
    with Emulator(db_path=":memory:", seed=seed) as emu, emu.serve(port=0) as server:
        env = {
            "CNAMCTL_API_URL": server.base_url,
            "TWILIO_ACCOUNT_SID": parent,
            "TWILIO_API_KEY": key,
            "TWILIO_API_SECRET": secret,
            "TWILIO_AUTH_TOKEN": "",
        }
        result = CliRunner().invoke(main, ["plan", "--format", "json", str(root)], env=env)
    (account,) = json.loads(result.stdout)["accounts"]
    assert secret not in result.output and "sub-token" not in result.output
    if kind == "main":
        assert result.exit_code == 0, result.output
        assert account["plan"]["account_sid"] == sub
    else:
        assert result.exit_code == 1
        assert account["plan"] is None
        assert "(HTTP 401, code 20003)" in result.stderr
        assert "Main API key" in result.stderr and "TWILIO_AUTH_TOKEN" in result.stderr
