"""``cnamctl emulator serve`` and ``cnamctl emulator seed-example``."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import requests
import yaml
from click.testing import CliRunner

from cnamctl.cli import main
from cnamctl.emulator.storage.seed import load_seed

SERVE = "from cnamctl.cli import main; main(prog_name='cnamctl')"


def test_seed_example_is_a_valid_seed():
    result = CliRunner().invoke(main, ["emulator", "seed-example"])
    assert result.exit_code == 0
    assert load_seed(yaml.safe_load(result.output)).accounts


def test_bad_seed_is_a_usage_error(tmp_path):
    seed = tmp_path / "bad.yaml"
    seed.write_text("accounts: [{sid: nope}]\n")
    result = CliRunner().invoke(main, ["emulator", "serve", "--seed", str(seed), "--port", "0"])
    assert result.exit_code == 1
    assert "error:" in result.output and "invalid seed" in result.output


@contextmanager
def serving(*args: str, code: str = SERVE) -> Iterator[tuple[str, list[str]]]:
    """Run ``cnamctl emulator serve --port 0 ARGS``; (base URL, output lines) while it
    runs. Interrupted with SIGINT on exit, which must stop it cleanly."""
    command = [sys.executable, "-c", code, "emulator", "serve", "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    lines: list[str] = []
    try:
        lines.append(process.stdout.readline())
        assert "listening on http://127.0.0.1:" in lines[0], lines[0]
        while "Ctrl-C to stop" not in lines[-1]:  # the banner is out: serving
            lines.append(process.stdout.readline())
            assert lines[-1], lines
        yield lines[0].strip().rsplit(" ", 1)[-1], lines
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=10)
        lines.extend(output.splitlines())
    assert process.returncode == 0, output


def test_serve_runs_until_interrupted(tmp_path):
    db = tmp_path / "emu.sqlite"
    with serving("--db", str(db), "--review-delay", "0") as (base_url, lines):
        health = requests.get(f"{base_url}/_emulator/health", timeout=5).json()
        assert health["accounts"] == ["AC0123456789abcdef0123456789abcdef"]
        answer = requests.get(
            f"{base_url}/v1/CustomerProfiles",
            auth=("AC0123456789abcdef0123456789abcdef", "demo-auth-token"),
            timeout=5,
        )
        assert [p["friendly_name"] for p in answer.json()["results"]] == ["Acme Corp"]
    output = "\n".join(lines)
    assert "account AC0123456789abcdef0123456789abcdef" in output
    assert "seeded from the demo seed" in output
    assert "demo-auth-token" not in output
    assert lines[-1] == "stopped"
    assert db.exists()
    # A second run on the same database keeps its state and ignores the seed.
    with serving("--db", str(db)) as (_, lines):
        pass
    assert any("existing state kept" in line for line in lines)


def test_serve_stops_on_sigint_even_started_as_a_background_job():
    """A shell starts background jobs with SIGINT ignored, and Python keeps it so."""
    ignoring = "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); " + SERVE
    with serving(code=ignoring) as (_, lines):
        pass
    assert lines[-1] == "stopped"


def test_serve_options_reach_the_emulator(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        yaml.safe_dump(
            {
                "accounts": [
                    {"sid": "AC" + "1" * 32, "auth_token": "t", "incoming_numbers": [{"count": 3}]}
                ]
            }
        )
    )
    options = [
        "--host", "127.0.0.1", "--seed", str(seed), "--latency-ms", "5", "--rate-limit", "50",
        "--fault-rate", "0.25", "--fault-seed", "9", "--review-mode", "manual",
        "--review-delay", "7", "--auto-verify-caller-ids",
    ]  # fmt: skip
    with serving(*options) as (base_url, lines):
        config = requests.get(f"{base_url}/_emulator/config", timeout=5).json()
        health = requests.get(f"{base_url}/_emulator/health", timeout=5).json()
    assert {k: config[k] for k in ("latency_ms", "rate_limit", "fault_rate", "fault_seed")} == {
        "latency_ms": 5,
        "rate_limit": 50,
        "fault_rate": 0.25,
        "fault_seed": 9,
    }
    assert (config["review_mode"], config["review_delay"]) == ("manual", 7)
    assert config["auto_verify_caller_ids"] is True
    assert health["accounts"] == ["AC" + "1" * 32] and health["db"] == ":memory:"
    assert f"seeded from {seed}" in "\n".join(lines)
