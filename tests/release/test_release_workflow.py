"""The release workflow, the CI workflow and .ci/run: valid GitHub workflow files,
trusted publishing wired as PyPI requires, and their release gates run for real."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests_docs import check, command_lines

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
RELEASE = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
README_TEST = re.search(
    r"Install and run the tests:\n\n```sh\n(.+)\n```", (ROOT / "README.md").read_text()
)


def test_workflows_match_the_github_workflow_schema() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
        + [str(p) for p in WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert {p.name for p in WORKFLOWS} == {"ci.yml", "release.yml"}


def test_a_version_tag_builds_then_publishes_with_trusted_publishing() -> None:
    assert RELEASE[True]["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+*"]
    assert RELEASE["permissions"] == {}  # each job asks for what it needs
    build, publish = RELEASE["jobs"]["build"], RELEASE["jobs"]["publish"]
    checkout = build["steps"][0]
    assert checkout["uses"] == "actions/checkout@v4"
    assert checkout["with"]["fetch-depth"] == 0  # tags are the version
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert publish["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    assert "with" not in publish["steps"][-1]  # no password: the OIDC token is the credential
    assert RELEASE["jobs"]["github-release"]["needs"] == "publish"


def test_the_readme_test_command_is_what_ci_and_the_release_run() -> None:
    assert README_TEST, "README lost its test command"
    command = README_TEST.group(1)
    ci_run = (ROOT / ".ci" / "run").read_text()
    assert command in ci_run.splitlines()
    runs = [
        step.get("run", "")
        for path in WORKFLOWS
        for job in yaml.safe_load(path.read_text())["jobs"].values()
        for step in job["steps"]
    ]
    assert sum(command == run.strip() for run in runs) == 2  # ci.yml and release.yml


def test_every_cnamctl_command_of_the_release_smoke_test_exists() -> None:
    steps = RELEASE["jobs"]["build"]["steps"]
    (smoke,) = [s for s in steps if s.get("name") == "The wheel installs and runs the quick start"]
    script = smoke["run"].replace("/tmp/smoke/bin/cnamctl", "cnamctl")
    commands = command_lines(script, "release.yml")
    assert [c.args[0] for c in commands] == ["--version", "init", "apply", "plan"]
    for command in commands:
        check(command)


def step(name: str) -> str:
    jobs = RELEASE["jobs"]
    return next(s["run"] for j in jobs.values() for s in j["steps"] if s.get("name") == name)


def release_dir(tmp_path: Path, changelog: str, version: str) -> Path:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / f"cnamctl-{version}-py3-none-any.whl").write_text("")
    (tmp_path / "dist" / f"cnamctl-{version}.tar.gz").write_text("")
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    return tmp_path


def dated(version: str) -> str:
    text = (ROOT / "CHANGELOG.md").read_text()
    return text.replace("## [Unreleased]", f"## [Unreleased]\n\n## [{version}] - 2026-12-02", 1)


@pytest.mark.parametrize(
    ("tag", "changelog", "ok"),
    [
        ("v0.1.0", "dated", True),
        ("v0.1.0", "as is", False),  # [Unreleased] must be dated before tagging
        ("v0.2.0", "dated", False),  # a tag the built files do not carry
    ],
)
def test_the_release_gate(tmp_path: Path, tag: str, changelog: str, ok: bool) -> None:
    text = dated("0.1.0") if changelog == "dated" else (ROOT / "CHANGELOG.md").read_text()
    root = release_dir(tmp_path, text, "0.1.0")
    done = subprocess.run(
        ["bash", "-e", "-c", step("The version is the tag, and the changelog has it")],
        cwd=root,
        env={"TAG": tag, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert (done.returncode == 0) is ok, done.stdout + done.stderr


def test_the_release_notes_are_the_changelog_section(tmp_path: Path) -> None:
    root = release_dir(tmp_path, dated("0.1.0"), "0.1.0")
    done = subprocess.run(
        ["bash", "-e", "-c", step("Release notes from the changelog")],
        cwd=root,
        env={"TAG": "v0.1.0", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    notes = (root / "notes.md").read_text()
    assert notes.lstrip().startswith("The first release.")
    assert "`cnamctl init`" in notes and "## [" not in notes
