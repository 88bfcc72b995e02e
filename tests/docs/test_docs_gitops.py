"""The copyable CI files in docs/gitops/ and .pre-commit-hooks.yaml.

Each is valid YAML with the structure its CI expects, and every `cnamctl ...`
command line in it names a command and options that exist.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from docs_commands import CommandLine, check, command_lines

from cnamctl.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
GITOPS = ROOT / "docs" / "gitops"
GITHUB_FANOUT = ["github-fanout-plan.yml", "github-fanout-apply.yml"]
GITHUB = ["github-plan-comment.yml", "github-apply.yml", "github-drift.yml", *GITHUB_FANOUT]
GITLAB = ["gitlab-ci.yml", "gitlab-fanout.yml"]
GITLAB_JOB_SCRIPTS = ("before_script", "script", "after_script")


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((GITOPS / name).read_text())
    assert isinstance(data, dict)
    return data


def _github_commands(name: str) -> list[CommandLine]:
    workflow = _load(name)
    found = []
    for job_name, job in workflow["jobs"].items():
        for step in job["steps"]:
            if "run" in step:
                env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
                found += command_lines(step["run"], f"{name}:{job_name}", env)
    return found


def _gitlab_commands(file: str = "gitlab-ci.yml") -> list[CommandLine]:
    """Every cnamctl command of the pipeline's jobs, hidden templates included."""
    pipeline = _load(file)
    found = []
    for name, job in pipeline.items():
        if not isinstance(job, dict):
            continue
        for key in GITLAB_JOB_SCRIPTS:
            for line in job.get(key, []):
                found += command_lines(line, f"{file}:{name}.{key}", pipeline["variables"])
    return found


def test_the_folder_holds_exactly_the_documented_files() -> None:
    assert sorted(p.name for p in GITOPS.iterdir()) == sorted([*GITHUB, *GITLAB])


@pytest.mark.parametrize("name", GITHUB)
def test_github_workflows_are_valid_and_their_commands_exist(name: str) -> None:
    workflow = _load(name)
    assert workflow["name"] and workflow["jobs"]
    assert True in workflow or "on" in workflow  # YAML 1.1 reads a bare `on:` key as True
    commands = _github_commands(name)
    assert commands
    for command in commands:
        check(command)


def test_the_plan_workflow_keeps_one_comment_per_pull_request() -> None:
    workflow = _load("github-plan-comment.yml")
    assert "pull_request" in workflow[True]
    assert workflow["permissions"]["pull-requests"] == "write"
    steps = workflow["jobs"]["plan"]["steps"]
    scripts = "\n".join(s.get("run", "") + s.get("with", {}).get("script", "") for s in steps)
    assert "<!-- cnamctl-plan -->" in scripts
    assert "updateComment" in scripts and "createComment" in scripts
    paths = [c.args for c in _github_commands("github-plan-comment.yml")]
    assert ("validate", "manifests/") in paths
    (plan,) = [a for a in paths if a[0] == "plan"]
    assert "--format" in plan and "markdown" in plan
    assert plan[plan.index("-o") + 1] == "plan.json"  # every account's plan, kept for apply


def test_the_plan_workflow_keeps_the_reviewed_plan_as_an_artifact() -> None:
    workflow = _load("github-plan-comment.yml")
    steps = workflow["jobs"]["plan"]["steps"]
    plan = next(s for s in steps if s.get("id") == "plan")
    assert plan["env"]["CNAMCTL_PLAN_KEY"] == "${{ secrets.CNAMCTL_PLAN_KEY }}"
    assert 'python3 -c "$MANIFESTS_DIGEST" > plan.tree' in plan["run"]
    upload = next(s for s in steps if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == "cnamctl-plan"
    assert upload["with"]["path"].split() == ["plan.json", "plan.tree"]
    assert upload["with"]["retention-days"] == 30
    assert "exitcode == '2'" in upload["if"]  # kept for a plan with changes, not for a failure


def test_the_apply_workflow_never_overlaps_and_applies_the_reviewed_plan_on_main() -> None:
    workflow = _load("github-apply.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in workflow[True]
    assert workflow["concurrency"]["group"] == "cnamctl-apply"
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["permissions"] == {
        "contents": "read",
        "actions": "read",
        "pull-requests": "read",
    }
    steps = workflow["jobs"]["apply"]["steps"]
    assert workflow["jobs"]["apply"]["env"]["CNAMCTL_PLAN_KEY"] == "${{ secrets.CNAMCTL_PLAN_KEY }}"
    find = next(s for s in steps if s.get("id") == "find")
    assert "listPullRequestsAssociatedWithCommit" in find["with"]["script"]
    assert "workflow_id: 'cnamctl-plan.yml'" in find["with"]["script"]
    download = next(s for s in steps if "download-artifact" in s.get("uses", ""))
    assert download["with"]["name"] == "cnamctl-plan"
    assert download["with"]["run-id"] == "${{ steps.find.outputs.run-id }}"
    by_run = {s["run"].strip(): s.get("if", "") for s in steps if "run" in s}
    assert by_run["cnamctl apply plan.json"] == "github.event_name == 'push'"
    assert by_run["cnamctl apply --auto-approve manifests/"] == (
        "github.event_name == 'workflow_dispatch'"
    )
    check = next(s for s in steps if "plan.tree" in s.get("run", ""))
    assert 'python3 -c "$MANIFESTS_DIGEST"' in check["run"]


def test_plan_and_apply_compute_the_same_manifests_digest(tmp_path: Path, monkeypatch) -> None:
    """The digest code is the same in every file, and tells manifests apart."""
    codes = {
        *(_load(name)["env"]["MANIFESTS_DIGEST"] for name in GITHUB if name != "github-drift.yml"),
        *(_load(name)["variables"]["CNAMCTL_MANIFESTS_DIGEST"] for name in GITLAB),
    }
    (code,) = codes
    monkeypatch.chdir(tmp_path)
    (tmp_path / "manifests" / "sub").mkdir(parents=True)
    (tmp_path / "manifests" / "a.yaml").write_text("kind: X\n")
    first = _digest(code)
    assert first == _digest(code) and len(first) == 64
    (tmp_path / "manifests" / "sub" / "b.yaml").write_text("kind: Y\n")
    second = _digest(code)
    (tmp_path / "manifests" / "a.yaml").write_text("kind: Z\n")
    assert len({first, second, _digest(code)}) == 3


def _digest(code: str) -> str:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_drift_workflow_runs_on_a_schedule_and_files_an_issue_on_exit_2() -> None:
    workflow = _load("github-drift.yml")
    assert workflow[True]["schedule"][0]["cron"]
    assert workflow["permissions"]["issues"] == "write"
    steps = workflow["jobs"]["drift"]["steps"]
    issue_step = next(s for s in steps if "github-script" in s.get("uses", ""))
    assert "exitcode == '2'" in issue_step["env"]["DRIFT"]
    assert "<!-- cnamctl-drift -->" in issue_step["with"]["script"]
    paths = [c.args for c in _github_commands("github-drift.yml")]
    assert any(a[0] == "plan" and "--detailed-exitcode" in a for a in paths)


def test_the_gitlab_pipeline_is_equivalent() -> None:
    pipeline = _load("gitlab-ci.yml")
    assert pipeline["stages"] == ["validate", "plan", "apply", "drift"]
    assert pipeline["apply"]["resource_group"] == "cnamctl-apply"
    assert pipeline["apply-by-hand"]["resource_group"] == "cnamctl-apply"
    assert pipeline["plan"]["artifacts"]["paths"] == ["plan.md", "plan.json", "plan.tree"]
    assert pipeline["plan"]["artifacts"]["expire_in"] == "30 days"
    apply_script = pipeline["apply"]["script"]
    assert apply_script[0] == 'python3 -c "$CNAMCTL_FETCH_PLAN"'
    assert "plan.tree" in apply_script[1] and apply_script[-1] == "cnamctl apply plan.json"
    assert pipeline["apply"]["rules"][0]["if"].endswith('$CI_PIPELINE_SOURCE == "push"')
    assert pipeline["apply-by-hand"]["rules"][0]["if"].endswith('$CI_PIPELINE_SOURCE == "web"')
    compile(pipeline["variables"]["CNAMCTL_FETCH_PLAN"], "CNAMCTL_FETCH_PLAN", "exec")
    assert pipeline["drift"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert pipeline["drift"]["allow_failure"] == {"exit_codes": [2]}
    upsert = pipeline["variables"]["CNAMCTL_UPSERT"]
    compile(upsert, "CNAMCTL_UPSERT", "exec")  # the inline helper is valid Python
    assert "<!-- cnamctl-plan -->" in upsert and "<!-- cnamctl-drift -->" in upsert
    commands = _gitlab_commands()
    paths = {c.args[0] for c in commands}
    assert paths == {"validate", "plan", "apply", "status", "verify"}
    for command in commands:
        check(command)


def test_pre_commit_hook() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "cnamctl-validate"
    assert {"id", "name", "entry", "language"} <= set(hook)
    files = re.compile(hook["files"])
    assert files.search("manifests/acme.yaml") and files.search("x/caller-ids.yml")
    assert not files.search("pyproject.toml") and not files.search("a.yaml.bak")
    # whole directories: cross-document rules need every file, not the changed ones
    assert hook["pass_filenames"] is False
    command = f"{hook['entry']} {' '.join(hook['args'])}"
    (line,) = command_lines(command, ".pre-commit-hooks.yaml")
    assert check(line) == ["validate"]


def test_pre_commit_hook_passes_on_the_example_manifests(monkeypatch: pytest.MonkeyPatch) -> None:
    """What pre-commit runs, from the repository root, on this repository's manifests."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, [*hook["entry"].split()[1:], *hook["args"]])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


# --- the fan-out forms (docs/many-accounts.md) ---------------------------------------

MATRIX_FIELD = re.compile(r"\bmatrix\.([A-Za-z_][A-Za-z0-9_-]*)")
FROM_LISTING = "${{ fromJSON(needs.accounts.outputs.matrix).include }}"


def _listed_jobs(tmp_path: Path, shards: int) -> list[dict[str, Any]]:
    """What `cnamctl accounts --format json` lists for a tree of three accounts."""
    import json

    from support.many import write_tree

    root = write_tree(tmp_path / f"tree-{shards}", 3)
    result = CliRunner().invoke(
        main, ["accounts", "--format", "json", "--shards", str(shards), str(root)]
    )
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["include"])


def _matrix_job(workflow: dict[str, Any]) -> dict[str, Any]:
    (job,) = [j for j in workflow["jobs"].values() if "strategy" in j]
    return job


@pytest.mark.parametrize("name", GITHUB_FANOUT)
def test_a_fanout_matrix_is_the_listing_of_its_first_job(name: str, tmp_path: Path) -> None:
    workflow = _load(name)
    first = workflow["jobs"]["accounts"]
    assert first["outputs"]["matrix"] == "${{ steps.list.outputs.matrix }}"
    listing = next(s for s in first["steps"] if s.get("id") == "list")["run"]
    (listed,) = [c.args for c in command_lines(listing, name) if "--format" in c.args]
    assert listed == ("accounts", "--format", "json", "--shards", "$SHARDS", "manifests/")
    assert isinstance(workflow["env"]["SHARDS"], int)
    assert 'echo "matrix<<CNAMCTL_EOF"; cat accounts.json' in listing
    job = _matrix_job(workflow)
    assert job["needs"] == "accounts"
    assert job["strategy"] == {"fail-fast": False, "matrix": {"include": FROM_LISTING}}
    fields = set(MATRIX_FIELD.findall(yaml.safe_dump(job)))
    assert fields == {"title", "key", "path_lines"}
    for shards in (0, 2):
        for entry in _listed_jobs(tmp_path, shards):
            assert fields <= set(entry)
    # the paths reach the shell through the environment only, never into a script
    for step in job["steps"]:
        assert "${{" not in step.get("run", "")


def test_the_fanout_apply_applies_the_artifacts_the_fanout_plan_kept() -> None:
    plan, apply = _load("github-fanout-plan.yml"), _load("github-fanout-apply.yml")
    assert plan["env"]["SHARDS"] == apply["env"]["SHARDS"] == 0
    plan_steps = plan["jobs"]["plan"]["steps"]
    kept = next(s for s in plan_steps if s.get("name") == "Keep the plan for the apply on merge")
    assert kept["with"]["name"] == "cnamctl-plan-${{ matrix.key }}"
    assert kept["with"]["path"] == "plan.json" and kept["with"]["retention-days"] == 30
    assert "exitcode == '2'" in kept["if"]
    listing = next(s for s in plan["jobs"]["accounts"]["steps"] if "upload-artifact" in str(s))
    assert listing["with"]["name"] == "cnamctl-accounts"
    assert listing["with"]["path"].split() == ["accounts.json", "plan.tree"]

    steps = apply["jobs"]["accounts"]["steps"]
    find = next(s for s in steps if s.get("id") == "find")
    assert "workflow_id: 'cnamctl-plan.yml'" in find["with"]["script"]
    fetched = next(s for s in steps if "download-artifact" in s.get("uses", ""))
    assert fetched["with"]["name"] == "cnamctl-accounts" and fetched["with"]["path"] == "planned"
    job = apply["jobs"]["apply"]
    download = next(s for s in job["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"]["name"] == "cnamctl-plan-${{ matrix.key }}"
    assert download["with"]["run-id"] == "${{ needs.accounts.outputs.run-id }}"
    assert apply["jobs"]["accounts"]["outputs"]["run-id"] == "${{ steps.find.outputs.run-id }}"
    by_run = {s["run"].strip(): s.get("if", "") for s in job["steps"] if "run" in s}
    assert by_run["cnamctl apply plan.json"] == "github.event_name == 'push'"


def test_fanout_applies_have_a_group_per_job_and_never_overlap() -> None:
    apply = _load("github-fanout-apply.yml")
    assert apply["concurrency"] == {"group": "cnamctl-apply", "cancel-in-progress": False}
    assert apply["jobs"]["apply"]["concurrency"] == {
        "group": "cnamctl-apply-${{ matrix.key }}",
        "cancel-in-progress": False,
    }
    plan = _load("github-fanout-plan.yml")
    assert plan["concurrency"]["group"] == "cnamctl-plan-${{ github.event.pull_request.number }}"
    assert plan["concurrency"]["cancel-in-progress"] is True


def test_the_fanout_comment_reads_what_the_plan_jobs_kept() -> None:
    plan = _load("github-fanout-plan.yml")
    md = next(
        s
        for s in plan["jobs"]["plan"]["steps"]
        if s.get("name") == "Keep the Markdown for the comment"
    )
    assert md["with"]["name"] == "cnamctl-plan-md-${{ matrix.key }}"
    assert md["with"]["path"].split() == ["plan.md", "plan.exitcode"]
    comment = plan["jobs"]["comment"]
    assert comment["needs"] == ["accounts", "plan"]
    assert comment["if"] == "always() && needs.accounts.result == 'success'"
    download, script = comment["steps"]
    assert download["with"] == {"pattern": "cnamctl-plan-md-*", "path": "plans"}
    assert script["env"]["MATRIX"] == "${{ needs.accounts.outputs.matrix }}"
    body = script["with"]["script"]
    assert "plans/cnamctl-plan-md-${key}/${name}" in body and "<!-- cnamctl-plan -->" in body


def test_the_gitlab_fanout_pipeline_generates_its_child_from_the_listing() -> None:
    pipeline = _load("gitlab-fanout.yml")
    assert pipeline["stages"] == ["validate", "accounts", "fan-out", "drift"]
    for name in ("CNAMCTL_CHILD", "CNAMCTL_NOTE", "CNAMCTL_UPSERT", "CNAMCTL_FETCH_PLANS"):
        compile(pipeline["variables"][name], name, "exec")  # the inline helpers are Python
    accounts = pipeline["accounts"]
    assert "cnamctl-child.yml" in accounts["artifacts"]["paths"]
    assert accounts["script"][-1] == 'python3 -c "$CNAMCTL_CHILD" accounts.json > cnamctl-child.yml'
    for trigger in ("plan", "apply"):
        job = pipeline[trigger]
        assert job["needs"] == ["accounts"]
        assert job["trigger"] == {
            "include": [{"artifact": "cnamctl-child.yml", "job": "accounts"}],
            "strategy": "depend",
        }
    assert pipeline["apply"]["resource_group"] == "cnamctl-apply"
    assert "resource_group" not in pipeline["plan"]
    for template in (
        ".cnamctl-plan",
        ".cnamctl-review",
        ".cnamctl-apply",
        ".cnamctl-apply-by-hand",
    ):
        assert pipeline[template]["script"]
    assert pipeline[".cnamctl-review"]["when"] == "always"
    commands = _gitlab_commands("gitlab-fanout.yml")
    assert {c.args[0] for c in commands} == {"validate", "accounts", "plan", "apply", "status"}
    for command in commands:
        check(command)
