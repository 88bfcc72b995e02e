"""`cnamctl plan --read-early` reads the account while the manifests load (live/early.py) with the
default policies only: manifests that manage SHAKEN/STIR or Voice Integrity get a
read of their own policies, never the early snapshot that lacks them."""

from __future__ import annotations

import pytest
from trust_world import NUMBERS, SHAKEN_STIR, World, cnam, shaken

from cnamctl.live.early import EarlyRead
from cnamctl.policies import DEFAULT_POLICIES


def _record_early_reads(monkeypatch: pytest.MonkeyPatch) -> list[EarlyRead]:
    started: list[EarlyRead] = []
    real = EarlyRead.__init__

    def init(self: EarlyRead, endpoint: object) -> None:
        started.append(self)
        real(self, endpoint)  # type: ignore[arg-type]

    monkeypatch.setattr(EarlyRead, "__init__", init)
    return started


def test_a_shaken_stir_profile_is_planned_from_a_read_of_its_policy(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SHAKEN_STIR.policy_sid not in DEFAULT_POLICIES
    world.declare(shaken("acme-calls", NUMBERS[:3]))
    started = _record_early_reads(monkeypatch)
    world.env["CNAMCTL_READ_EARLY"] = "1"
    plan = world.plan_document()
    assert len(started) == 1  # the early read did start ...
    text = world.plan().output
    # ... and the plan still saw the SHAKEN/STIR products the early read did not read
    assert "unmanaged SHAKEN/STIR product" in text, text
    assert plan["changes"], plan


def test_cnam_only_manifests_use_the_early_read(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.declare(cnam("acme-sales", "ACME SALES", NUMBERS[:3]))
    started = _record_early_reads(monkeypatch)
    world.env["CNAMCTL_READ_EARLY"] = "1"
    world.emulator.reset_stats()
    result = world.plan()
    assert result.exit_code == 0, result.output
    assert len(started) == 1
    # one read of the account, not two: no TrustProducts list for another policy
    requests = world.emulator.stats()["requests"]
    incoming = sum(n for key, n in requests.items() if "IncomingPhoneNumbers" in key)
    assert incoming == 1, requests
