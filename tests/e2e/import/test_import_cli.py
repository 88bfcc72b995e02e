"""`cnamctl import` behaviour around the files it writes, drafts, and -v logging."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from import_world import ACCOUNT, numbers, served

NUMBERS = numbers("+1415200", 0, 20)


def _small(**product: Any) -> dict[str, Any]:
    return {
        "incoming_numbers": NUMBERS,
        "outgoing_caller_ids": [{"phone_number": "+14155550199", "friendly_name": "Front desk"}],
        "business_profiles": [{"friendly_name": "Acme Corp", "phone_numbers": NUMBERS}],
        "trust_products": [
            {
                "friendly_name": "acme-sales",
                "email": "trust@acme.example",
                "status": "twilio-approved",
                "business_profile": "Acme Corp",
                "display_name": "ACME SALES",
                "phone_numbers": NUMBERS[:5],
                **product,
            }
        ],
    }


def test_existing_files_are_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "manifests"
    out.mkdir()
    mine = out / "caller-ids.yaml"
    mine.write_text("# my own file\n")
    with served(_small()) as account:
        refused = account.import_to(out)
        assert refused.exit_code == 1
        assert "refusing to overwrite" in refused.stderr and "--force" in refused.stderr
        assert mine.read_text() == "# my own file\n"
        assert sorted(p.name for p in out.iterdir()) == ["caller-ids.yaml"]  # nothing written

        forced = account.import_to(out, "--force")
        assert forced.exit_code == 0, forced.output
    assert "kind: OutgoingCallerId" in mine.read_text()
    assert (out / "acme-corp.yaml").exists()


def test_a_draft_is_imported_and_the_plan_proposes_only_its_submission(tmp_path: Path) -> None:
    with served(_small(status="draft")) as account:
        result = account.import_to(tmp_path)
        assert result.exit_code == 0, result.output
        assert "note: CNAM product 'acme-sales'" in result.stderr
        assert "draft" in result.stderr

        plan = account.plan(tmp_path, "--format", "json")
        assert plan.exit_code == 2, plan.output
        changes = json.loads(plan.stdout)["accounts"][0]["plan"]["changes"]
        assert [(c["action"], c["address"]) for c in changes] == [
            ("submit-for-review", "cnam.acme-sales.submit")
        ]


def test_quiet_prints_nothing_but_writes_the_files(tmp_path: Path) -> None:
    with served(_small(status="draft")) as account:
        result = account.cli("import", "--out", str(tmp_path), global_options=("--quiet",))
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / "acme-corp.yaml").exists()


@pytest.mark.parametrize("verbosity", ["-v", "-vv"])
def test_verbose_logs_every_request_and_never_the_credentials(
    verbosity: str, tmp_path: Path
) -> None:
    planted = "PLANTED-auth-token-4f1d9c"
    with served(_small(), token=planted) as account:
        result = account.cli("import", "--out", str(tmp_path), global_options=(verbosity,))
        assert result.exit_code == 0, result.output
        requests = account.emulator.stats()["total_requests"]

    lines = [line for line in result.stderr.splitlines() if line.startswith("DEBUG cnamctl.http:")]
    assert len(lines) == requests  # one line per request, no more, no less
    assert any(
        " GET /v1/TrustProducts -> 200 (" in line and line.endswith(" ms)") for line in lines
    )
    assert any(
        f"GET /2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json -> 200" in line
        for line in lines
    )

    basic = base64.b64encode(f"{ACCOUNT}:{planted}".encode()).decode()
    written = "".join(p.read_text() for p in tmp_path.iterdir())
    for text in (result.output, result.stderr, written):
        assert planted not in text
        assert basic not in text
