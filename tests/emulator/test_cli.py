"""``cnamctl emulator serve`` and ``cnamctl emulator seed-example``."""

from __future__ import annotations

import signal
import subprocess
import sys

import requests
import yaml
from click.testing import CliRunner

from cnamctl.cli import main
from cnamctl.emulator.seed import load_seed

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


def test_serve_runs_until_interrupted(tmp_path):
    db = tmp_path / "emu.sqlite"
    command = [
        sys.executable,
        "-c",
        SERVE,
        "emulator",
        "serve",
        "--port",
        "0",
        "--db",
        str(db),
        "--review-delay",
        "0",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = process.stdout.readline() if process.stdout else ""
        assert "listening on http://127.0.0.1:" in first, first
        base_url = first.strip().rsplit(" ", 1)[-1]
        health = requests.get(f"{base_url}/_emulator/health", timeout=5).json()
        assert health["accounts"] == ["AC0123456789abcdef0123456789abcdef"]
        answer = requests.get(
            f"{base_url}/v1/CustomerProfiles",
            auth=("AC0123456789abcdef0123456789abcdef", "demo-auth-token"),
            timeout=5,
        )
        assert [p["friendly_name"] for p in answer.json()["results"]] == ["Acme Corp"]
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=10)
    assert process.returncode == 0, output
    assert "account AC0123456789abcdef0123456789abcdef" in output
    assert "demo-auth-token" not in first + output
    assert db.exists()
