"""Property-based conformance: schemathesis drives every implemented operation.

The (vendored) specs are cut down to the operations the emulator serves; generated
requests are authenticated for the seeded account and must never get a 5xx, and
every documented response must match its schema (and the SchemaGuard of the
``serve`` fixture checks error bodies too). Bounded for CI.
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from support.contract import SPEC_FILES, load_spec
from support.seeds import ACCOUNT, TOKEN, small_seed_with_products

from cnamctl import CNAM_POLICY_SID

MAX_EXAMPLES = 6


def implemented_spec(name: str) -> dict[str, Any]:
    from cnamctl.emulator import Emulator

    emu = Emulator()
    try:
        served = {(method.lower(), template) for method, template in emu.operations()}
    finally:
        emu.close()
    spec = load_spec(name)
    paths = {}
    for template, item in spec["paths"].items():
        kept = {
            k: v
            for k, v in item.items()
            if k not in ("get", "post", "delete", "put", "patch") or (k, template) in served
        }
        if any(k in ("get", "post", "delete") for k in kept):
            paths[template] = kept
    spec["paths"] = paths
    _relative_page_uris(spec)
    return spec


def _relative_page_uris(spec: dict[str, Any]) -> None:
    """API 2010 page URIs are relative on Twilio ("/2010-04-01/..."), though the spec
    gives them ``format: uri`` (absolute); accept them as Twilio sends them."""
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                for name, prop in schema.get("properties", {}).items():
                    if name.endswith("uri") and isinstance(prop, dict):
                        prop.pop("format", None)


def known_sids(served: Any) -> dict[str, str]:
    """Path parameter (or instance template) -> a SID that exists in the seed."""

    def first(sql: str) -> str:
        with served.emu.store.transaction() as conn:
            return str(
                conn.execute(
                    sql + " AND account_sid = ? ORDER BY sid LIMIT 1", (ACCOUNT,)
                ).fetchone()[0]
            )

    profile = first("SELECT sid FROM bundles WHERE kind = 'customer_profile'")
    product = first("SELECT sid FROM bundles WHERE kind = 'trust_product'")
    accounts = "/2010-04-01/Accounts/{AccountSid}"
    return {
        "AccountSid": ACCOUNT,
        "CustomerProfileSid": profile,
        "TrustProductSid": product,
        "/v1/CustomerProfiles/{Sid}": profile,
        "/v1/TrustProducts/{Sid}": product,
        "/v1/EndUsers/{Sid}": first("SELECT sid FROM end_users WHERE 1"),
        "/v1/Policies/{Sid}": CNAM_POLICY_SID,
        f"{accounts}/IncomingPhoneNumbers/{{Sid}}.json": first(
            "SELECT sid FROM phone_numbers WHERE 1"
        ),
        f"{accounts}/OutgoingCallerIds/{{Sid}}.json": first("SELECT sid FROM caller_ids WHERE 1"),
    }


def run_schema(spec: dict[str, Any], served: Any) -> int:
    from hypothesis import HealthCheck, Phase, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    schema = schemathesis.openapi.from_dict(spec)
    # Deletions last, so the other operations still find the seeded objects.
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: op.method.upper() == "DELETE",
    )
    sids = known_sids(served)
    checked = 0
    for operation in operations:

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy())
        def check(case: Any) -> None:
            params = case.path_parameters or {}
            for name in params:
                if name in sids:
                    params[name] = sids[name]
                elif name == "Sid" and case.operation.path in sids:
                    params[name] = sids[case.operation.path]
            case.call_and_validate(
                base_url=served.base_url,
                auth=(ACCOUNT, TOKEN),
                checks=[not_a_server_error, response_schema_conformance],
            )

        check()
        checked += 1
    return checked


@pytest.mark.parametrize("name", SPEC_FILES)
def test_schemathesis(serve, name):
    served = serve(seed=small_seed_with_products())
    prefix = {"trusthub": "/v1/", "api": "/2010-04-01/", "lookups": "/v2/"}[name.split("_")[1]]
    expected = [op for op in served.emu.operations() if op[1].startswith(prefix)]
    checked = run_schema(implemented_spec(name), served)
    assert checked == len(expected)
    assert served.emu.stats()["responses_by_status"].get("500") is None
