"""docs/verify.md and the drift workflows' verify step stay true: every command line
in the doc parses with the real CLI, and the workflows' verify step, run as CI runs
it, reports and exits as documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from docs_commands import check, command_lines
from support.emulators import EmulatorFactory
from support.seeds import E2E_ACCOUNT as ACCOUNT
from support.seeds import E2E_TOKEN as TOKEN
from support.seeds import apply_seed, cnam_product, e2e_number

from cnamctl.emulator import ManualClock

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3600.0
NUMBERS = [e2e_number(i) for i in range(4)]
MANIFESTS = f"""\
apiVersion: cnamctl/v1
kind: BusinessProfile
name: acme
friendlyName: Acme Corp
phoneNumbers: {NUMBERS}
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: acme-sales
businessProfile: acme
email: trust@acme.example
displayName: ACME SALES
phoneNumbers: {NUMBERS}
"""
DOC = ROOT / "docs" / "verify.md"
GITOPS = ROOT / "docs" / "gitops"


def test_every_command_line_of_the_doc_exists():
    blocks = re.findall(r"```(?:sh|console)\n(.*?)```", DOC.read_text(), re.S)
    lines = [
        c for b in blocks for c in command_lines(b.replace("$ cnamctl", "cnamctl"), "verify.md")
    ]
    assert len(lines) >= 8
    for line in lines:
        assert check(line)[0] == "verify"


def github_verify_step() -> str:
    steps = yaml.safe_load((GITOPS / "github-drift.yml").read_text())["jobs"]["drift"]["steps"]
    (step,) = [s for s in steps if "cnamctl verify" in s.get("run", "")]
    assert "exitcode == '0'" in step["if"] and "exitcode == '2'" in step["if"]
    return str(step["run"])


def gitlab_verify_job() -> dict[str, object]:
    job = yaml.safe_load((GITOPS / "gitlab-ci.yml").read_text())["verify"]
    assert job["stage"] == "drift" and job["allow_failure"] == {"exit_codes": [2]}
    return dict(job)


@pytest.mark.parametrize("delay", [0.0, 30 * 24 * HOUR], ids=["confirmed", "mismatch"])
def test_the_drift_workflows_verify_step(emulators: EmulatorFactory, tmp_path, delay):
    """An account whose product was approved 100 hours ago (on the emulator's clock,
    which then catches up with the real one); its name reached Lookup, or never did."""
    product = cnam_product(
        "acme-sales",
        "Acme Corp",
        "ACME SALES",
        NUMBERS,
        email="trust@acme.example",
        status="twilio-approved",
    )
    seed = apply_seed(numbers=4, trust_products=[product])
    seed["accounts"][0]["business_profiles"][0]["phone_numbers"] = NUMBERS
    clock = ManualClock(start=time.time() - 100 * HOUR)
    running = emulators.start(seed, clock=clock, cnam_propagation_delay=delay)
    clock.advance(100 * HOUR)
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "acme.yaml").write_text(MANIFESTS)
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path / "home"),
        "NO_COLOR": "1",
        "CNAMCTL_API_URL": running.base_url,
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_KEY": "",
        "TWILIO_API_SECRET": "",
    }
    scripts = [github_verify_step(), "\n".join(gitlab_verify_job()["script"])]  # type: ignore[arg-type]
    for script in scripts:
        done = subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == (2 if delay else 0), done.stderr
        assert "## cnamctl verify: caller names in Twilio Lookup" in done.stdout
        assert ("3 mismatch" if delay else "3 confirmed in Twilio Lookup") in done.stdout
    lookups = running.emu.stats()["requests"]["GET /v2/PhoneNumbers/{PhoneNumber}"]
    assert lookups == 3  # the second script reused the first one's answers
    assert (tmp_path / "home" / ".cache" / "cnamctl" / "lookups.json").is_file()
