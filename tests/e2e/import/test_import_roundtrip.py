"""`cnamctl import` against a seeded emulator account of 2,000+ numbers.

The account mixes what an import must declare (approved, rejected and in-review
CNAM products, one made through the twilio SDK, namesake business profiles, caller
IDs) with what it must skip and report (an invalid product name, two products of
one name, a product without a display name, a draft business profile, a toll-free
number). The contract: the written files load, and `plan` on them right after
changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from import_world import ACCOUNT, SHAKEN_POLICY_SID, Account, numbers, served

from cnamctl import CNAM_POLICY_SID
from cnamctl.manifest import load_manifests
from cnamctl.twilio import Credentials, make_client

ACME = numbers("+1415200", 0, 1_900)
BETA = numbers("+1650200", 0, 100)
TOLL_FREE = "+18005550100"
BETA_SID = "BU" + "a" * 32
LOOKUP_ON = set(ACME[:1_200]) | set(BETA[10:30])  # all of acme-sales, some of beta-main


def _account() -> dict[str, Any]:
    product = {"email": "trust@acme.example"}
    return {
        "incoming_numbers": [
            {"phone_number": n, "voice_caller_id_lookup": n in LOOKUP_ON} for n in ACME + BETA
        ]
        + [TOLL_FREE],
        "outgoing_caller_ids": [
            {"phone_number": n, "friendly_name": f"Agent {i}"}
            for i, n in enumerate(numbers("+1212555", 1000, 150))
        ]
        + [{"phone_number": "+442071838750", "friendly_name": "London office"}],
        "business_profiles": [
            {"friendly_name": "Acme Corp", "phone_numbers": [*ACME, TOLL_FREE]},
            {"friendly_name": "Beta, Inc.", "sid": BETA_SID, "phone_numbers": BETA},
            {"friendly_name": "Beta, Inc.", "sid": "BU" + "b" * 32},  # a namesake: both are pinned
            {"friendly_name": "Caller IDs"},  # its file must not clash with caller-ids.yaml
            {"friendly_name": "Gamma LLC", "status": "draft"},
        ],
        "trust_products": [
            {**product, "friendly_name": "acme-sales", "status": "twilio-approved",
             "business_profile": "Acme Corp", "display_name": "ACME SALES",
             "phone_numbers": ACME[:1_200]},
            {**product, "friendly_name": "acme-support", "status": "twilio-rejected",
             "errors": [11009], "business_profile": "Acme Corp",
             "display_name": "ACME Support", "phone_numbers": ACME[1_200:1_300]},
            {**product, "friendly_name": "acme-review", "status": "in-review",
             "business_profile": "Acme Corp", "display_name": "ACME Review",
             "phone_numbers": ACME[1_300:1_400]},
            {**product, "friendly_name": "Acme Legacy Brand", "status": "twilio-approved",
             "business_profile": "Acme Corp", "display_name": "ACME LEGACY",
             "phone_numbers": ACME[1_400:1_450]},
            {**product, "friendly_name": "no-display", "status": "twilio-approved",
             "business_profile": "Acme Corp"},
            {**product, "friendly_name": "beta-brand", "status": "twilio-approved",
             "business_profile": BETA_SID, "display_name": "BETA",
             "phone_numbers": BETA[:5]},
            {**product, "friendly_name": "beta-brand", "status": "in-review", "sid": "BU" + "c" * 32,
             "business_profile": BETA_SID, "display_name": "BETA BRAND",
             "phone_numbers": BETA[5:10]},
            {**product, "friendly_name": "beta-main", "status": "twilio-approved",
             "business_profile": BETA_SID, "display_name": "Beta Main",
             "phone_numbers": BETA[10:60]},
            {"friendly_name": "gamma-brand", "status": "draft", "business_profile": "Gamma LLC",
             "display_name": "GAMMA"},
            {"friendly_name": "Acme SHAKEN", "policy_sid": SHAKEN_POLICY_SID,
             "status": "twilio-approved", "business_profile": "Acme Corp"},
        ],
    }  # fmt: skip


def _create_with_sdk(account: Account) -> str:
    """A CNAM product made the way the Console or a script would: raw SDK calls."""
    client = make_client(Credentials(ACCOUNT, ACCOUNT, account.token), account.base_url)
    trusthub = client.trusthub.v1
    profile = trusthub.customer_profiles.list(friendly_name="Acme Corp")[0]
    user = trusthub.end_users.create(
        friendly_name="acme-sdk end user",
        type="cnam_information",
        attributes={"cnam_display_name": "ACME SDK"},
    )
    product = trusthub.trust_products.create(
        friendly_name="acme-sdk", email="sdk@acme.example", policy_sid=CNAM_POLICY_SID
    )
    entities = trusthub.trust_products(product.sid).trust_products_entity_assignments
    entities.create(object_sid=profile.sid)
    entities.create(object_sid=user.sid)
    endpoints = trusthub.trust_products(product.sid).trust_products_channel_endpoint_assignment
    incoming = client.api.v2010.accounts(ACCOUNT).incoming_phone_numbers
    for e164 in ACME[1_450:1_460]:
        number = incoming.list(phone_number=e164)[0]
        endpoints.create(channel_endpoint_type="phone-number", channel_endpoint_sid=number.sid)
    trusthub.trust_products(product.sid).update(status="pending-review")
    account.emulator.approve(product.sid)
    return product.sid


@pytest.fixture(scope="module")
def account() -> Any:
    with served(_account(), review_mode="manual") as acct:
        _create_with_sdk(acct)
        yield acct


@pytest.fixture(scope="module")
def imported(account: Account, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("imported") / "manifests"
    writes_before = account.emulator.stats()["writes"]
    result = account.import_to(out)
    assert result.exit_code == 0, result.output
    assert account.emulator.stats()["writes"] == writes_before  # import only reads
    return out, result


def test_writes_one_file_per_approved_business_profile_and_the_caller_ids(imported: Any) -> None:
    out, _ = imported
    assert sorted(p.name for p in out.iterdir()) == [
        "acme-corp.yaml",
        "beta-inc-2.yaml",
        "beta-inc.yaml",
        "caller-ids-2.yaml",
        "caller-ids.yaml",
    ]


def test_the_files_load_and_hold_what_the_account_holds(imported: Any) -> None:
    out, _ = imported
    manifests = load_manifests([out])

    assert sorted(manifests.cnam_profiles) == [
        "acme-review",
        "acme-sales",
        "acme-sdk",
        "acme-support",
        "beta-main",
    ]
    sales = manifests.cnam_profiles["acme-sales"]
    assert (sales.business_profile, sales.display_name, sales.email) == (
        "acme-corp",
        "ACME SALES",
        "trust@acme.example",
    )
    assert sales.phone_numbers == sorted(ACME[:1_200])
    assert sales.caller_name_lookup is True  # every one of its numbers has lookup on
    assert manifests.cnam_profiles["beta-main"].caller_name_lookup is None  # only some do
    assert manifests.cnam_profiles["acme-sdk"].phone_numbers == ACME[1_450:1_460]

    acme = manifests.business_profiles["acme-corp"]
    assert (acme.friendly_name, acme.sid) == ("Acme Corp", None)
    # numbers its CNAM profiles brand are implied; the skipped product's are listed
    branded = {n for p in manifests.cnam_profiles.values() for n in p.phone_numbers}
    assert acme.phone_numbers == sorted(set(ACME) - branded)
    assert set(ACME[1_400:1_450]) <= set(acme.phone_numbers)
    betas = [manifests.business_profiles[n] for n in ("beta-inc", "beta-inc-2")]
    assert all(b.friendly_name == "Beta, Inc." and b.sid for b in betas)

    assert len(manifests.caller_ids) == 151
    assert manifests.caller_ids["+442071838750"].friendly_name == "London office"


def test_comments_name_the_sids(imported: Any, account: Account) -> None:
    out, _ = imported
    text = (out / "acme-corp.yaml").read_text()
    assert text.startswith(f"# Imported from Twilio account {ACCOUNT}")
    assert "status twilio-approved" in text
    assert "status twilio-rejected, errors 11009" in text
    assert text.count("# trust product BU") == 4


def test_what_cannot_be_declared_is_reported_on_stderr(imported: Any) -> None:
    _, result = imported
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    text = "\n".join(skipped)
    assert "'Gamma LLC'" in text and "its status is draft" in text
    assert "'gamma-brand'" in text
    assert "'Acme Legacy Brand'" in text and "not a valid manifest name" in text
    assert "CNAM products named 'beta-brand'" in text and "2 share this one" in text
    assert "'no-display'" in text and "no cnam_information end user" in text
    assert f"{TOLL_FREE} of business profile 'Acme Corp'" in text and "toll-free" in text
    assert "SHAKEN" not in result.stderr  # not a CNAM product: not even mentioned
    assert len(skipped) == 6
    assert "5 CNAM profiles" in result.stdout


def test_plan_right_after_import_changes_nothing(imported: Any, account: Account) -> None:
    out, _ = imported
    result = account.plan(out)
    # the account holds a rejected product: not as declared (exit 2), nothing to change
    assert result.exit_code == 2, result.output
    assert "No changes to make, but not as declared: 1 product rejected by Twilio." in result.stdout

    as_json = account.plan(out, "--format", "json")
    assert as_json.exit_code == 2, as_json.output
    assert json.loads(as_json.stdout)["accounts"][0]["plan"]["changes"] == []


def test_importing_again_writes_the_same_bytes(
    imported: Any, account: Account, tmp_path: Path
) -> None:
    out, _ = imported
    again = tmp_path / "again"
    assert account.import_to(again).exit_code == 0
    for path in out.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
