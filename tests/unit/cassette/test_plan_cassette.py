"""A full plan run replayed from a cassette: no emulator, no network.

Replay checks that the reader and planner turn the recorded Twilio answers into
exactly the plan computed when the cassette was recorded (stored beside it).

Re-record (see docs/cassettes.md):
    CNAMCTL_RECORD_CASSETTES=emulator pytest tests/unit/cassette    # embedded emulator
    CNAMCTL_RECORD_CASSETTES=twilio TWILIO_ACCOUNT_SID=... TWILIO_AUTH_TOKEN=... \
        pytest tests/unit/cassette                                # real Twilio
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from recording import CASSETTE_DIR, PLACEHOLDER_ACCOUNT, RECORD_ENV, make_vcr

from cnamctl.live.reader import read_snapshot
from cnamctl.manifest import load_manifests
from cnamctl.plan import compute_plan
from cnamctl.plan.render import render_json
from cnamctl.twilio import Credentials, make_client

ROOT = Path(__file__).resolve().parents[3]
CASSETTE = "plan-example-manifests.yaml"
EXPECTED = CASSETTE_DIR / "plan-example-manifests.plan.json"


def _plan_json(client, account_sid: str) -> str:
    snapshot = read_snapshot(client, max_workers=1)  # one at a time: a stable cassette order
    snapshot.account_sid = account_sid
    plan = compute_plan(load_manifests(["manifests"]), snapshot)  # cwd: the repo root
    return render_json(plan)


def _record(mode: str) -> None:
    if mode == "twilio":
        creds = Credentials.from_env(os.environ)
        with make_vcr(creds.account_sid, creds.password, record=True).use_cassette(CASSETTE):
            text = _plan_json(make_client(creds), creds.account_sid)
    else:
        from cnamctl.emulator import Emulator
        from cnamctl.twilio.embedded import demo_credentials, demo_seed_path

        creds = demo_credentials()
        emulator = Emulator(db_path=":memory:", seed=str(demo_seed_path()))
        recorder = make_vcr(creds.account_sid, creds.password, record=True)
        with emulator.serve(port=0) as server, recorder.use_cassette(CASSETTE):
            text = _plan_json(make_client(creds, server.base_url), creds.account_sid)
    EXPECTED.write_text(text.replace(creds.account_sid, PLACEHOLDER_ACCOUNT))


def test_plan_replayed_from_the_cassette_matches_the_recorded_plan():
    mode = os.environ.get(RECORD_ENV)
    if mode:
        _record(mode)
    creds = Credentials(PLACEHOLDER_ACCOUNT, PLACEHOLDER_ACCOUNT, "replay-token")
    with make_vcr().use_cassette(CASSETTE) as cassette:
        # an unreachable base URL: any request missing from the cassette fails loudly
        text = _plan_json(make_client(creds, "http://127.0.0.1:9"), PLACEHOLDER_ACCOUNT)
        assert cassette.play_count > 0
        assert cassette.all_played
    assert text == EXPECTED.read_text()


def test_cassette_holds_no_credentials():
    from cnamctl.twilio.embedded import demo_credentials

    text = (CASSETTE_DIR / CASSETTE).read_text()
    token = demo_credentials().password
    assert token not in text
    assert demo_credentials().account_sid not in text
    assert "authorization" not in text.lower()
    assert PLACEHOLDER_ACCOUNT in text


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # manifest locations in the plan are relative to it
    if not os.environ.get(RECORD_ENV):
        monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
