"""`cnamctl plan --read-early` reads the account while it loads the manifests
(live/early.py); without it, nothing is read before they have loaded.

No timing: the loader is made to wait until the emulator has seen a request, which
happens only if the read started before the manifests were loaded.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from apply_world import ACCOUNT, number, profile

import cnamctl.manifest
from cnamctl.live import early
from cnamctl.live.early import EarlyRead, may_hold_accounts
from cnamctl.manifest import files


def _loader_waiting_for_a_request(monkeypatch: pytest.MonkeyPatch, world: Any) -> list[int]:
    """Make loading wait (at most 10 s) for the emulator's first request; returns the
    request counts seen when loading started."""
    seen: list[int] = []
    real = cnamctl.manifest.load_workspace

    def load_workspace(paths: Any) -> Any:
        deadline = time.monotonic() + 10
        while world.emulator.stats()["total_requests"] == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(int(world.emulator.stats()["total_requests"]))
        return real(paths)

    monkeypatch.setattr(cnamctl.manifest, "load_workspace", load_workspace)
    return seen


def test_plan_reads_the_account_while_the_manifests_load(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world()
    world.declare(profile("brand", "ACME BRAND", [number(0)]))
    world.emulator.reset_stats()
    seen = _loader_waiting_for_a_request(monkeypatch, world)
    result = world.cli("plan", "--read-early", str(world.manifests))
    assert result.exit_code == 0, result.output
    assert seen and seen[0] > 0  # the read had begun before the manifests were loaded
    assert "brand" in result.output


def test_by_default_nothing_is_read_before_the_manifests_have_loaded(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world()
    world.declare(profile("brand", "ACME BRAND", [number(0)]))
    world.emulator.reset_stats()
    seen: list[int] = []
    real = cnamctl.manifest.load_workspace

    def load_workspace(paths: Any) -> Any:
        seen.append(int(world.emulator.stats()["total_requests"]))
        return real(paths)

    monkeypatch.setattr(cnamctl.manifest, "load_workspace", load_workspace)
    result = world.cli("plan", str(world.manifests))
    assert result.exit_code == 0, result.output
    assert seen == [0]
    assert world.emulator.stats()["total_requests"] > 0  # and then it was read


def test_the_environment_turns_it_on(make_world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    world.declare(profile("brand", "ACME BRAND", [number(0)]))
    world.emulator.reset_stats()
    seen = _loader_waiting_for_a_request(monkeypatch, world)
    world.env["CNAMCTL_READ_EARLY"] = "1"
    result = world.cli("plan", str(world.manifests))
    assert result.exit_code == 0, result.output
    assert seen and seen[0] > 0


def test_a_manifest_problem_comes_first_even_when_the_read_fails(make_world: Any) -> None:
    world = make_world()
    (world.manifests / "cnam.yaml").write_text("apiVersion: cnamctl/v1\nkind: CnamProfile\n")
    world.env["TWILIO_AUTH_TOKEN"] = "wrong-token"
    result = world.cli("plan", "--read-early", str(world.manifests))
    assert result.exit_code == 1
    assert "cnam.yaml:" in result.output and "problem" in result.output
    assert "credentials" not in result.output.lower()


def test_with_an_account_document_nothing_is_read_before_the_manifests(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(EarlyRead, "__init__", lambda self, endpoint: started.append(endpoint))
    world = make_world()
    account = {"apiVersion": "cnamctl/v1", "kind": "Account", "name": "main", "sid": ACCOUNT}
    world.declare(account)
    result = world.cli("plan", "--read-early", str(world.manifests))
    assert result.exit_code == 0, result.output
    assert started == []


# --- which files may name accounts ------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_only_files_without_the_word_let_the_read_start(tmp_path: Path) -> None:
    _write(tmp_path / "m" / "a.yaml", "kind: CnamProfile\n")
    _write(tmp_path / "m" / "notes.txt", "kind: Account\n")  # not a manifest: not read
    _write(tmp_path / "m" / ".hidden" / "b.yaml", "kind: Account\n")  # skipped, as loading does
    assert not may_hold_accounts([str(tmp_path / "m")])
    _write(tmp_path / "m" / "sub" / "c.yml", "kind: Account\nname: main\n")
    assert may_hold_accounts([str(tmp_path / "m")])
    assert may_hold_accounts([str(_write(tmp_path / "one.txt", "Account"))])  # a file given


def test_what_cannot_be_searched_counts_as_holding_accounts(tmp_path: Path) -> None:
    target = _write(tmp_path / "elsewhere" / "x.yaml", "kind: CnamProfile\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "link.yaml").symlink_to(target)
    assert may_hold_accounts([str(tmp_path / "m")])
    assert may_hold_accounts([str(tmp_path / "missing")])
    big = _write(tmp_path / "big" / "a.yaml", "x" * 100)
    assert may_hold_accounts([str(big.parent)], limit=99)
    assert not may_hold_accounts([str(big.parent)], limit=100)


def test_the_search_reads_the_files_the_loader_reads() -> None:
    assert early.SUFFIXES == files.SUFFIXES


def test_an_early_read_is_dropped_when_the_manifests_name_accounts(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An Account document the word search cannot see (its kind written with a YAML
    escape): the early read is stopped, and the account is read as declared."""
    abandoned: list[bool] = []
    real = EarlyRead.abandon

    def abandon(self: EarlyRead) -> None:
        abandoned.append(True)
        real(self)

    monkeypatch.setattr(EarlyRead, "abandon", abandon)
    world = make_world()
    world.declare()
    escaped = f'apiVersion: cnamctl/v1\nkind: "\\x41ccount"\nname: main\nsid: {ACCOUNT}\n'
    (world.manifests / "account.yaml").write_text(escaped)
    assert not may_hold_accounts([str(world.manifests)])
    result = world.cli("plan", "--read-early", str(world.manifests))
    assert result.exit_code == 0, result.output
    assert abandoned == [True]
    assert f"main ({ACCOUNT})" in result.output
