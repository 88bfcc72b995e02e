"""Every bad manifest under fixtures/manifests/bad/ with its exact expected lines.

A case is ``bad-<case>.expected`` next to ``bad-<case>.yaml`` (or a directory
``bad-<case>/``); the expected file lists ``file:line: message`` lines, paths
relative to the bad/ directory, which is the working directory here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cnamctl.errors import ManifestError
from cnamctl.manifest import load_manifests

BAD = Path(__file__).resolve().parents[2] / "fixtures" / "manifests" / "bad"


def _case_path(expected: Path) -> str:
    stem = expected.name.removesuffix(".expected")
    for candidate in (f"{stem}.yaml", f"{stem}.yml", stem):
        if (BAD / candidate).exists():
            return candidate
    raise AssertionError(f"no manifest for {expected.name}")


CASES = sorted(BAD.glob("*.expected"))


def test_corpus_is_large_and_complete() -> None:
    assert len(CASES) >= 35
    manifests = {p.name.removesuffix(".yaml") for p in BAD.glob("*.yaml")}
    assert manifests <= {p.name.removesuffix(".expected") for p in CASES}


@pytest.fixture(autouse=True)
def _in_bad_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)


@pytest.mark.parametrize("expected", CASES, ids=lambda p: p.stem)
def test_load_manifests_reports_exactly(expected: Path) -> None:
    with pytest.raises(ManifestError) as info:
        load_manifests([_case_path(expected)])
    assert [str(p) for p in info.value.problems] == expected.read_text().splitlines()


@pytest.mark.parametrize("expected", CASES, ids=lambda p: p.stem)
def test_cnamctl_validate_reports_every_line(expected: Path, run_cli) -> None:
    result = run_cli("validate", _case_path(expected))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    for line in expected.read_text().splitlines():
        assert f"error: {line}" in lines
