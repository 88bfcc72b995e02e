"""Caller-ID verification is a human step: apply never phones, a plan shows the
caller ID as waiting for a person, and only `verify-caller-ids`, in a terminal,
has Twilio call, shows the code and waits (bounded) until the caller ID appears."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from apply_world import ACCOUNT, World, seed, settings

from cnamctl.cli import caller_ids_cmd


def caller_id(e164: str, name: str) -> dict[str, Any]:
    return {
        "apiVersion": "cnamctl/v1",
        "kind": "OutgoingCallerId",
        "phoneNumber": e164,
        "friendlyName": name,
    }


@pytest.fixture
def callers(make_world: Any) -> World:
    world = make_world(
        seed(
            outgoing_caller_ids=[
                {"phone_number": "+14155550150", "friendly_name": "Old line"},
                {"phone_number": "+14155550199", "friendly_name": "Front desk (old)"},
            ]
        )
    )
    world.declare(
        caller_id("+14155550199", "Front desk"),
        caller_id("+14155550198", "Reception"),
        settings(outgoingCallerIds=True),
    )
    return world


def answer_when_called(world: World, seen: list[str]) -> threading.Thread:
    """A person: waits for Twilio's call, then enters its code."""

    def person() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pending = world.emulator.pending_validations(ACCOUNT)
            if pending:
                seen.append(pending[0]["validation_code"])
                world.emulator.complete_validation(validation_code=pending[0]["validation_code"])
                return
            time.sleep(0.05)

    thread = threading.Thread(target=person, daemon=True)
    thread.start()
    return thread


def test_apply_renames_and_prunes_but_never_phones(callers: World):
    result = callers.apply()
    assert result.exit_code == 0, result.output
    assert callers.emulator.pending_validations(ACCOUNT) == []  # nobody was called
    live = callers.snapshot()
    assert {c.phone_number: c.friendly_name for c in live.caller_ids.values()} == {
        "+14155550199": "Front desk"
    }
    assert "create-validation-request" not in result.output
    assert "waiting for a person" in result.stdout
    hint = f"`cnamctl verify-caller-ids --api-url {callers.base_url} {callers.manifests}`"
    assert f"1 declared caller ID waits for a person to verify: run {hint}" in result.stderr

    # A scheduled drift check: no change, so no drift, and still nobody is called.
    callers.assert_converged()
    plan = callers.cli("plan", "--detailed-exitcode", "--format", "json", str(callers.manifests))
    assert plan.exit_code == 0, plan.output
    assert '"status": "unverified"' in plan.stdout
    assert callers.emulator.pending_validations(ACCOUNT) == []


def test_without_a_terminal_it_explains_and_calls_nobody(callers: World):
    before = callers.writes()
    result = callers.cli("verify-caller-ids", str(callers.manifests))
    assert result.exit_code == 1
    assert "runs only in a terminal" in result.stderr
    assert f"`cnamctl verify-caller-ids --api-url {callers.base_url} {callers.manifests}`" in (
        result.stderr
    )
    assert callers.writes() == before and callers.emulator.pending_validations(ACCOUNT) == []


def test_in_a_terminal_it_calls_shows_the_code_and_waits(
    callers: World, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(caller_ids_cmd, "_interactive", lambda: True)
    codes: list[str] = []
    person = answer_when_called(callers, codes)
    result = callers.cli(
        "verify-caller-ids", "--interval", "0.5", str(callers.manifests), input="y\n"
    )
    person.join(5)
    assert result.exit_code == 0, result.output
    (code,) = codes
    assert "+14155550198 (Reception)" in result.stdout  # what will be called, before asking
    assert f"Twilio is calling +14155550198 now: answer and enter {code}" in result.stdout
    assert "verified +14155550198 (PN" in result.stdout
    assert "1 of 1 caller IDs verified." in result.stdout
    live = callers.snapshot()
    assert live.caller_id_by_e164("+14155550198") is not None
    again = callers.cli("verify-caller-ids", str(callers.manifests))
    assert again.exit_code == 0 and "Every declared caller ID is verified." in again.stdout


def test_nobody_answers_within_the_bound(callers: World, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(caller_ids_cmd, "_interactive", lambda: True)
    started = time.monotonic()
    result = callers.cli(
        "verify-caller-ids",
        "--timeout",
        "1",
        "--interval",
        "0.5",
        str(callers.manifests),
        input="y\n",
    )
    assert time.monotonic() - started < 15  # bounded (the bound itself is 1 s)
    assert result.exit_code == 1
    assert "+14155550198 was not verified within 1 s" in result.stderr
    assert "0 of 1 caller IDs verified." in result.stdout
    assert callers.snapshot().caller_id_by_e164("+14155550198") is None


def test_declining_calls_nobody(callers: World, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(caller_ids_cmd, "_interactive", lambda: True)
    result = callers.cli("verify-caller-ids", str(callers.manifests), input="n\n")
    assert result.exit_code == 1 and "nothing was called" in result.stderr
    assert callers.emulator.pending_validations(ACCOUNT) == []


def test_an_undeclared_number_is_refused_before_any_request(
    callers: World, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(caller_ids_cmd, "_interactive", lambda: True)
    callers.reset_stats()
    result = callers.cli(
        "verify-caller-ids", "--number", "+14155550111", str(callers.manifests), input="y\n"
    )
    assert result.exit_code == 1
    assert "--number +14155550111: not a declared OutgoingCallerId" in result.stderr
    assert callers.emulator.stats()["requests"] == {}
