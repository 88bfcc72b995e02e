"""The fan-out workflows of docs/gitops/, run for real: the shell of each job (as
written in the YAML) with bash and the real `cnamctl`, an emulator holding an ISV's
subaccounts as Twilio, the matrix taken from the first job's output as GitHub
Actions reads it (``fromJSON(...).include``), the comment script run with node, and
for GitLab the generated child pipeline's jobs run from the JSON the parent job
wrote, against a stand-in of the GitLab API. Each job plans or applies only its own
accounts, the artifact a plan job keeps is what its apply job applies, and manifests
or a listing that changed since the review stop the apply before any write."""

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
from gitlab_fake import gitlab
from support.many import parent_env, sub_sid, subaccounts_seed, write_tree

from cnamctl.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
GITOPS = ROOT / "docs" / "gitops"
COUNT = 3
TOKEN = "glpat-fanout"

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node runs github-script")


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((GITOPS / name).read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture
def twilio(emulators: Any) -> Iterator[tuple[Emulator, dict[str, str]]]:
    running = emulators.start(subaccounts_seed(COUNT), review_delay=3600)
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "NO_COLOR": "1",
        "CNAMCTL_PLAN_KEY": "ci-secret-for-signing-plans-0123456789",
        **parent_env(running.base_url),
    }
    yield running.emu, env


def _checkout(tmp_path: Path, name: str) -> Path:
    """A checkout of the repository: the same manifest tree every time."""
    directory = tmp_path / name
    write_tree(directory / "manifests", COUNT)
    return directory


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )


def _writes(emulator: Emulator) -> int:
    return int(emulator.stats()["writes"])


def _converged(cwd: Path, env: dict[str, str]) -> bool:
    done = _bash("cnamctl plan --detailed-exitcode manifests/", cwd, env)
    return done.returncode == 0


# --- GitHub Actions ----------------------------------------------------------------


def _outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: name=value lines and name<<DELIMITER blocks."""
    out: dict[str, str] = {}
    lines = path.read_text().splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            out[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        name, value = line.split("=", 1)
        out[name] = value
        i += 1
    return out


def _step(workflow: str, job: str, name: str) -> dict[str, Any]:
    steps = _load(workflow)["jobs"][job]["steps"]
    return next(s for s in steps if s.get("name") == name)


class GitHubRun:
    """One workflow's jobs, run step by step: the environment the runner gives a step
    (workflow, job and step env, with the job's matrix values put in)."""

    def __init__(self, workflow: str, env: dict[str, str], tmp_path: Path, shards: int):
        self.workflow = workflow
        self.data = _load(workflow)
        self.env = {**env, **{k: str(v) for k, v in self.data["env"].items()}}
        self.env["SHARDS"] = str(shards)
        self.tmp_path = tmp_path

    def step(
        self, job: str, name: str, cwd: Path, matrix: dict[str, Any] | None = None, **extra: str
    ) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
        step = _step(self.workflow, job, name)
        env = dict(self.env)
        for key, value in {
            **self.data["jobs"][job].get("env", {}),
            **step.get("env", {}),
        }.items():
            env[key] = self._value(str(value), matrix or {}, self.env)
        output = cwd / ".github-output"
        output.unlink(missing_ok=True)
        env.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(cwd / ".summary"), **extra)
        return _bash(step["run"], cwd, env), _outputs(output)

    @staticmethod
    def _value(value: str, matrix: dict[str, Any], env: dict[str, str]) -> str:
        """A step's env value: matrix fields put in, a secret as the test's env has it."""
        for key, field in matrix.items():
            value = value.replace(f"${{{{ matrix.{key} }}}}", str(field))
        if value.startswith("${{ secrets."):
            return env.get(value.removeprefix("${{ secrets.").split()[0], "")
        return value


def _matrix(outputs: dict[str, str]) -> list[dict[str, Any]]:
    """``fromJSON(needs.accounts.outputs.matrix).include``"""
    return list(json.loads(outputs["matrix"])["include"])


def _comment(workdir: Path, matrix_json: str) -> list[Any]:
    """The comment job's github-script, run with node in ``workdir`` (its downloads)."""
    script = _load("github-fanout-plan.yml")["jobs"]["comment"]["steps"][1]["with"]["script"]
    (workdir / "script.js").write_text(script)
    context = {
        "repo": {"owner": "isv", "repo": "brands"},
        "issue": {"number": 7},
        "serverUrl": "https://github.com",
        "runId": 123,
        "payload": {"pull_request": {"head": {"sha": "0123456789abcdef"}}},
    }
    (workdir / "context.json").write_text(json.dumps(context))
    done = subprocess.run(
        ["node", str(Path(__file__).with_name("github_script.js")), "script.js", "context.json"],
        cwd=workdir,
        env={**os.environ, "MATRIX": matrix_json},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


@needs_node
def test_github_fanout_plans_per_job_comments_once_and_applies_each_jobs_artifact(
    tmp_path: Path, twilio: Any
):
    emulator, env = twilio
    plan = GitHubRun("github-fanout-plan.yml", env, tmp_path, shards=2)
    review = _checkout(tmp_path, "pull-request")
    validated, _ = plan.step("accounts", "Validate", review)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.startswith(f"{COUNT} accounts, {2 * COUNT} files — valid")
    listed, outputs = plan.step("accounts", "List the accounts", review)
    assert listed.returncode == 0, listed.stderr
    jobs = _matrix(outputs)
    assert [j["key"] for j in jobs] == ["shard-1", "shard-2"]
    assert sorted(s for j in jobs for s in j["sids"]) == [sub_sid(i) for i in range(COUNT)]
    assert "3 accounts, 2 jobs:" in listed.stdout
    listing = {name: (review / name).read_bytes() for name in ("accounts.json", "plan.tree")}

    kept: dict[str, bytes] = {}
    comment_dir = tmp_path / "comment"
    for job in jobs:
        checkout = _checkout(tmp_path, f"plan-{job['key']}")
        done, out = plan.step("plan", "Plan", checkout, job)
        assert done.returncode == 0, done.stderr
        assert out == {"exitcode": "2"}
        saved = json.loads((checkout / "plan.json").read_text())
        assert [a["plan"]["account_sid"] for a in saved["accounts"]] == job["sids"]
        assert "## cnamctl plan" in (checkout / ".summary").read_text()
        kept[job["key"]] = (checkout / "plan.json").read_bytes()
        md = comment_dir / "plans" / f"cnamctl-plan-md-{job['key']}"
        md.mkdir(parents=True)
        for name in ("plan.md", "plan.exitcode"):
            shutil.copy(checkout / name, md / name)
    assert _writes(emulator) == 0

    calls = _comment(comment_dir, outputs["matrix"])
    (created,) = [call[1] for call in calls if call[0] == "issues.createComment"]
    body = created["body"]
    assert body.startswith("<!-- cnamctl-plan -->\n## cnamctl plan: 2 jobs")
    assert "| `shard-1` | 2 | changes |" in body and "| `shard-2` | 1 | changes |" in body
    for job in jobs:
        assert f"<summary>{job['title']}</summary>" in body
    assert body.count("# Account `customer-") == COUNT
    assert created["issue_number"] == 7

    apply = GitHubRun("github-fanout-apply.yml", env, tmp_path, shards=2)
    main = _checkout(tmp_path, "main")
    (main / "planned").mkdir()
    for name, data in listing.items():  # what download-artifact restores
        (main / "planned" / name).write_bytes(data)
    checked, apply_outputs = apply.step("accounts", "List the accounts", main, PR="7")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert _matrix(apply_outputs) == jobs  # the apply jobs are the plan jobs
    for job in jobs:
        checkout = _checkout(tmp_path, f"apply-{job['key']}")
        (checkout / "plan.json").write_bytes(kept[job["key"]])
        applied, _ = apply.step("apply", "Apply the reviewed plan", checkout, job)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert applied.stdout.count("Apply complete") == len(job["accounts"])
        status, _ = apply.step("apply", "Review status", checkout, job)
        assert status.returncode == 0, status.stderr
        assert status.stdout.count("pending-review") == len(job["accounts"])
    emulator.catch_up()
    assert _converged(main, env)


def test_github_fanout_apply_stops_when_main_or_the_listing_differ(tmp_path: Path, twilio: Any):
    emulator, env = twilio
    plan = GitHubRun("github-fanout-plan.yml", env, tmp_path, shards=2)
    review = _checkout(tmp_path, "pull-request")
    assert plan.step("accounts", "List the accounts", review)[0].returncode == 0

    def main_with(name: str, shards: int) -> subprocess.CompletedProcess[str]:
        main = _checkout(tmp_path, name)
        shutil.copytree(review, main / "planned", ignore=shutil.ignore_patterns("manifests"))
        if name == "changed":
            (main / "manifests" / "later.yaml").write_text("# merged after the plan\n")
        apply = GitHubRun("github-fanout-apply.yml", env, tmp_path, shards=shards)
        return apply.step("accounts", "List the accounts", main, PR="7")[0]

    changed = main_with("changed", 2)
    assert changed.returncode == 1
    assert "manifests/ on main differ from those planned on #7" in changed.stdout
    other = main_with("other-shards", 3)
    assert other.returncode == 1
    assert "the plans of #7 were made for other jobs (is SHARDS the same" in other.stdout
    assert _writes(emulator) == 0


def test_github_fanout_apply_by_hand_plans_each_job_from_main(tmp_path: Path, twilio: Any):
    emulator, env = twilio
    apply = GitHubRun("github-fanout-apply.yml", env, tmp_path, shards=0)
    main = _checkout(tmp_path, "main")
    listed, outputs = apply.step("accounts", "List the accounts", main)
    assert listed.returncode == 0, listed.stderr  # no planned/: nothing to compare
    jobs = _matrix(outputs)
    assert [j["sids"] for j in jobs] == [[sub_sid(i)] for i in range(COUNT)]
    for job in jobs:
        done, _ = apply.step("apply", "Plan from main and apply (run by hand)", main, job)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"=== {job['title']} ===" in done.stdout and "Apply complete" in done.stdout
    emulator.catch_up()
    assert _converged(main, env)


# --- GitLab: a generated child pipeline ---------------------------------------------


class GitLabRun:
    """Jobs of gitlab-fanout.yml and of the child pipelines it generates, run with the
    variables GitLab gives them (global, then the job's own; ``{value, expand}``
    forms read as their value)."""

    def __init__(self, env: dict[str, str], api_url: str = "http://127.0.0.1:9"):
        self.pipeline = _load("gitlab-fanout.yml")
        variables = {k: v for k, v in self.pipeline["variables"].items() if isinstance(v, str)}
        variables["CNAMCTL_PIPELINE_FILE"] = str(GITOPS / "gitlab-fanout.yml")
        self.env = {
            **env,
            **variables,
            "CI_PROJECT_ID": "7",
            "CI_COMMIT_SHA": "abc123",
            "CI_DEFAULT_BRANCH": "main",
            "CI_PIPELINE_URL": "https://gitlab.example/isv/brands/-/pipelines/1",
            "CI_API_V4_URL": api_url,
            "CNAMCTL_GITLAB_TOKEN": TOKEN,
        }

    def run(
        self, job: dict[str, Any], cwd: Path, variables: dict[str, Any] | None = None, **ci: str
    ) -> subprocess.CompletedProcess[str]:
        env = {**self.env, **ci}
        for key, value in {**(variables or {}), **job.get("variables", {})}.items():
            env[key] = str(value["value"] if isinstance(value, dict) else value)
        script = "\n".join(job["script"])
        done = _bash(script, cwd, env)
        for line in job.get("after_script", []):
            after = _bash(line, cwd, env)
            assert after.returncode == 0, after.stderr
            done = subprocess.CompletedProcess(
                done.args, done.returncode, done.stdout + after.stdout, done.stderr + after.stderr
            )
        return done


def _child(directory: Path) -> dict[str, Any]:
    data = json.loads((directory / "cnamctl-child.yml").read_text())  # JSON is YAML
    assert yaml.safe_load((directory / "cnamctl-child.yml").read_text()) == data
    return dict(data)


def _zip(directory: Path, paths: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in paths:
            path = directory / name
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            for file in files:
                archive.write(file, str(file.relative_to(directory)))
    return buffer.getvalue()


MR_PIPELINES = {
    "/repository/commits/abc123/merge_requests": [
        {"iid": 3, "state": "opened"},
        {"iid": 5, "state": "merged"},
    ],
    "/merge_requests/5/pipelines?per_page=100&page=1": [{"id": 99}, {"id": 98}],
    "/pipelines/99/bridges?per_page=100&page=1": [  # a plan job of its child failed
        {"name": "plan", "status": "failed", "downstream_pipeline": {"id": 199}}
    ],
    "/pipelines/98/bridges?per_page=100&page=1": [
        {"name": "plan", "status": "success", "downstream_pipeline": {"id": 200}}
    ],
    "/pipelines/200/jobs?scope=success&per_page=100&page=1": [
        {"id": 70, "name": "plan customer-00", "web_url": "x"},
        {"id": 77, "name": "review", "web_url": "https://gitlab.example/jobs/77"},
    ],
    "/merge_requests/5/notes?per_page=100&sort=desc": [],
}


def _plan_on_the_merge_request(tmp_path: Path, env: dict[str, str]) -> tuple[Path, bytes]:
    """The merge-request pipeline: accounts, its child's plan jobs, then review (whose
    note goes to a stand-in GitLab). Returns the review job's checkout and artifact."""
    mr = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "5"}
    parent = GitLabRun(env)
    top = _checkout(tmp_path, "mr-accounts")
    assert parent.run(parent.pipeline["validate"], top, **mr).returncode == 0
    listed = parent.run(parent.pipeline["accounts"], top, **mr, CI_PIPELINE_ID="900")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    child = _child(top)
    include = json.loads((top / "accounts.json").read_text())["include"]
    assert child["stages"] == ["plan", "review"]
    assert [k for k in child if k.startswith("plan ")] == [f"plan {j['key']}" for j in include]
    assert child["variables"]["CNAMCTL_MR_IID"] == "5"

    review_dir = _checkout(tmp_path, "mr-review")
    for job in include:
        checkout = _checkout(tmp_path, f"mr-{job['key']}")
        spec = child[f"plan {job['key']}"]
        assert spec["variables"]["CNAMCTL_PATHS"] == {"value": job["path_lines"], "expand": False}
        planned = parent.run(spec, checkout, child["variables"])
        assert planned.returncode == 0, planned.stdout + planned.stderr
        saved = json.loads((checkout / "plans" / job["key"] / "plan.json").read_text())
        assert [a["plan"]["account_sid"] for a in saved["accounts"]] == job["sids"]
        # the review job gets every earlier job's artifacts (the child's stages)
        shutil.copytree(checkout / "plans", review_dir / "plans", dirs_exist_ok=True)
    with gitlab(MR_PIPELINES) as fake:
        reviewer = GitLabRun(env, fake.api_url)
        done = reviewer.run(child["review"], review_dir, child["variables"])
    assert done.returncode == 0, done.stdout + done.stderr
    (note,) = [s for s in fake.seen if s.method == "POST"]
    assert note.path == "/api/v4/projects/7/merge_requests/5/notes" and note.token == TOKEN
    assert note.body["body"].startswith("<!-- cnamctl-plan -->\n## cnamctl plan: 3 jobs")
    for job in include:
        assert f"| `{job['key']}` | 1 | changes |" in note.body["body"]
    artifact = _zip(review_dir, child["review"]["artifacts"]["paths"])
    return review_dir, artifact


def test_gitlab_fanout_plans_in_a_child_pipeline_and_applies_each_jobs_reviewed_plan(
    tmp_path: Path, twilio: Any
):
    emulator, env = twilio
    _review, artifact = _plan_on_the_merge_request(tmp_path, env)
    assert _writes(emulator) == 0

    main = _checkout(tmp_path, "main")
    with gitlab(MR_PIPELINES, {77: artifact}) as fake:
        parent = GitLabRun(env, fake.api_url)
        fetched = parent.run(
            parent.pipeline["accounts"], main, CI_PIPELINE_SOURCE="push", CI_PIPELINE_ID="901"
        )
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert "applying the plans reviewed on !5: https://gitlab.example/jobs/77" in fetched.stdout
    assert [s.token for s in fake.seen if s.server == "store"] == [None]
    child = _child(main)
    assert child["stages"] == ["apply"]
    include = json.loads((main / "accounts.json").read_text())["include"]
    for job in include:
        spec = child[f"apply {job['key']}"]
        assert spec["needs"] == [{"pipeline": "901", "job": "accounts"}]
        assert spec["resource_group"] == f"cnamctl-apply-{job['key']}"
        checkout = _checkout(tmp_path, f"apply-{job['key']}")
        shutil.copytree(main / "reviewed", checkout / "reviewed")  # needs:pipeline:job
        applied = parent.run(spec, checkout, child["variables"])
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert "Apply complete" in applied.stdout and "pending-review" in applied.stdout
    emulator.catch_up()
    assert _converged(main, env)


def test_gitlab_fanout_apply_refuses_reviewed_plans_of_other_manifests(tmp_path: Path, twilio: Any):
    emulator, env = twilio
    parent = GitLabRun(env)
    review = _checkout(tmp_path, "mr-accounts")  # the review artifact's listing and digest
    mr = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "5"}
    assert parent.run(parent.pipeline["accounts"], review, **mr).returncode == 0
    artifact = _zip(review, ["accounts.json", "plan.tree"])
    main = _checkout(tmp_path, "main")
    (main / "manifests" / "later.yaml").write_text("# merged after the plan\n")
    with gitlab(MR_PIPELINES, {77: artifact}) as fake:
        parent = GitLabRun(env, fake.api_url)
        refused = parent.run(
            parent.pipeline["accounts"], main, CI_PIPELINE_SOURCE="push", CI_PIPELINE_ID="901"
        )
    assert refused.returncode == 1
    assert "manifests/ on main differ from those planned" in refused.stdout
    assert not (main / "cnamctl-child.yml").exists() and _writes(emulator) == 0


def test_gitlab_fanout_by_hand_plans_and_applies_each_job_from_main(tmp_path: Path, twilio: Any):
    emulator, env = twilio
    parent = GitLabRun(env)
    main = _checkout(tmp_path, "main")
    listed = parent.run(
        parent.pipeline["accounts"], main, CI_PIPELINE_SOURCE="web", CI_PIPELINE_ID="902"
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    child = _child(main)
    jobs = [k for k in child if k.startswith("apply-by-hand ")]
    assert len(jobs) == COUNT
    for name in jobs:
        assert "needs" not in child[name]  # plans from main: nothing to fetch
        done = parent.run(child[name], main, child["variables"])
        assert done.returncode == 0, done.stdout + done.stderr
    emulator.catch_up()
    assert _converged(main, env)
