"""The repository's GitHub Action (action.yml), tested as far as this machine allows:
its metadata against the GitHub Action JSON Schema, every cnamctl command it
runs against the real CLI, and its steps run for real by a local composite
runner (tests/release/composite.py) against the embedded emulator, a served
emulator and a stand-in GitHub API."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from composite import ActionRun, run_action
from github_stub import TOKEN, Stateful, serve
from tests_docs import CommandLine, check, command_lines

from cnamctl.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
ACTION_FILE = ROOT / "action.yml"
ACTION = yaml.safe_load(ACTION_FILE.read_text())
STEPS = ACTION["runs"]["steps"]
BIN = Path(sys.executable).parent
DEMO_SEED = str(resources.files("cnamctl.emulator") / "demo_seed.yaml")  # the quick start's
DEMO_SID = "AC0123456789abcdef0123456789abcdef"
DEMO_TOKEN = "demo-auth-token"

# The install step, on this machine: the checkout's cnamctl instead of a pip install.
FAKE_INSTALL = f"""
venv="$RUNNER_TEMP/cnamctl-venv"
mkdir -p "$venv/bin"
printf '#!/bin/sh\\nexec {BIN}/python "$@"\\n' > "$venv/bin/python"
printf '#!/bin/sh\\nexec {BIN}/cnamctl "$@"\\n' > "$venv/bin/cnamctl"
chmod +x "$venv/bin/python" "$venv/bin/cnamctl"
echo "$venv/bin" >> "$GITHUB_PATH"
"""


def schema_check(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
    )


def test_action_metadata_matches_the_github_action_schema() -> None:
    done = schema_check("vendor.github-actions", ACTION_FILE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ACTION["runs"]["using"] == "composite"


def test_the_schema_check_catches_a_broken_action(tmp_path: Path) -> None:
    broken = dict(ACTION, runs={"using": "composite", "steps": [{"name": "x", "run": "true"}]})
    (tmp_path / "action.yml").write_text(yaml.safe_dump(broken))  # a run step needs shell:
    assert schema_check("vendor.github-actions", tmp_path / "action.yml").returncode == 1


def test_inputs_and_step_outputs_are_declared_where_they_are_used() -> None:
    text = ACTION_FILE.read_text()
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used == set(ACTION["inputs"]), "an input is unused or undeclared"
    written = {
        step["id"]: set(re.findall(r'echo "([\w-]+)=', step.get("run", "")))
        for step in STEPS
        if "id" in step
    }
    written["comment"] = {"comment-id", "comment-url", "comment-action"}  # cnamctl.gitops.comment
    for step_id, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text):
        assert output in written[step_id], f"steps.{step_id}.outputs.{output} is never written"
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], f"{step['name']}: expressions go through env"
            assert step["shell"] == "bash"
        else:
            assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), step["uses"]


# What the scripts' variables hold, so their command lines can be parsed as written.
EXPANSIONS = {
    '"${paths[@]}"': "manifests/",
    '"${out[@]}"': "--out cnamctl.plan.json",
    '"${target[@]}"': "--emulator",
    '"$FORMAT"': "markdown",
    '"$spec"': "cnamctl",
}


def action_commands() -> list[CommandLine]:
    found = []
    for step in STEPS:
        script = step.get("run", "")
        for variable, value in EXPANSIONS.items():
            script = script.replace(variable, value)
        script = re.sub(r'"\$venv/bin/cnamctl"', "cnamctl", script)
        script = script.replace("if cnamctl ", "cnamctl ")  # a command word after `if`
        found += command_lines(script, f"action.yml:{step['name']}")
    return found


def test_every_cnamctl_command_it_runs_exists_with_those_options() -> None:
    commands = action_commands()
    assert {c.args[0] for c in commands} == {"--version", "validate", "plan"}
    for command in commands:
        check(command)
    (plan,) = [c for c in commands if c.args[0] == "plan"]
    assert {"--format", "--detailed-exitcode", "--out", "--emulator"} <= set(plan.args)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "manifests", root / "manifests")
    return root


def event(tmp_path: Path, name: str = "pull_request") -> dict[str, Any]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"number": 7, "pull_request": {"number": 7}}))
    return {"event_name": name, "token": TOKEN, "action_ref": "v0.1.0", "event_path": str(path)}


def run(
    tmp_path: Path, workspace: Path, github: dict[str, Any], api: str = "", **inputs: str
) -> ActionRun:
    temp = tmp_path / f"runner-{len(list(tmp_path.glob('runner-*')))}"
    temp.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_REPOSITORY": "octo-org/brand-manifests",
        "GITHUB_API_URL": api or "http://127.0.0.1:9",
        "GITHUB_EVENT_PATH": github["event_path"],
        "CNAMCTL_EMULATOR_DB": str(workspace / ".cnamctl" / "emulator.sqlite"),
    }
    return run_action(
        ACTION_FILE,
        inputs=inputs,
        github=github,
        workspace=workspace,
        temp=temp,
        env=env,
        replace_run={"install": FAKE_INSTALL},
    )


def test_a_pull_request_gets_one_comment_the_summary_and_the_saved_plan(
    tmp_path: Path, workspace: Path
) -> None:
    github = Stateful()
    with serve(github) as api:
        first = run(tmp_path, workspace, event(tmp_path), api, emulator="true")
        assert not first.failed, [s.output for s in first.steps]
        assert first.outputs["exitcode"] == "2"
        assert first.outputs["has-changes"] == "true"
        assert first.outputs["comment-id"] == "1"
        (comment,) = github.comments
        assert comment["body"].startswith("<!-- cnamctl-plan -->\n")
        assert "create-trust-product" in comment["body"]
        assert "create-trust-product" in first.summary

        upload = first.step("Upload the saved plan")
        assert upload.ran and upload.uses == "actions/upload-artifact@v4"
        assert upload.with_ == {
            "name": "cnamctl-plan",
            "path": "cnamctl.plan.json",
            "if-no-files-found": "error",
        }
        saved = json.loads((workspace / "cnamctl.plan.json").read_text())
        assert isinstance(saved, dict) and DEMO_SID in json.dumps(saved)  # a saved plan

        again = run(tmp_path, workspace, event(tmp_path), api, emulator="true")
        assert again.outputs["comment-id"] == "1"
        assert len(github.comments) == 1  # updated, never a second one
    assert github.mismatches == []


def test_invalid_manifests_fail_with_the_errors_in_the_comment(
    tmp_path: Path, workspace: Path
) -> None:
    (workspace / "manifests" / "broken.yaml").write_text(
        "apiVersion: cnamctl/v1\nkind: CnamProfile\nname: x\n"
    )
    github = Stateful()
    with serve(github) as api:
        result = run(tmp_path, workspace, event(tmp_path), api, emulator="true")
    assert result.failed
    assert not result.step("Plan").ran
    assert result.step("Result").returncode == 1
    assert result.outputs["exitcode"] == "1"
    (comment,) = github.comments
    assert "cnamctl validate failed" in comment["body"]
    assert "manifests/broken.yaml:" in comment["body"]


def test_text_format_without_a_saved_plan_outside_a_pull_request(
    tmp_path: Path, workspace: Path
) -> None:
    result = run(
        tmp_path,
        workspace,
        event(tmp_path, "push"),
        emulator="true",
        format="text",
        **{"plan-file": ""},
    )
    assert not result.failed
    assert not result.step("Comment on the pull request").ran
    assert not result.step("Upload the saved plan").ran
    assert "```text" in result.summary
    assert not (workspace / "cnamctl.plan.json").exists()


def run_with_credentials(
    tmp_path: Path, workspace: Path, token: str, **inputs: str
) -> tuple[ActionRun, Stateful]:
    """The action against a served emulator, with credentials given as inputs."""
    github = Stateful()
    with (
        Emulator(seed=DEMO_SEED) as emu,
        emu.serve(port=0) as server,
        serve(github) as api,
    ):
        credentials = {
            "api-url": server.base_url,
            "twilio-account-sid": DEMO_SID,
            "twilio-auth-token": token,
        }
        result = run(tmp_path, workspace, event(tmp_path), api, **credentials, **inputs)
    return result, github


def test_credentials_from_inputs_reach_cnamctl_and_nowhere_else(
    tmp_path: Path, workspace: Path
) -> None:
    result, github = run_with_credentials(
        tmp_path, workspace, DEMO_TOKEN, **{"fail-on-changes": "true"}
    )
    assert result.outputs["exitcode"] == "2"
    assert result.failed and result.step("Result").returncode == 1  # fail-on-changes
    assert "the plan has changes" in result.step("Result").output
    everything = (
        result.summary + "".join(s.output for s in result.steps) + github.comments[0]["body"]
    )
    assert DEMO_TOKEN not in everything and TOKEN not in everything


def test_wrong_credentials_fail_and_say_so_in_the_comment(tmp_path: Path, workspace: Path) -> None:
    result, github = run_with_credentials(tmp_path, workspace, "not-the-token")
    assert result.failed and result.outputs["exitcode"] == "1"
    assert "cnamctl plan failed" in github.comments[0]["body"]
    assert "refused the credentials" in github.comments[0]["body"]


def fake_python(tmp_path: Path) -> Path:
    """A `python` that makes a venv of stubs recording what pip was asked to install."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    log = tmp_path / "pip.log"
    stub = (
        "#!/bin/bash\n"
        f'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; '
        f'printf "#!/bin/sh\\necho cnamctl, version stub\\n" > "$3/bin/cnamctl"; chmod +x "$3/bin/cnamctl"; exit 0; fi\n'
        f'echo "$* PRETEND=${{SETUPTOOLS_SCM_PRETEND_VERSION_FOR_CNAMCTL:-}}" >> {log}\n'
    )
    (bin_dir / "python").write_text(stub)
    (bin_dir / "python").chmod(0o755)
    return bin_dir


@pytest.mark.parametrize(
    ("version", "ref", "installed"),
    [
        ("", "v1.2.3", "{action} PRETEND=1.2.3"),  # the action's own source, at its tag
        ("", "main", "{action} PRETEND="),
        ("0.1.0", "v1.2.3", "cnamctl==0.1.0 PRETEND="),  # a release from PyPI
    ],
)
def test_the_install_step_pins_cnamctl(
    tmp_path: Path, version: str, ref: str, installed: str
) -> None:
    (install,) = [s for s in STEPS if s.get("id") == "install"]
    temp = tmp_path / "temp"
    temp.mkdir()
    (temp / "path").write_text("")
    env = {
        "PATH": f"{fake_python(tmp_path)}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(temp),
        "GITHUB_PATH": str(temp / "path"),
        "GITHUB_ACTION_PATH": "/actions/cnamctl",
        "CNAMCTL_VERSION": version,
        "ACTION_REF": ref,
    }
    done = subprocess.run(
        ["bash", "-e", "-c", install["run"]], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "cnamctl, version stub\n"
    line = (tmp_path / "pip.log").read_text().strip()
    assert line == "-m pip install --quiet --disable-pip-version-check " + installed.format(
        action="/actions/cnamctl"
    )
    assert (temp / "path").read_text() == f"{temp}/cnamctl-venv/bin\n"
