"""`cnamctl apply FILE` with files that are not usable plans: every class gets
"FILE is not a usable cnamctl plan: ...", exit 1, no request at all, nothing written,
within seconds; never a fresh plan, a manifest YAML error or a traceback."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .live import NUMBERS, OTHER_ACCOUNT, OTHER_TOKEN, Live, token_env


def _manifests(directory: Path) -> str:
    directory.mkdir(exist_ok=True)
    docs = [
        {
            "apiVersion": "cnamctl/v1",
            "kind": "BusinessProfile",
            "name": "acme",
            "friendlyName": "Acme Corp",
        },
        {
            "apiVersion": "cnamctl/v1",
            "kind": "CnamProfile",
            "name": "acme-sales",
            "businessProfile": "acme",
            "displayName": "ACME SALES",
            "email": "trust@acme.example",
            "phoneNumbers": NUMBERS[:2],
        },
    ]
    (directory / "m.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return str(directory)


@pytest.fixture
def good_plan(live: Live, tmp_path: Path) -> Path:
    path = tmp_path / "good.json"
    result = live.cli(["plan", "-o", str(path), _manifests(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    live.emulator.reset_stats()
    return path


def _refused(live: Live, path: Path, why: str, env: dict[str, str] | None = None) -> None:
    before = live.dump()
    started = time.monotonic()
    result = live.cli(["apply", str(path)], env)
    assert time.monotonic() - started < 10
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path} is not a usable cnamctl plan: "), result.stderr
    assert why in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "missing required key" not in result.stderr
    assert live.requests_seen() == 0  # refused before any request
    assert live.dump() == before


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


CASES: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("empty", lambda good: b"", "it is empty"),
    ("truncated", _truncated, "ends early"),
    ("yaml", lambda good: b"kind: CnamProfile\nname: x\n", "it is not JSON"),
    ("text", lambda good: b"this is not a plan\n", "it is not JSON"),
    ("deep-arrays", lambda good: b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("deep-objects", lambda good: b'{"a":' * 100_000 + b"0" + b"}" * 100_000, "nested too deeply"),
    ("array", lambda good: b"[]", "expected a JSON object"),
    ("other-json", lambda good: b'{"name": "package.json?"}', '"kind": "cnamctl-saved-plan"'),
    ("binary", lambda good: os.urandom(64) + b"\xff", "not UTF-8"),
]


@pytest.mark.parametrize(("name", "make", "why"), CASES, ids=[c[0] for c in CASES])
def test_an_unusable_file_is_refused_as_a_plan_file(
    live: Live, good_plan: Path, name: str, make: Callable[[bytes], bytes], why: str
) -> None:
    path = good_plan.with_name(f"{name}.json")
    path.write_bytes(make(good_plan.read_bytes()))
    _refused(live, path, why)


def test_a_fifo_and_a_device_are_refused_without_reading(live: Live, tmp_path: Path) -> None:
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    _refused(live, fifo, "not a regular file")
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    _refused(live, link, "not a regular file")


def test_a_hand_edited_plan_is_refused(live: Live, good_plan: Path) -> None:
    doc = json.loads(good_plan.read_text())
    for change in doc["accounts"][0]["plan"]["changes"]:
        if change["action"] == "create-trust-product":
            change["params"]["email"] = "attacker@evil.example"
    good_plan.write_text(json.dumps(doc, indent=2))
    _refused(live, good_plan, "it was changed after `cnamctl plan` wrote it")


def test_raised_safety_thresholds_are_refused(live: Live, good_plan: Path) -> None:
    doc = json.loads(good_plan.read_text())
    doc["accounts"][0]["plan"]["safety"] = {
        "max_delete_percent": 100.0,
        "max_unassign_percent": 100.0,
        "min_existing": 1_000_000,
    }
    good_plan.write_text(json.dumps(doc, indent=2))
    _refused(live, good_plan, "it was changed after `cnamctl plan` wrote it")


def test_another_accounts_plan_says_so(live: Live, good_plan: Path) -> None:
    env = {**token_env(live.base_url), "TWILIO_ACCOUNT_SID": OTHER_ACCOUNT}
    env["TWILIO_AUTH_TOKEN"] = OTHER_TOKEN
    before = live.dump()
    result = live.cli(["apply", str(good_plan)], env)
    assert result.exit_code == 1
    assert f"{good_plan} holds the plan of another account" in result.stderr
    assert f"the credentials are for {OTHER_ACCOUNT}" in result.stderr
    assert live.writes() == 0 and live.dump() == before


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(cut=st.integers(min_value=0, max_value=10_000), junk=st.binary(max_size=20))
def test_any_prefix_with_junk_is_refused(live: Live, good_plan: Path, cut: int, junk: Any) -> None:
    whole = good_plan.read_bytes()
    damaged = good_plan.with_name("damaged.json")
    damaged.write_bytes(whole[: cut % len(whole)] + junk)
    live.emulator.reset_stats()
    _refused(live, damaged, "")
