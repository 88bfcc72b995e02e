"""The shipped drift checks, run for real: the shell of the GitHub workflow's Plan
step and of the GitLab drift job, with the real `cnamctl` against an emulator
whose account holds a CNAM product Twilio rejected (and one that is as declared).

The step's output decides what the workflow does next (open or update the drift
issue, or close it); those expressions are evaluated here with the step's output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cnamctl.emulator import Emulator, EmulatorConfig

ROOT = Path(__file__).resolve().parents[2]
GITOPS = ROOT / "docs" / "gitops"
ACCOUNT = "AC" + "d" * 32
TOKEN = "drift-test-token"
NUMBERS = ["+14155550100", "+14155550101"]

MANIFESTS = textwrap.dedent("""\
    apiVersion: cnamctl/v1
    kind: BusinessProfile
    name: acme
    friendlyName: Acme Corp
    ---
    apiVersion: cnamctl/v1
    kind: CnamProfile
    name: acme-sales
    businessProfile: acme
    email: trust@acme.example
    displayName: ACME SALES
    phoneNumbers: ["+14155550100", "+14155550101"]
    """)


def seed(status: str) -> dict[str, Any]:
    product: dict[str, Any] = {
        "friendly_name": "acme-sales",
        "email": "trust@acme.example",
        "status": status,
        "business_profile": "Acme Corp",
        "display_name": "ACME SALES",
        "phone_numbers": NUMBERS,
    }
    if status == "twilio-rejected":
        product["errors"] = [11009]
    account = {
        "sid": ACCOUNT,
        "auth_token": TOKEN,
        "incoming_numbers": NUMBERS,
        "business_profiles": [{"friendly_name": "Acme Corp", "phone_numbers": NUMBERS}],
        "trust_products": [product],
    }
    return {"accounts": [account]}


@pytest.fixture(params=["twilio-rejected", "twilio-approved"])
def workdir(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Path, dict[str, str], bool]]:
    """A checkout with manifests/, the environment a CI job gives `cnamctl`, and
    whether the account's product is rejected (else it is as declared)."""
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "acme.yaml").write_text(MANIFESTS)
    config = EmulatorConfig(review_mode="manual")
    emulator = Emulator(db_path=":memory:", seed=seed(request.param), config=config)
    with emulator.serve(port=0) as server:
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(tmp_path),
            "NO_COLOR": "1",
            "CNAMCTL_API_URL": server.base_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_KEY": "",  # the workflow passes every secret; unset ones are empty
            "TWILIO_API_SECRET": "",
        }
        yield tmp_path, env, request.param == "twilio-rejected"
    emulator.close()


def run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script],  # GitHub and GitLab run steps with errexit
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def evaluate(expression: str, exitcode: str) -> bool:
    """A workflow expression over steps.plan.outputs.exitcode (``==`` joined by ``||``)."""
    inner = expression.strip().removeprefix("${{").removesuffix("}}").strip()
    sides = [side.strip() for side in inner.split("||")]
    results = []
    for side in sides:
        match = re.fullmatch(r"steps\.plan\.outputs\.exitcode == '(\d)'", side)
        assert match, f"an expression this test does not know: {side!r}"
        results.append(exitcode == match.group(1))
    return any(results)


def test_the_github_drift_workflow_files_an_issue_for_a_rejected_product(workdir):
    cwd, env, rejected = workdir
    workflow = yaml.safe_load((GITOPS / "github-drift.yml").read_text())
    steps = workflow["jobs"]["drift"]["steps"]
    plan_step = next(s for s in steps if s.get("id") == "plan")
    outputs = cwd / "github-output"
    outputs.touch()
    result = run(plan_step["run"], cwd, {**env, "GITHUB_OUTPUT": str(outputs)})
    assert result.returncode == 0, result.stderr  # only exit code 1 fails the job
    (exitcode,) = re.findall(r"^exitcode=(\d)$", outputs.read_text(), re.M)

    issue_step = next(s for s in steps if "github-script" in s.get("uses", ""))
    assert evaluate(issue_step["if"], exitcode)  # the issue step runs, to open or to close
    drift = evaluate(issue_step["env"]["DRIFT"], exitcode)
    report = (cwd / "drift.md").read_text()
    assert "drift.md" in issue_step["with"]["script"]  # the issue body is this report
    if rejected:
        assert exitcode == "2" and drift
        text = " ".join(report.split())
        assert "**CnamProfile `acme-sales`**" in text
        assert "11009 (display name does not meet requirements" in text
        assert "· `manifests/acme.yaml:6`" in text and "(line 11)" in text  # displayName
        assert "not as declared: 1 product rejected by Twilio" in text
    else:
        assert exitcode == "0" and not drift  # as declared: an open issue is closed
        assert "No changes. Live state matches the manifests." in report


def test_the_gitlab_drift_job_files_an_issue_for_a_rejected_product(workdir):
    cwd, env, rejected = workdir
    job = yaml.safe_load((GITOPS / "gitlab-ci.yml").read_text())["drift"]
    calls = cwd / "upsert-calls"
    stub = f"import sys; open({str(calls)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')"
    result = run("\n".join(job["script"]), cwd, {**env, "CNAMCTL_UPSERT": stub})
    if rejected:
        assert result.returncode == 2, result.stderr  # allow_failure: a warning, not red
        assert 2 in job["allow_failure"]["exit_codes"]
        assert calls.read_text() == "issue drift.md\n"
        assert "11009" in (cwd / "drift.md").read_text()
    else:
        assert result.returncode == 0, result.stderr
        assert not calls.exists()
