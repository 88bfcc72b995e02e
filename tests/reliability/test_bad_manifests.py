"""Every bad manifest, through `cnamctl plan` and `cnamctl apply` against a live
emulator: exit 1, every problem on stderr at its ``file:line``, not a single HTTP
request, and the emulator's state unchanged.

A bad manifest must be refused before cnamctl talks to Twilio: credentials are
set and the emulator is reachable, so the only thing standing between the CLI and
the network is validation. The cases and their exact messages are the corpus of
``tests/fixtures/manifests/bad/`` (``bad-<case>.expected`` beside
``bad-<case>.yaml`` or a directory ``bad-<case>/``), paths relative to that
directory, which is the working directory here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .live import Live

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "manifests" / "bad"
CASES = sorted(BAD.glob("*.expected"))
FILE_LINE = re.compile(r"^error: [^:\s]+\.ya?ml:\d+: ")


def _case_path(expected: Path) -> str:
    stem = expected.name.removesuffix(".expected")
    for candidate in (f"{stem}.yaml", f"{stem}.yml", stem):
        if (BAD / candidate).exists():
            return candidate
    raise AssertionError(f"no manifest for {expected.name}")


def test_the_corpus_is_there_and_requests_are_counted(corpus_live: Live, tmp_path: Path) -> None:
    """The control: a good manifest does reach the emulator, and is counted."""
    assert len(CASES) >= 35
    good = tmp_path / "good.yaml"
    good.write_text(
        "apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: acme\nfriendlyName: Acme Corp\n"
    )
    before = corpus_live.requests_seen()
    result = corpus_live.cli(["plan", str(good)])
    assert result.exit_code == 0, result.output
    assert corpus_live.requests_seen() > before


COMMANDS = {"plan": ["plan"], "apply": ["apply", "--auto-approve"]}


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("expected", CASES, ids=lambda p: p.stem)
def test_plan_and_apply_refuse_bad_manifests_without_a_request(
    expected: Path, command: str, fmt: str, corpus_live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD)
    before = corpus_live.requests_seen()
    state = corpus_live.dump()
    result = corpus_live.cli([*COMMANDS[command], "--format", fmt, _case_path(expected)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    stderr = result.stderr.splitlines()
    wanted = expected.read_text().splitlines()
    for line in wanted:
        assert f"error: {line}" in stderr, f"missing on stderr: {line}\n{result.stderr}"
    if any(re.match(r"^[^:\s]+\.ya?ml:\d+: ", line) for line in wanted):
        assert any(FILE_LINE.match(line) for line in stderr), result.stderr
    assert result.stdout == "", "a refused plan prints no plan"
    assert corpus_live.requests_seen() == before, "a bad manifest must not reach Twilio"
    assert corpus_live.dump() == state
