"""The admin API under /_emulator/."""

from __future__ import annotations

import time

from .helpers import ACCOUNT


def test_health_and_stats(served):
    http = served.http(auth=None)
    health = http.get(served.url("/_emulator/health")).json()
    assert health["status"] == "ok" and ACCOUNT in health["accounts"]
    served.client().trusthub.v1.trust_products.list()
    http.get(served.url("/v1/TrustProducts"))  # 401: counted too
    stats = http.get(served.url("/_emulator/stats")).json()
    assert stats == served.emu.stats()
    assert stats["requests"]["GET /v1/TrustProducts"] == 2
    assert stats["total_requests"] == 2 and stats["responses_by_status"] == {"200": 1, "401": 1}
    assert set(stats["faults"]) == {"error-500", "reset", "commit-then-drop"}
    reset = http.post(served.url("/_emulator/stats/reset")).json()
    assert reset["total_requests"] == 0


def test_stats_name_path_templates(served):
    http = served.http()
    http.get(served.url("/v1/TrustProducts/BU" + "1" * 32 + "/ChannelEndpointAssignments"))
    http.get(served.url("/nowhere"))
    requests_by_route = served.emu.stats()["requests"]
    assert (
        requests_by_route["GET /v1/TrustProducts/{TrustProductSid}/ChannelEndpointAssignments"] == 1
    )
    assert requests_by_route["GET <unmatched>"] == 1


def test_config_get_and_patch(served):
    http = served.http(auth=None)
    config = http.get(served.url("/_emulator/config")).json()
    assert config["review_mode"] == "auto-approve" and config["rate_limit"] is None
    patched = http.patch(
        served.url("/_emulator/config"), json={"review_mode": "manual", "latency_ms": 5}
    )
    assert patched.status_code == 200 and patched.json()["review_mode"] == "manual"
    assert served.emu.config.latency_ms == 5
    for bad in ({"review_mode": "never"}, {"fault_rate": 2}, {"nope": 1}, {"latency_ms": "fast"}):
        answer = http.patch(served.url("/_emulator/config"), json=bad)
        assert answer.status_code == 400 and "error" in answer.json()
    assert http.patch(served.url("/_emulator/config"), data="not json").status_code == 400
    assert served.emu.config.review_mode == "manual"


def test_admin_errors(served):
    http = served.http(auth=None)
    assert (
        http.post(served.url("/_emulator/trust-products/BU" + "0" * 32 + "/approve")).status_code
        == 404
    )
    assert http.get(served.url("/_emulator/trust-products/x/approve")).status_code == 405
    assert http.get(served.url("/_emulator/unknown")).status_code == 404
    bad_codes = http.post(
        served.url("/_emulator/trust-products/x/reject"), json={"error_codes": ["a"]}
    )
    assert bad_codes.status_code == 400
    missing = http.post(served.url("/_emulator/validation-requests/complete"), json={})
    assert missing.status_code == 400


def test_customer_profile_admin_decisions(served):
    client = served.client()
    draft = client.trusthub.v1.customer_profiles.list(friendly_name="Acme Draft")[0]
    http = served.http(auth=None)
    approved = http.post(served.url(f"/_emulator/customer-profiles/{draft.sid}/approve")).json()
    assert approved["status"] == "twilio-approved"
    assert client.trusthub.v1.customer_profiles(draft.sid).fetch().status == "twilio-approved"
    # The kind in the path must match.
    assert (
        http.post(served.url(f"/_emulator/trust-products/{draft.sid}/approve")).status_code == 404
    )


def test_faults_latency_and_rate_limit_change_at_run_time(served):
    admin = served.http(auth=None)
    twilio = served.http()
    config = served.url("/_emulator/config")
    policies = served.url("/v1/Policies")
    assert twilio.get(policies).status_code == 200

    admin.patch(config, json={"fault_rate": 1.0, "fault_kinds": ["error-500"]})
    assert twilio.get(policies).status_code == 500
    admin.patch(config, json={"fault_rate": 0.0})
    assert twilio.get(policies).status_code == 200

    admin.patch(config, json={"rate_limit": 1})
    statuses = [twilio.get(policies).status_code for _ in range(4)]
    assert statuses[0] == 200 and 429 in statuses
    admin.patch(config, json={"rate_limit": None})
    assert [twilio.get(policies).status_code for _ in range(4)] == [200] * 4

    admin.patch(config, json={"latency_ms": 60})
    started = time.perf_counter()
    twilio.get(policies)
    assert time.perf_counter() - started >= 0.06

    stats = admin.get(served.url("/_emulator/stats")).json()
    assert stats["faults"]["error-500"] == 1 and stats["rate_limited"] == statuses.count(429)


def test_admin_paths_are_not_twilio_paths(served):
    """The admin API lives under /_emulator/ only; Twilio paths never reach it."""
    product = "BU" + "0" * 32
    answer = served.http().post(served.url(f"/v1/TrustProducts/{product}/approve"))
    assert (answer.status_code, answer.json()["code"]) == (404, 20404)
    assert "error" in served.http(auth=None).get(served.url("/_emulator")).json()
