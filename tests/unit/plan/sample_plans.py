"""Hand-built plans for the renderer and saved-plan tests, and the golden-file check.

Golden files live in ``golden/``. After an intended change of output, regenerate
them and review the diff:

    CNAMCTL_UPDATE_GOLDEN=1 /work/venv/bin/pytest -q tests/unit/plan -p no:cacheprovider
"""

from __future__ import annotations

import os
from pathlib import Path

from cnamctl.errors import Location
from cnamctl.plan.model import Action, Change, Notice, NoticeLevel, Plan, ref

GOLDEN = Path(__file__).parent / "golden"
ACCOUNT = "AC00000000000000000000000000000001"

SALES = "cnam.acme-sales"
SALES_PRODUCT = "BU11111111111111111111111111111111"
SALES_USER = "IT11111111111111111111111111111111"
OLD_PRODUCT = "BU22222222222222222222222222222222"
BUSINESS_PROFILE = "BU33333333333333333333333333333333"
NUMBER = "PN11111111111111111111111111111111"
OTHER_NUMBER = "PN22222222222222222222222222222222"
CALLER_ID = "PN33333333333333333333333333333333"
ASSIGNMENT = "RA11111111111111111111111111111111"
CNAM_POLICY = "RN0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"
SHAKEN_PRODUCT = "BU44444444444444444444444444444444"
VI_PRODUCT = "BU55555555555555555555555555555555"

SALES_YAML = "manifests/cnam.yaml"
CALLER_IDS_YAML = "manifests/caller-ids.yaml"
TRUST_YAML = "manifests/trusted-calling.yaml"


def every_action() -> Plan:
    """One change of every Action, as the planner would make them."""
    support = "cnam.acme-support"
    changes = [
        Change(
            address='cnam.acme-old.number["+14155550111"]',
            action=Action.UNASSIGN_CNAM_NUMBER,
            before="acme-old",
            params={
                "trust_product": OLD_PRODUCT,
                "assignment": ASSIGNMENT,
                "number": OTHER_NUMBER,
                "phone_number": "+14155550111",
            },
            reason="number no longer declared on a CNAM profile",
        ),
        Change(
            address='voice-integrity.acme-calls.number["+14155550111"]',
            action=Action.UNASSIGN_PRODUCT_NUMBER,
            before="acme-calls",
            params={
                "trust_product": VI_PRODUCT,
                "assignment": ASSIGNMENT,
                "number": OTHER_NUMBER,
                "phone_number": "+14155550111",
            },
            reason="not declared (prune.voiceIntegrityNumbers)",
            location=Location(TRUST_YAML, 14),
        ),
        Change(
            address=f"{SALES}.end-user",
            action=Action.CREATE_END_USER,
            after={"cnam_display_name": "ACME SALES"},
            params={
                "friendly_name": "acme-sales",
                "type": "cnam_information",
                "attributes": {"cnam_display_name": "ACME SALES"},
            },
            reason="new CNAM profile",
            location=Location(SALES_YAML, 4),
        ),
        Change(
            address=f"{support}.end-user",
            action=Action.UPDATE_END_USER,
            before={"cnam_display_name": "ACME HELP"},
            after={"cnam_display_name": "ACME SUPPORT"},
            params={"end_user": SALES_USER, "attributes": {"cnam_display_name": "ACME SUPPORT"}},
            reason="display name changed",
            location=Location(SALES_YAML, 21),
        ),
        Change(
            address=SALES,
            action=Action.CREATE_TRUST_PRODUCT,
            after="acme-sales",
            params={
                "friendly_name": "acme-sales",
                "email": "cnam@acme.example",
                "policy_sid": CNAM_POLICY,
            },
            reason="new CNAM profile",
            location=Location(SALES_YAML, 2),
        ),
        Change(
            address=support,
            action=Action.UPDATE_TRUST_PRODUCT,
            before="old@acme.example",
            after="cnam@acme.example",
            params={"trust_product": SALES_PRODUCT, "email": "cnam@acme.example"},
            reason="email changed",
            location=Location(SALES_YAML, 20),
        ),
        Change(
            address=f'{SALES}.entity["business-profile"]',
            action=Action.ASSIGN_ENTITY,
            after="acme",
            params={"trust_product": ref(SALES), "object": BUSINESS_PROFILE},
            depends_on=(SALES,),
            location=Location(SALES_YAML, 3),
        ),
        Change(
            address='business-profile.acme.number["+14155550100"]',
            action=Action.ASSIGN_BUSINESS_PROFILE_NUMBER,
            params={
                "business_profile": BUSINESS_PROFILE,
                "number": NUMBER,
                "phone_number": "+14155550100",
            },
            reason="a CNAM number must be on the business profile first",
            location=Location(SALES_YAML, 8),
        ),
        Change(
            address=f'{SALES}.number["+14155550100"]',
            action=Action.ASSIGN_CNAM_NUMBER,
            before="acme-old",
            after="acme-sales",
            params={"trust_product": ref(SALES), "number": NUMBER, "phone_number": "+14155550100"},
            depends_on=(
                f'{SALES}.entity["business-profile"]',
                'business-profile.acme.number["+14155550100"]',
                'cnam.acme-old.number["+14155550111"]',
            ),
            location=Location(SALES_YAML, 8),
        ),
        Change(
            address='shaken-stir.acme-calls.number["+14155550100"]',
            action=Action.ASSIGN_PRODUCT_NUMBER,
            after="acme-calls",
            params={
                "trust_product": SHAKEN_PRODUCT,
                "number": NUMBER,
                "phone_number": "+14155550100",
            },
            reason="sign calls from +14155550100 with A-level attestation",
            location=Location(TRUST_YAML, 7),
        ),
        Change(
            address=f"{SALES}.submit",
            action=Action.SUBMIT_FOR_REVIEW,
            before="draft",
            after="pending-review",
            params={"trust_product": ref(SALES)},
            depends_on=(SALES, f"{SALES}.end-user", f'{SALES}.number["+14155550100"]'),
            location=Location(SALES_YAML, 2),
        ),
        Change(
            address='number["+14155550100"].caller-name-lookup',
            action=Action.SET_CALLER_NAME_LOOKUP,
            before=False,
            after=True,
            params={"number": NUMBER, "phone_number": "+14155550100", "enabled": True},
            location=Location(SALES_YAML, 9),
        ),
        Change(
            address='caller-id["+14155550199"]',
            action=Action.CREATE_VALIDATION_REQUEST,
            after="Front desk",
            params={"phone_number": "+14155550199", "friendly_name": "Front desk"},
            reason="Twilio calls the number with a verification code",
            location=Location(CALLER_IDS_YAML, 3),
        ),
        Change(
            address='caller-id["+14155550198"]',
            action=Action.UPDATE_CALLER_ID,
            before="Old name",
            after="Back office",
            params={"caller_id": CALLER_ID, "friendly_name": "Back office"},
            location=Location(CALLER_IDS_YAML, 6),
        ),
        Change(
            address='caller-id["+14155550197"]',
            action=Action.DELETE_CALLER_ID,
            before="Gone",
            params={"caller_id": CALLER_ID, "phone_number": "+14155550197"},
            reason="not declared (prune.callerIds)",
        ),
        Change(
            address=f'cnam.acme-old.product["{OLD_PRODUCT}"]',
            action=Action.DELETE_TRUST_PRODUCT,
            before="acme-old",
            params={"trust_product": OLD_PRODUCT},
            reason="superseded by cnam.acme-old.replacement",
        ),
    ]
    return Plan(
        account_sid=ACCOUNT,
        changes=changes,
        fingerprints={
            BUSINESS_PROFILE: "0123456789abcdef",
            NUMBER: "1111222233334444",
            OLD_PRODUCT: "aaaabbbbccccdddd",
        },
        unchanged=4,
    )


def empty() -> Plan:
    """Live state already matches: no changes, nothing to report."""
    return Plan(account_sid=ACCOUNT, fingerprints={NUMBER: "1111222233334444"}, unchanged=7)


def with_notices() -> Plan:
    """A small plan with notices of every level, with and without manifest lines."""
    return Plan(
        account_sid=ACCOUNT,
        changes=[
            Change(
                address=f'{SALES}.number["+14155550100"]',
                action=Action.ASSIGN_CNAM_NUMBER,
                after="acme-sales",
                params={
                    "trust_product": SALES_PRODUCT,
                    "number": NUMBER,
                    "phone_number": "+14155550100",
                },
                reason="declared on acme-sales",
                location=Location(SALES_YAML, 8),
            ),
        ],
        notices=[
            Notice(
                address=SALES,
                level=NoticeLevel.ERROR,
                message="Twilio rejected the display name",
                location=Location(SALES_YAML, 5),
                status="twilio-rejected",
                error_codes=(22214, 22216),
            ),
            Notice(
                address="cnam.acme-support",
                level=NoticeLevel.INFO,
                message="in review since 2024-05-01",
                location=Location(SALES_YAML, 20),
                status="in-review",
            ),
            Notice(
                address='cnam-product["BU99999999999999999999999999999999"]',
                level=NoticeLevel.WARNING,
                message="CNAM trust product not in the manifests (left alone)",
            ),
        ],
        fingerprints={SALES_PRODUCT: "5555666677778888"},
        unchanged=2,
    )


def assert_golden(name: str, actual: str) -> None:
    """``actual`` equals golden/<name>; with CNAMCTL_UPDATE_GOLDEN=1, rewrite it instead."""
    path = GOLDEN / name
    if os.environ.get("CNAMCTL_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}; run with CNAMCTL_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"output differs from {path}; if intended, regenerate with CNAMCTL_UPDATE_GOLDEN=1"
    )
