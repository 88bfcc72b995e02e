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
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

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


class _FakeGitLab:
    """The four GitLab API calls of CNAMCTL_FETCH_PLAN, and an artifact store on
    another host that the archive download is redirected to."""

    def __init__(self, archive: bytes):
        self.archive = archive
        self.seen: list[tuple[str, str, str | None]] = []  # (server, path, PRIVATE-TOKEN)
        self.api = self._server("api", self._api)
        self.store = self._server("store", self._store)

    def _server(self, label: str, route: Any) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.seen.append((label, self.path, self.headers.get("PRIVATE-TOKEN")))
                status, headers, body = route(self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def url(self, server: ThreadingHTTPServer) -> str:
        return f"http://127.0.0.1:{server.server_address[1]}"

    def _api(self, path: str) -> tuple[int, dict[str, str], bytes]:
        project = "/api/v4/projects/7"
        answers: dict[str, Any] = {
            f"{project}/repository/commits/abc123/merge_requests": [
                {"iid": 3, "state": "opened"},
                {"iid": 5, "state": "merged"},
            ],
            f"{project}/merge_requests/5/pipelines?per_page=100": [{"id": 99}, {"id": 98}],
            f"{project}/pipelines/99/jobs?scope=success&per_page=100": [],  # its plan failed
            f"{project}/pipelines/98/jobs?scope=success&per_page=100": [
                {"id": 41, "name": "validate", "web_url": "x"},
                {"id": 42, "name": "plan", "web_url": "https://gitlab.example/jobs/42"},
            ],
        }
        if path == f"{project}/jobs/42/artifacts":
            return 302, {"Location": f"{self.url(self.store)}/archive.zip?signed=1"}, b""
        if path in answers:
            return 200, {"Content-Type": "application/json"}, json.dumps(answers[path]).encode()
        return 404, {}, b"{}"

    def _store(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/zip"}, self.archive

    def close(self) -> None:
        for server in (self.api, self.store):
            server.shutdown()
            server.server_close()


@contextmanager
def _gitlab(archive: bytes) -> Iterator[_FakeGitLab]:
    fake = _FakeGitLab(archive)
    try:
        yield fake
    finally:
        fake.close()


def _gitlab_env(env: dict[str, str], fake: _FakeGitLab | None = None) -> dict[str, str]:
    variables = {k: v for k, v in _load("gitlab-ci.yml")["variables"].items() if isinstance(v, str)}
    variables["CNAMCTL_UPSERT"] = "pass"  # the merge-request note is not under test here
    extra = {"CI_PROJECT_ID": "7", "CI_COMMIT_SHA": "abc123", "CI_DEFAULT_BRANCH": "main"}
    if fake is not None:
        extra["CI_API_V4_URL"] = f"{fake.url(fake.api)}/api/v4"
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
    api = [(path, token) for server, path, token in fake.seen if server == "api"]
    assert api and all(token == TOKEN for _, token in api)
    store = [token for server, _, token in fake.seen if server == "store"]
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
