"""The pull-request comment script against recorded GitHub API exchanges (a local
stub replays them) and against a stateful stand-in: create when absent, update
when present, never two comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github_stub import TOKEN, Replay, Stateful, serve

from cnamctl.gitops import comment
from cnamctl.gitops.comment import MAX_BODY, compose, main

EXCHANGES = Path(__file__).parent / "github_exchanges"


def run(tmp_path: Path, api: str, text: str, *args: str) -> tuple[int, dict[str, str]]:
    body = tmp_path / "plan.md"
    body.write_text(text)
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps({"action": "synchronize", "number": 7, "pull_request": {"number": 7}})
    )
    outputs = tmp_path / "outputs"
    outputs.write_text("")
    env = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "octo-org/brand-manifests",
        "GITHUB_API_URL": api,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_OUTPUT": str(outputs),
    }
    code = main(["--body-file", str(body), *args], env)
    written = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return code, written


@pytest.mark.parametrize("name", sorted(p.stem for p in EXCHANGES.glob("*.json")))
def test_recorded_exchange(name: str, tmp_path: Path, capsys, monkeypatch) -> None:
    recording = json.loads((EXCHANGES / f"{name}.json").read_text())
    waits: list[float] = []
    monkeypatch.setattr(comment.time, "sleep", waits.append)
    replay = Replay(recording["interactions"])
    with serve(replay) as api:
        code, outputs = run(tmp_path, api, recording["given"]["text"])
    out, err = capsys.readouterr()
    assert replay.mismatches == []
    assert replay.pending == [], "recorded requests never made"
    expect = recording["expect"]
    assert code == expect["exit"], out + err
    assert expect.get("stdout", "") in out
    assert expect.get("stderr", "") in err
    for key, value in expect.get("outputs", {}).items():
        assert outputs[key] == value
    assert TOKEN not in out + err
    if name == "flaky-read":
        assert waits == [1.0]


def test_runs_in_a_row_leave_exactly_one_comment(tmp_path: Path) -> None:
    github = Stateful()
    with serve(github) as api:
        for text in ("plan one", "plan two", "plan two", "plan three"):
            code, outputs = run(tmp_path, api, text)
            assert code == 0
        assert [c["body"] for c in github.comments] == ["<!-- cnamctl-plan -->\nplan three"]
        assert outputs["comment-action"] == "updated"
        # a second plan in the same pull request keeps its own comment
        run(tmp_path, api, "staging plan", "--marker", "cnamctl-plan:staging")
    assert len(github.comments) == 2
    assert github.mismatches == []


def test_a_plan_longer_than_github_allows_is_cut_with_a_note() -> None:
    body = compose("<!-- cnamctl-plan -->", "x" * 100_000)
    assert len(body) == MAX_BODY
    assert body.startswith("<!-- cnamctl-plan -->\nxxx")
    assert body.endswith("the whole plan is in the workflow run's log and artifact.\n")
    assert compose("<!-- m -->", "short") == "<!-- m -->\nshort"


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({}, [], "GITHUB_TOKEN is not set"),
        ({"GITHUB_TOKEN": "t"}, [], "no repository"),
        ({"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "o/r"}, [], "no pull request"),
        (
            {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "o/r"},
            ["--pr", "1", "--marker", "a b"],
            "marker",
        ),
    ],
)
def test_missing_context_is_named(tmp_path: Path, capsys, env, args, message) -> None:
    body = tmp_path / "plan.md"
    body.write_text("plan")
    assert main(["--body-file", str(body), *args], env) == 1
    assert message in capsys.readouterr().err


def test_an_unreachable_github_is_reported_after_bounded_retries(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(comment.time, "sleep", waits.append)
    body = tmp_path / "plan.md"
    body.write_text("plan")
    env = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_API_URL": "http://127.0.0.1:9",
    }
    assert main(["--body-file", str(body), "--pr", "3"], env) == 1
    err = capsys.readouterr().err
    assert "cannot reach GitHub for GET /repos/o/r/issues/3/comments" in err
    assert waits == [1.0, 2.0]
