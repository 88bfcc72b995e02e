"""The terminal a Terraform user expects: a prompt that names the account and the
target (``yes`` for real Twilio), -v/-q after the command, -q as documented, hints
with this run's flags, and Ctrl-C twice still giving one JSON document."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from apply_world import ACCOUNT, World, number, profile

from cnamctl.cli import apply_cmd

ROOT = Path(__file__).resolve().parents[3]
NUMBERS = [number(i) for i in range(24)]


def declare(world: World, numbers: list[str] = NUMBERS[:2]) -> None:
    world.declare(profile("acme-sales", "ACME SALES", numbers))


# --- the confirmation -----------------------------------------------------------------


def test_the_prompt_names_the_account_and_the_target(world: World, monkeypatch: pytest.MonkeyPatch):
    declare(world)
    monkeypatch.setattr(apply_cmd, "_stdin_is_terminal", lambda: True)
    declined = world.cli("apply", str(world.manifests), input="n\n")
    assert declined.exit_code == 1 and "apply cancelled; nothing was changed" in declined.stderr
    question = f"changes to account {ACCOUNT} on emulator at {world.base_url}? [y/N]"
    assert question in declined.stderr
    assert world.writes() == 0
    accepted = world.cli("apply", str(world.manifests), input="y\n")
    assert accepted.exit_code == 0, accepted.output
    world.assert_converged()


def test_real_twilio_takes_only_yes(world: World, monkeypatch: pytest.MonkeyPatch):
    declare(world)
    monkeypatch.setattr(apply_cmd, "_stdin_is_terminal", lambda: True)
    monkeypatch.setattr(apply_cmd, "_is_real_twilio", lambda endpoint: True)
    for answer in ("y", "Y", "YES", "ok", ""):
        result = world.cli("apply", str(world.manifests), input=f"{answer}\n")
        assert result.exit_code == 1, answer
        assert "Only 'yes' is accepted" in result.stderr
        assert world.writes() == 0
    result = world.cli("apply", str(world.manifests), input="yes\n")
    assert result.exit_code == 0, result.output


def test_without_a_terminal_the_hint_has_this_runs_flags(world: World):
    declare(world)
    result = world.cli("apply", str(world.manifests))
    assert result.exit_code == 1
    flags = f"--api-url {world.base_url}"
    assert f"`cnamctl apply {flags} --auto-approve {world.manifests}`" in result.stderr
    assert f"`cnamctl plan {flags} {world.manifests} -o plan.json`" in result.stderr


# --- -v and -q ------------------------------------------------------------------------


def test_verbose_and_quiet_work_after_the_command_too(world: World):
    declare(world)
    after = world.cli("plan", "-v", str(world.manifests))
    before = world.cli("plan", str(world.manifests), options=("-v",))
    for result in (after, before):
        assert result.exit_code == 0, result.output
        assert "DEBUG cnamctl.http: GET " in result.stderr
    both = world.cli("plan", "-q", str(world.manifests), options=("-v",))
    assert both.exit_code == 1 and "--verbose and --quiet exclude each other" in both.stderr


def test_quiet_apply_prints_only_errors(world: World, tmp_path: Path):
    declare(world)
    result = world.cli("apply", "--auto-approve", "-q", str(world.manifests))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""  # no plan, progress or summary
    world.assert_converged()


def test_quiet_plan_prints_the_plan_it_was_asked_for(world: World, tmp_path: Path):
    declare(world)
    path = tmp_path / "plan.json"
    result = world.cli("plan", "-q", "-o", str(path), str(world.manifests))
    assert result.exit_code == 0, result.output
    assert "cnamctl plan for account" in result.stdout
    assert result.stderr == ""  # no "Plan saved ..." hint
    assert path.exists()


def test_hints_of_an_embedded_emulator_run_say_emulator(tmp_path: Path, monkeypatch: Any):
    from click.testing import CliRunner

    from cnamctl.cli import main

    monkeypatch.chdir(ROOT)  # the example manifests match the embedded demo account
    env = {"CNAMCTL_EMULATOR_DB": str(tmp_path / "emu.sqlite"), "NO_COLOR": "1"}
    path = tmp_path / "plan.json"
    result = CliRunner().invoke(
        main, ["plan", "--emulator", "-o", str(path), "manifests/"], env=env
    )
    assert result.exit_code == 0, result.output
    assert f"apply it with: cnamctl apply --emulator {path}" in result.stderr
    assert "`cnamctl verify-caller-ids --emulator manifests/`" in result.stderr
    saved = json.loads(path.read_text())
    assert saved["planned_with"]["command"] == f"cnamctl plan --emulator manifests/ -o {path}"


# --- Ctrl-C, once and twice -----------------------------------------------------------


def _wait_for_writes(world: World, count: int) -> None:
    deadline = time.monotonic() + 30
    while world.writes() < count:
        assert time.monotonic() < deadline, "the apply never got going"
        time.sleep(0.01)


def _interrupt_twice(world: World, *args: str) -> tuple[str, str]:
    """Start an apply with requests that take 400 ms, press Ctrl-C twice while
    changes are in flight; the child's stdout and stderr."""
    declare(world, NUMBERS)
    child = world.spawn_apply(*args, "--concurrency", "4")
    _wait_for_writes(world, 6)
    child.send_signal(signal.SIGINT)
    time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 1, out + err
    return out, err


def test_ctrl_c_twice_with_json_still_prints_one_document(make_world: Any):
    world = make_world(latency_ms=400)
    out, err = _interrupt_twice(world, "--format", "json")
    doc = json.loads(out)  # one document, complete, and nothing else
    assert doc["ok"] is False and doc["interrupted"] is True
    ((account),) = doc["accounts"]
    summary = account["result"]["summary"]
    assert summary["applied"] >= 1 and summary["not-run"] >= 1
    assert sum(summary.values()) == len(account["result"]["changes"])
    assert "stopping: " in err and "in flight will finish, nothing new starts" in err
    assert "Traceback" not in err
    world.assert_no_duplicates()
    world.configure(latency_ms=0)
    rerun = world.apply()
    assert rerun.exit_code == 0, rerun.output
    world.assert_converged()


def test_ctrl_c_twice_in_text_says_what_was_applied(make_world: Any):
    world = make_world(latency_ms=400)
    out, err = _interrupt_twice(world)
    assert "Apply interrupted: " in out and " applied" in out
    assert "Not run: " in out and "Traceback" not in out + err
    assert "not waiting for " in out + err
    world.assert_no_duplicates()
