"""The plan-on-review, apply-on-merge flow of docs/gitops/, run for real: the shell
of each job (as written in the YAML) with bash, the real `cnamctl`, an emulator as
Twilio and, for GitLab, a stand-in of the GitLab API serving the plan job's
artifacts. The artifact the plan job keeps is what the apply job applies; changed
manifests on the default branch stop the apply before any write."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from gitlab_fake import FakeGitLab, gitlab

from cnamctl.emulator import Emulator, EmulatorConfig
from cnamctl.twilio.embedded import demo_credentials, demo_seed_path

ROOT = Path(__file__).resolve().parents[2]
GITOPS = ROOT / "docs" / "gitops"
TOKEN = "glpat-not-for-the-artifact-store"


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((GITOPS / name).read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture
def twilio() -> Iterator[tuple[Emulator, dict[str, str]]]:
    creds = demo_credentials()
    emulator = Emulator(
        db_path=":memory:",
        seed=str(demo_seed_path()),
        config=EmulatorConfig(review_mode="auto-approve", review_delay=0.2),
    )
    with emulator, emulator.serve(port=0) as server:
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", "/tmp"),
            "TWILIO_ACCOUNT_SID": creds.account_sid,
            "TWILIO_AUTH_TOKEN": creds.password,
            "CNAMCTL_API_URL": server.base_url,
            "CNAMCTL_PLAN_KEY": "ci-secret-for-signing-plans-0123456789",
            "NO_COLOR": "1",
        }
        yield emulator, env


def _checkout(tmp_path: Path, name: str) -> Path:
    """A checkout of the repository's example manifests."""
    directory = tmp_path / name
    shutil.copytree(ROOT / "manifests", directory / "manifests")
    return directory


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def _writes(emulator: Emulator) -> int:
    return int(emulator.stats()["writes"])


# --- GitHub -----------------------------------------------------------------------


def _steps(name: str, job: str) -> dict[str, dict[str, Any]]:
    steps = _load(name)["jobs"][job]["steps"]
    return {s.get("name", s.get("uses", "")): s for s in steps}


def test_github_apply_applies_the_artifact_the_plan_workflow_kept(tmp_path: Path, twilio: Any):
    emulator, env = twilio
    plan_workflow = _load("github-plan-comment.yml")
    review = _checkout(tmp_path, "pull-request")
    output = tmp_path / "github-output"
    plan_env = {**env, "GITHUB_OUTPUT": str(output), **plan_workflow["env"]}
    planned = _bash(_steps("github-plan-comment.yml", "plan")["Plan"]["run"], review, plan_env)
    assert planned.returncode == 0, planned.stderr
    assert output.read_text() == "exitcode=2\n"  # changes: the artifact is kept
    assert "## cnamctl plan" in (review / "plan.md").read_text()
    assert _writes(emulator) == 0

    main = _checkout(tmp_path, "main")  # the merge: same manifests
    for artifact in ("plan.json", "plan.tree"):  # what download-artifact restores
        shutil.copy(review / artifact, main / artifact)
    apply_steps = _steps("github-apply.yml", "apply")
    apply_env = {**env, **_load("github-apply.yml")["env"], "PR": "7"}
    check = _bash(
        apply_steps["Check that main has the manifests that were planned"]["run"], main, apply_env
    )
    assert check.returncode == 0, check.stdout + check.stderr
    applied = _bash(apply_steps["Apply the reviewed plan"]["run"], main, apply_env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete" in applied.stdout and _writes(emulator) > 0


def test_github_apply_stops_when_main_has_other_manifests(tmp_path: Path, twilio: Any):
    emulator, env = twilio
    review = _checkout(tmp_path, "pull-request")
    plan_env = {
        **env,
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        **_load("github-plan-comment.yml")["env"],
    }
    assert (
        _bash(_steps("github-plan-comment.yml", "plan")["Plan"]["run"], review, plan_env).returncode
        == 0
    )
    main = _checkout(tmp_path, "main")
    (main / "manifests" / "later.yaml").write_text("# merged after the plan\n")
    shutil.copy(review / "plan.tree", main / "plan.tree")
    check = _bash(
        _steps("github-apply.yml", "apply")["Check that main has the manifests that were planned"][
            "run"
        ],
        main,
        {**env, **_load("github-apply.yml")["env"], "PR": "7"},
    )
    assert check.returncode == 1
    assert "manifests/ on main differ from those planned on #7" in check.stdout
    assert _writes(emulator) == 0


# --- GitLab -----------------------------------------------------------------------


def _gitlab(archive: bytes) -> Any:
    """The four GitLab API calls of CNAMCTL_FETCH_PLAN; the archive on another host."""
    answers = {
        "/repository/commits/abc123/merge_requests": [
            {"iid": 3, "state": "opened"},
            {"iid": 5, "state": "merged"},
        ],
        "/merge_requests/5/pipelines?per_page=100": [{"id": 99}, {"id": 98}],
        "/pipelines/99/jobs?scope=success&per_page=100": [],  # its plan failed
        "/pipelines/98/jobs?scope=success&per_page=100": [
            {"id": 41, "name": "validate", "web_url": "x"},
            {"id": 42, "name": "plan", "web_url": "https://gitlab.example/jobs/42"},
        ],
    }
    return gitlab(answers, {42: archive})


def _gitlab_env(env: dict[str, str], fake: FakeGitLab | None = None) -> dict[str, str]:
    variables = {k: v for k, v in _load("gitlab-ci.yml")["variables"].items() if isinstance(v, str)}
    variables["CNAMCTL_UPSERT"] = "pass"  # the merge-request note is not under test here
    extra = {"CI_PROJECT_ID": "7", "CI_COMMIT_SHA": "abc123", "CI_DEFAULT_BRANCH": "main"}
    if fake is not None:
        extra["CI_API_V4_URL"] = fake.api_url
    return {**env, **variables, **extra, "CNAMCTL_GITLAB_TOKEN": TOKEN}


def _job(name: str) -> str:
    return "\n".join(_load("gitlab-ci.yml")[name]["script"])


def _artifacts(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in _load("gitlab-ci.yml")["plan"]["artifacts"]["paths"]:
            archive.write(directory / name, name)
    return buffer.getvalue()


def test_gitlab_apply_fetches_and_applies_the_merge_requests_plan(tmp_path: Path, twilio: Any):
    emulator, env = twilio
    review = _checkout(tmp_path, "merge-request")
    planned = _bash(_job("plan"), review, _gitlab_env(env))
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert json.loads((review / "plan.json").read_text())["integrity"]["method"] == "hmac-sha256"
    main = _checkout(tmp_path, "main")
    with _gitlab(_artifacts(review)) as fake:
        applied = _bash(_job("apply"), main, _gitlab_env(env, fake))
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "applying the plan reviewed on !5: https://gitlab.example/jobs/42" in applied.stdout
    assert "Apply complete" in applied.stdout and _writes(emulator) > 0
    api = [(seen.path, seen.token) for seen in fake.seen if seen.server == "api"]
    assert api and all(token == TOKEN for _, token in api)
    store = [seen.token for seen in fake.seen if seen.server == "store"]
    assert store == [None]  # the token never went to the artifact store's host


def test_gitlab_apply_refuses_a_plan_of_other_manifests(tmp_path: Path, twilio: Any):
    emulator, env = twilio
    review = _checkout(tmp_path, "merge-request")
    assert _bash(_job("plan"), review, _gitlab_env(env)).returncode == 0
    main = _checkout(tmp_path, "main")
    (main / "manifests" / "later.yaml").write_text("# merged after the plan\n")
    with _gitlab(_artifacts(review)) as fake:
        result = _bash(_job("apply"), main, _gitlab_env(env, fake))
    assert result.returncode == 1
    assert "manifests/ on main differ from those planned" in result.stdout
    assert _writes(emulator) == 0


def test_gitlab_apply_refuses_a_tampered_artifact(tmp_path: Path, twilio: Any):
    emulator, env = twilio
    review = _checkout(tmp_path, "merge-request")
    assert _bash(_job("plan"), review, _gitlab_env(env)).returncode == 0
    doc = json.loads((review / "plan.json").read_text())
    doc["accounts"][0]["plan"]["safety"] = {"max_delete_percent": 100, "max_unassign_percent": 100}
    (review / "plan.json").write_text(json.dumps(doc))
    main = _checkout(tmp_path, "main")
    with _gitlab(_artifacts(review)) as fake:
        result = _bash(_job("apply"), main, _gitlab_env(env, fake))
    assert result.returncode == 1
    assert "plan.json is not a usable cnamctl plan: it was changed" in result.stderr
    assert _writes(emulator) == 0
