"""One source of truth for the version: git tags, through hatch-vcs (pyproject.toml).

Each case is a throwaway git repository holding this checkout's pyproject.toml,
so the tests need no tag in the real repository and read the build
configuration as it is on disk.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnamctl import __version__
from cnamctl.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]


def project(tmp_path: Path, git: bool = True) -> Path:
    root = tmp_path / "p"
    root.mkdir()
    shutil.copy(ROOT / "pyproject.toml", root)
    shutil.copy(ROOT / "README.md", root)
    if git:
        subprocess.run([*GIT, "init", "-q"], cwd=root, check=True)
        commit(root, "first")
    return root


def commit(root: Path, message: str) -> None:
    (root / "CHANGES").write_text(message)
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-qm", message], cwd=root, check=True)


def version(root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "hatchling", "version"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_release_tag_is_the_version(tmp_path: Path) -> None:
    root = project(tmp_path)
    subprocess.run([*GIT, "tag", "v1.2.3"], cwd=root, check=True)
    assert version(root) == "1.2.3"
    commit(root, "after the release")
    assert version(root).startswith("1.2.4.dev1+g")


def test_a_clone_without_tags_still_has_a_version(tmp_path: Path) -> None:
    assert version(project(tmp_path)).startswith("0.0.1.dev1+g")


def test_a_tree_without_git_falls_back(tmp_path: Path) -> None:
    if shutil.which("git") is None:  # pragma: no cover
        pytest.skip("git is needed to build the other cases")
    assert version(project(tmp_path, git=False)) == "0.0.0"


def test_the_cli_reports_the_installed_distributions_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.output == f"cnamctl, version {__version__}\n"
    assert __version__ != "0.0.0+local"  # read from the installed metadata


def test_a_tree_without_git_can_be_told_its_version(tmp_path: Path, monkeypatch) -> None:
    """What action.yml does: GitHub hands an action over without .git."""
    monkeypatch.setenv("SETUPTOOLS_SCM_PRETEND_VERSION_FOR_CNAMCTL", "4.5.6")
    assert version(project(tmp_path, git=False)) == "4.5.6"


def test_the_documented_git_tag_install_line_builds_that_version(tmp_path: Path) -> None:
    """docs/release.md's pre-release line, pointed at a local clone tagged like the
    release: pip understands it and the tag's build is that version."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    shutil.copy(ROOT / "pyproject.toml", clone)  # the build configuration on disk
    commit(clone, "the release commit")
    subprocess.run([*GIT, "tag", "v0.1.0"], cwd=clone, check=True)
    documented = next(
        line
        for line in (ROOT / "docs" / "release.md").read_text().splitlines()
        if line.startswith('pip install "cnamctl @ git+')
    )
    # file://localhost/...: a PEP 508 URL needs a host, as github.com is in the docs
    requirement = documented.split('"')[1].replace(
        "https://github.com/cnamctl/cnamctl", f"file://localhost{clone}"
    )
    subprocess.run(
        [*PIP_WHEEL, "-w", str(tmp_path / "out"), requirement],
        check=True,
        capture_output=True,
    )
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["cnamctl-0.1.0-py3-none-any.whl"]
