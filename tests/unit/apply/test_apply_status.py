"""`status`: matching live products to profiles, and waiting for reviews."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cnamctl import CNAM_POLICY_SID
from cnamctl.apply.report import render_status_json, render_status_text
from cnamctl.apply.status import ReviewWaitTimeout, read_statuses, wait_for_reviews
from cnamctl.manifest import load_manifests
from cnamctl.manifest.model import ManifestSet

MANIFEST = """\
apiVersion: cnamctl/v1
kind: BusinessProfile
name: acme
friendlyName: Acme Corp
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: sales
businessProfile: acme
displayName: ACME SALES
email: trust@acme.example
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: support
businessProfile: acme
displayName: ACME Support
email: trust@acme.example
"""


class FakeTrustHub:
    """Products whose status follows a script, one step per list call."""

    def __init__(self, scripts: dict[str, list[str]], evaluations: dict[str, list[Any]]):
        self.scripts = scripts
        self.evaluations = evaluations
        self.lists = 0
        self.trust_products = self

    def list(self, policy_sid: str, page_size: int) -> list[Any]:
        assert policy_sid == CNAM_POLICY_SID
        self.lists += 1
        out = []
        for i, (name, steps) in enumerate(sorted(self.scripts.items())):
            status = steps[min(self.lists - 1, len(steps) - 1)]
            errors = [{"code": 11009}] if status == "twilio-rejected" else None
            out.append(
                SimpleNamespace(
                    sid=f"BU{i:032d}",
                    friendly_name=name,
                    status=status,
                    errors=errors,
                    email="e",
                    policy_sid=CNAM_POLICY_SID,
                )
            )
        return out

    def __call__(self, sid: str) -> Any:
        evals = self.evaluations.get(sid, [])
        return SimpleNamespace(
            trust_products_evaluations=SimpleNamespace(list=lambda page_size: evals)
        )


def client(hub: FakeTrustHub) -> Any:
    return SimpleNamespace(trusthub=SimpleNamespace(v1=hub))


@pytest.fixture
def manifests(tmp_path: Path) -> ManifestSet:
    (tmp_path / "m.yaml").write_text(MANIFEST)
    return load_manifests([str(tmp_path)])


def test_reports_each_profile_with_errors_on_manifest_lines(manifests: ManifestSet):
    old = SimpleNamespace(
        sid="EL1",
        status="noncompliant",
        date_created=datetime(2024, 1, 1, tzinfo=UTC),
        results=[
            {
                "passed": False,
                "requirement_name": "cnam_information",
                "invalid": [{"object_field": "cnam_display_name", "failure_reason": "bad"}],
            }
        ],
    )
    new = SimpleNamespace(
        sid="EL2", status="compliant", date_created=datetime(2024, 2, 1, tzinfo=UTC), results=[]
    )
    hub = FakeTrustHub({"sales": ["twilio-rejected"]}, {f"BU{0:032d}": [new, old]})
    statuses = read_statuses(client(hub), manifests)
    assert [(s.name, s.status, s.evaluation) for s in statuses] == [
        ("sales", "twilio-rejected", "compliant"),
        ("support", "absent", None),
    ]
    assert statuses[0].error_codes == (11009,)
    assert [p.location.line for p in statuses[0].problems if p.location] == [10]
    text = render_status_text(statuses)
    assert "sales" in text and "twilio-rejected" in text and "m.yaml:10: Twilio error 11009" in text
    assert '"pending": 0' in render_status_json(statuses)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_wait_polls_until_nothing_is_pending(manifests: ManifestSet):
    hub = FakeTrustHub(
        {
            "sales": ["pending-review", "in-review", "twilio-approved"],
            "support": ["twilio-approved"],
        },
        {},
    )
    clock = Clock()
    statuses = wait_for_reviews(
        client(hub), manifests, timeout=60, interval=5, clock=clock, sleep=clock.sleep
    )
    assert [s.status for s in statuses] == ["twilio-approved", "twilio-approved"]
    assert clock.now == 10


def test_wait_times_out_with_the_pending_ones_named(manifests: ManifestSet):
    hub = FakeTrustHub({"sales": ["in-review"]}, {})
    clock = Clock()
    with pytest.raises(ReviewWaitTimeout, match=r"sales \(in-review\)") as caught:
        wait_for_reviews(
            client(hub), manifests, timeout=12, interval=5, clock=clock, sleep=clock.sleep
        )
    assert clock.now == 12
    assert caught.value.statuses[0].pending
