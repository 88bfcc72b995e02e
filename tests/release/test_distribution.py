"""The release artefacts, as a user gets them: sdist and wheel built with
``python -m build`` (the wheel from the sdist), checked with ``twine check``,
the wheel installed into a fresh virtualenv, where ``cnamctl --version``, the
quick start and the test-kit sample project run.

One test does the whole pipeline so it runs once per suite (xdist would build
a module fixture once per worker). It needs PyPI for the fresh venv's
dependencies, like any user install. The version is whatever the checkout's git
state gives (a tag, or a dev version without one): nothing here needs a tag.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "testkit-sample"
URL = "https://github.com/cnamctl/cnamctl"


def run(args: list[str], cwd: Path, timeout: float = 600) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    )
    return done.stdout


def checkout_version() -> str:
    return run([sys.executable, "-m", "hatchling", "version"], ROOT).strip()


def test_build_check_install_and_run_the_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], ROOT)
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(dist.iterdir())
    run([sys.executable, "-m", "twine", "check", "--strict", *map(str, [*wheels, *sdists])], ROOT)

    version = checkout_version()
    Version(version)  # a valid PEP 440 version, tag or not
    assert wheels[0].name == f"cnamctl-{version}-py3-none-any.whl"
    check_wheel_contents(wheels[0], version)
    check_sdist_contents(sdists[0], version)

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python, cnamctl = str(venv / "bin" / "python"), str(venv / "bin" / "cnamctl")
    run([python, "-m", "pip", "install", "-q", str(wheels[0]), "pytest"], tmp_path)

    work = tmp_path / "work"
    work.mkdir()
    assert run([cnamctl, "--version"], work) == f"cnamctl, version {version}\n"
    run([cnamctl, "init"], work)  # the example manifests, from the wheel
    assert sorted(p.name for p in (work / "manifests").iterdir()) == sorted(
        p.name for p in (ROOT / "manifests").iterdir()
    )
    applied = run([cnamctl, "apply", "--emulator", "--auto-approve", "manifests/"], work)
    assert "Apply complete" in applied
    assert "No changes." in run([cnamctl, "plan", "--emulator", "manifests/"], work)

    # The test kit's plugin, found through the wheel's entry point, runs the sample.
    where = run([python, "-c", "import cnamctl; print(cnamctl.__file__)"], SAMPLE)
    assert where.startswith(str(venv)), where
    outcome = run([python, "-m", "pytest", "-p", "no:cacheprovider", "-q"], SAMPLE)
    assert " passed" in outcome and "failed" not in outcome, outcome


def check_wheel_contents(wheel: Path, version: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"cnamctl-{version}.dist-info"
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        for manifest in (ROOT / "manifests").iterdir():
            packaged = archive.read(f"cnamctl/examples/manifests/{manifest.name}")
            assert packaged == manifest.read_bytes(), manifest.name
    for needed in (
        "cnamctl/py.typed",
        "cnamctl/emulator/demo_seed.yaml",
        "cnamctl/testkit/default_seed.yaml",
        "cnamctl/testkit/plugin.py",
    ):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "examples/", "bench/")) for n in names)
    assert metadata["Version"] == version
    assert metadata["Requires-Python"] == ">=3.11"
    assert f"Repository, {URL}" in metadata.get_all("Project-URL")
    assert "cnamctl = cnamctl.cli:main" in entry_points
    assert "[pytest11]\ncnamctl = cnamctl.testkit.plugin" in entry_points


def check_sdist_contents(sdist: Path, version: str) -> None:
    top = f"cnamctl-{version}"
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
        pkg_info = Parser().parsestr(archive.extractfile(f"{top}/PKG-INFO").read().decode())  # type: ignore[union-attr]
    assert pkg_info["Version"] == version  # a wheel built from the sdist keeps it
    for needed in (
        "manifests/acme.yaml",
        "action.yml",
        "CHANGELOG.md",
        "examples/testkit-sample/pyproject.toml",
    ):
        assert f"{top}/{needed}" in names, needed
    assert not any(n.startswith((f"{top}/.venv", f"{top}/.git/")) for n in names)
