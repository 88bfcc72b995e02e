"""Saved plans: one file for every account, tamper-evident, explained when stale,
and refused with "FILE is not a usable cnamctl plan: ..." in every way it can be broken."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sample_plans
from hypothesis import given, settings
from hypothesis import strategies as st
from sample_plans import ACCOUNT, BUSINESS_PROFILE, NUMBER, OLD_PRODUCT

from cnamctl.apply.prepare import looks_like_saved_plan
from cnamctl.errors import PlanFileError, UsageError
from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
)
from cnamctl.manifest.model import Account, SafetySettings
from cnamctl.plan import saved as saved_module
from cnamctl.plan.model import Action, Change, Plan
from cnamctl.plan.saved import (
    KEY_ENV,
    SavedAccount,
    field_changes,
    load_saved_plan,
    save_plans,
    stale_objects,
)

KEY = "k" * 32
NO_KEY: dict[str, str] = {}
OTHER = "AC" + "2" * 32


def snapshot(account_sid: str = ACCOUNT) -> Snapshot:
    return Snapshot(
        account_sid=account_sid,
        numbers={NUMBER: LiveNumber(NUMBER, "+14155550100", "Main", False)},
        business_profiles={
            BUSINESS_PROFILE: LiveBusinessProfile(
                BUSINESS_PROFILE, "acme", "twilio-approved", None, "RN1"
            )
        },
        trust_products={
            OLD_PRODUCT: LiveTrustProduct(
                OLD_PRODUCT,
                "acme-old",
                "twilio-approved",
                "old@acme.example",
                "RN2",
                entity_assignments={"IT1": "BV1"},
            )
        },
        end_users={
            "IT1": LiveEndUser("IT1", "acme-old", "cnam_information", {"cnam_display_name": "OLD"})
        },
        caller_ids={"PN9": LiveCallerId("PN9", "+14155550199", "Front desk")},
    )


def planned_on(live: Snapshot, plan: Plan | None = None) -> SavedAccount:
    plan = plan or sample_plans.every_action()
    plan = replace(plan, account_sid=live.account_sid, fingerprints=live.fingerprints())
    return SavedAccount.planned("default account", None, plan, live)


def account(name: str, sid: str) -> Account:
    return Account.model_validate(
        {
            "apiVersion": "cnamctl/v1",
            "kind": "Account",
            "name": name,
            "sid": sid,
            "credentials": {"authTokenEnv": f"TOKEN_{name.upper()}"},
        }
    )


def two_accounts() -> list[SavedAccount]:
    first = planned_on(snapshot())
    second_live = snapshot(OTHER)
    return [
        replace(first, name=f"acme ({ACCOUNT})", account=account("acme", ACCOUNT)),
        replace(
            planned_on(second_live), name=f"globex ({OTHER})", account=account("globex", OTHER)
        ),
        SavedAccount.failed(
            "initech (AC3...)", account("initech", "AC" + "3" * 32), "Twilio refused (401)"
        ),
    ]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "plan.json"


def document(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data


def rewrite(path: Path, doc: dict[str, Any], *, key: str | None = None) -> None:
    """Write ``doc`` back with a correct digest: a well-formed file with other content."""
    body = {k: v for k, v in doc.items() if k != "integrity"}
    method, digest = saved_module._digest(body, key.encode() if key else None)
    path.write_text(json.dumps({**body, "integrity": {"method": method, "digest": digest}}))


# --- save and load ---------------------------------------------------------------


def test_every_account_round_trips_in_one_file(path: Path):
    accounts = two_accounts()
    save_plans(accounts, path, command="cnamctl plan --emulator m/ -o plan.json", env=NO_KEY)
    loaded = load_saved_plan(path, env=NO_KEY)
    assert loaded.command == "cnamctl plan --emulator m/ -o plan.json"
    assert loaded.integrity == "sha256"
    assert [a.name for a in loaded.accounts] == [a.name for a in accounts]
    for got, want in zip(loaded.accounts, accounts, strict=True):
        assert got.plan == want.plan
        assert got.account == want.account
        assert got.objects == want.objects
        assert got.error == want.error
    first = loaded.accounts[0].plan
    assert first is not None
    assert [c.params for c in first.changes] == [
        c.params for c in sample_plans.every_action().changes
    ]
    assert all(isinstance(c.action, Action) for c in first.changes)


def test_saved_document_has_what_apply_needs(path: Path):
    save_plans(two_accounts(), path, command="cnamctl plan m/ -o plan.json", env=NO_KEY)
    doc = document(path)
    assert doc["kind"] == "cnamctl-saved-plan" and doc["format_version"] == 3
    assert doc["planned_with"]["command"] == "cnamctl plan m/ -o plan.json"
    assert doc["integrity"]["method"] == "sha256" and len(doc["integrity"]["digest"]) == 64
    acme, _globex, initech = doc["accounts"]
    assert acme["account"]["sid"] == ACCOUNT
    assert acme["account"]["credentials"] == {"authTokenEnv": "TOKEN_ACME"}  # names, no values
    assert acme["plan"]["account_sid"] == ACCOUNT
    assert set(acme["objects"]) == set(acme["plan"]["fingerprints"])
    product = acme["objects"][OLD_PRODUCT]
    assert (product["kind"], product["name"]) == ("trust product", "acme-old")
    assert product["fields"]["email"] == "old@acme.example"
    assert product["fingerprint"] == acme["plan"]["fingerprints"][OLD_PRODUCT]
    submit = next(c for c in acme["plan"]["changes"] if c["action"] == "submit-for-review")
    assert submit["params"] == {"trust_product": "@cnam.acme-sales"}
    assert submit["location"] == {"file": "manifests/cnam.yaml", "line": 2}
    assert initech["plan"] is None and initech["error"] == "Twilio refused (401)"


def test_safety_settings_are_kept(path: Path):
    safety = SafetySettings(max_delete_percent=50, max_unassign_percent=5, min_existing=2)
    saved = planned_on(snapshot(), replace(sample_plans.every_action(), safety=safety))
    save_plans([saved], path, env=NO_KEY)
    assert document(path)["accounts"][0]["plan"]["safety"] == {
        "max_delete_percent": 50.0,
        "max_unassign_percent": 5.0,
        "min_existing": 2,
    }
    (loaded,) = load_saved_plan(path, env=NO_KEY).accounts
    assert loaded.plan is not None and loaded.plan.safety == safety


def test_byte_identical_for_the_same_plans(tmp_path: Path):
    save_plans(two_accounts(), tmp_path / "a.json", env=NO_KEY)
    save_plans(two_accounts(), tmp_path / "b.json", env=NO_KEY)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert (tmp_path / "a.json").read_text().endswith("}\n")


def test_file_is_private_to_the_owner(path: Path):
    path.write_text("old")
    path.chmod(0o644)
    save_plans(two_accounts(), path, env=NO_KEY)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_credentials_in_a_saved_plan(path: Path, monkeypatch: pytest.MonkeyPatch):
    token = "f00dfeedf00dfeedf00dfeedf00dfeed"
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", token)
    monkeypatch.setenv("TOKEN_ACME", token)
    monkeypatch.setenv(KEY_ENV, KEY)
    save_plans(two_accounts(), path)
    content = path.read_bytes()
    assert token.encode() not in content
    assert KEY.encode() not in content  # the key signs, it is never written


def test_a_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path: Path):
    path = tmp_path / "plan.json"
    save_plans(two_accounts(), path, env=NO_KEY)
    before = path.read_bytes()
    broken = Plan(ACCOUNT, changes=[Change("x", Action.SUBMIT_FOR_REVIEW, params={"x": object()})])
    with pytest.raises(Exception, match="object"):
        save_plans([SavedAccount("a", None, broken)], path, env=NO_KEY)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["plan.json"]


def test_write_error_is_a_usage_error_and_cleans_up(tmp_path: Path):
    target = tmp_path / "is-a-dir"
    target.mkdir()
    with pytest.raises(UsageError, match=r"cannot write plan to .*is-a-dir"):
        save_plans(two_accounts(), target, env=NO_KEY)
    assert os.listdir(tmp_path) == ["is-a-dir"]
    with pytest.raises(UsageError, match=r"cannot write plan to .*No such file"):
        save_plans(two_accounts(), tmp_path / "missing" / "plan.json", env=NO_KEY)


def test_a_saved_plan_is_recognised_by_apply(tmp_path: Path):
    (tmp_path / "plan.json").write_text("")  # even empty: it is then reported as a plan
    (tmp_path / "plan").write_text('  {"kind": "cnamctl-saved-plan"}')
    (tmp_path / "a.yaml").write_text("{apiVersion: cnamctl/v1}")
    assert looks_like_saved_plan([str(tmp_path / "plan.json")])
    assert looks_like_saved_plan([str(tmp_path / "missing.json")])
    assert looks_like_saved_plan([str(tmp_path / "plan")])
    assert not looks_like_saved_plan([str(tmp_path / "a.yaml")])
    assert not looks_like_saved_plan([str(tmp_path)])
    assert not looks_like_saved_plan([str(tmp_path / "plan.json"), str(tmp_path / "a.yaml")])


# --- unusable files: one message, naming the file and what is wrong -------------------


def refused(path: Path, match: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(PlanFileError) as err:
        load_saved_plan(path, env=NO_KEY if env is None else env)
    message = str(err.value)
    assert message.startswith(f"{path} is not a usable cnamctl plan: "), message
    assert match in message, message
    return message


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "it is empty"),
        (b"  \n\t\n", "it is empty"),
        (b"kind: CnamProfile\n", "it is not JSON (line 1, column 1"),
        (b"\xff\xfe{", "it is not UTF-8 text"),
        (b"[1, 2]", "expected a JSON object, found an array"),
        (b'"plan"', "expected a JSON object, found a string"),
        (b"{}", '"kind": "cnamctl-saved-plan"'),
        (b'{"kind": "something-else"}', '"kind": "cnamctl-saved-plan"'),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
        (
            b'{"kind": "cnamctl-saved-plan", "format_version": 2, "accounts": [' * 2000,
            "nested too deeply",
        ),
    ],
    ids=[
        "empty",
        "whitespace",
        "yaml",
        "not-utf8",
        "array",
        "string",
        "empty-object",
        "other-kind",
        "deep-arrays",
        "deep-objects",
        "deep-and-truncated",
    ],
)
def test_broken_files_are_refused_as_plan_files(path: Path, content: bytes, match: str):
    path.write_bytes(content)
    refused(path, match)


def test_a_missing_file_a_directory_and_a_fifo(tmp_path: Path):
    refused(tmp_path / "nope.json", "cannot read it (No such file or directory)")
    refused(tmp_path, "it is a directory")
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    refused(fifo, "not a regular file")  # refused without opening it: no hang


def test_an_oversized_file_is_refused_unread(path: Path, monkeypatch: pytest.MonkeyPatch):
    save_plans(two_accounts(), path, env=NO_KEY)
    monkeypatch.setattr(saved_module, "MAX_PLAN_BYTES", 100)
    refused(path, "more than the 100 a plan may have")


def test_every_truncation_says_the_file_ends_early(path: Path):
    save_plans([planned_on(snapshot())], path, env=NO_KEY)
    whole = path.read_bytes().rstrip()
    for cut in range(1, len(whole), max(1, len(whole) // 97)):
        path.write_bytes(whole[:cut])
        with pytest.raises(
            PlanFileError, match="is not a usable cnamctl plan: its JSON ends early"
        ):
            load_saved_plan(path, env=NO_KEY)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_are_refused_without_a_traceback(tmp_path_factory: Any, data: bytes):
    path = tmp_path_factory.mktemp("fuzz") / "plan.json"
    path.write_bytes(data)
    with pytest.raises(PlanFileError, match="is not a usable cnamctl plan: "):
        load_saved_plan(path, env=NO_KEY)


def test_a_plan_of_the_old_single_account_format(path: Path):
    old = {"format_version": 1, "account_sid": ACCOUNT, "changes": [], "fingerprints": {}}
    path.write_text(json.dumps(old))
    refused(path, "format_version 1, the single-account format of an older cnamctl")


@pytest.mark.parametrize("version", [4, 0, "3", None, True])
def test_another_format_version(path: Path, version: Any):
    save_plans(two_accounts(), path, env=NO_KEY)
    doc = document(path)
    doc["format_version"] = version
    rewrite(path, doc)
    refused(path, f"it has format_version {version!r}, but this cnamctl reads format_version 3")


def test_a_plan_from_before_trusted_calling_is_saved_again(path: Path):
    """Version 2 plans name no policy on their changes: apply assumes none."""
    save_plans(two_accounts(), path, env=NO_KEY)
    doc = document(path)
    doc["format_version"] = 2
    rewrite(path, doc)
    refused(path, "format_version 2, written by a cnamctl from before SHAKEN/STIR")


def test_a_damaged_field_is_named(path: Path):
    save_plans(two_accounts(), path, env=NO_KEY)
    doc = document(path)
    doc["accounts"][0]["plan"]["changes"][2]["action"] = "explode"
    del doc["accounts"][0]["plan"]["changes"][3]["address"]
    rewrite(path, doc)
    message = refused(path, "accounts.0.plan.changes.2.action: Input should be")
    assert "accounts.0.plan.changes.3.address: Field required" in message


def test_a_plan_whose_account_and_sid_disagree(path: Path):
    save_plans(two_accounts(), path, env=NO_KEY)
    doc = document(path)
    doc["accounts"][1]["plan"]["account_sid"] = ACCOUNT
    rewrite(path, doc)
    refused(path, f"the plan of globex ({OTHER}) is for {ACCOUNT}, not {OTHER}")


# --- tamper evidence ------------------------------------------------------------------


def _edit_email(doc: dict[str, Any]) -> None:
    change = next(
        c for c in doc["accounts"][0]["plan"]["changes"] if c["action"] == "create-trust-product"
    )
    change["params"]["email"] = "attacker@evil.example"


def _raise_thresholds(doc: dict[str, Any]) -> None:
    doc["accounts"][0]["plan"]["safety"] = {
        "max_delete_percent": 100,
        "max_unassign_percent": 100,
        "min_existing": 1000000,
    }


def _drop_a_change(doc: dict[str, Any]) -> None:
    doc["accounts"][0]["plan"]["changes"].pop()


def _swap_credentials(doc: dict[str, Any]) -> None:
    doc["accounts"][0]["account"]["credentials"] = {"authTokenEnv": "TOKEN_GLOBEX"}


def _edit_an_object(doc: dict[str, Any]) -> None:
    doc["accounts"][0]["objects"][OLD_PRODUCT]["fields"]["status"] = "draft"


def _forge_the_digest(doc: dict[str, Any]) -> None:
    doc["integrity"]["digest"] = "0" * 64


@pytest.mark.parametrize(
    "edit",
    [
        _edit_email,
        _raise_thresholds,
        _drop_a_change,
        _swap_credentials,
        _edit_an_object,
        _forge_the_digest,
    ],
)
def test_a_changed_file_is_refused(path: Path, edit: Any):
    save_plans(two_accounts(), path, env=NO_KEY)
    doc = document(path)
    edit(doc)
    path.write_text(json.dumps(doc, indent=2))
    refused(path, "it was changed after `cnamctl plan` wrote it (its sha256 digest does not match")


def test_reformatting_the_file_changes_nothing(path: Path):
    """The digest covers the content, not the layout: a pretty-printer may touch it."""
    save_plans(two_accounts(), path, env=NO_KEY)
    path.write_text(json.dumps(document(path), indent=4, sort_keys=False))
    assert len(load_saved_plan(path, env=NO_KEY).accounts) == 3


def test_with_a_key_the_plan_is_signed_and_only_the_key_opens_it(path: Path):
    key = {KEY_ENV: KEY}
    assert save_plans(two_accounts(), path, env=key) == "hmac-sha256"
    assert document(path)["integrity"]["method"] == "hmac-sha256"
    assert load_saved_plan(path, env=key).integrity == "hmac-sha256"
    refused(path, f"it is signed (hmac-sha256), and {KEY_ENV} is not set", env=NO_KEY)
    refused(path, "its signature does not match", env={KEY_ENV: "x" * 32})

    doc = document(path)
    _edit_email(doc)
    rewrite(path, doc)  # a correct sha256 of the edited content: no key, no signature
    refused(path, "it is not signed, and CNAMCTL_PLAN_KEY is set", env=key)

    doc = document(path)
    rewrite(path, doc, key="y" * 32)  # signed, with another key
    refused(path, "its signature does not match", env=key)


def test_a_short_key_is_refused(path: Path):
    with pytest.raises(UsageError, match="shorter than 16 characters"):
        save_plans(two_accounts(), path, env={KEY_ENV: "short"})


# --- stale objects: each object that moved, field by field ------------------------


def test_nothing_stale_when_nothing_changed():
    live = snapshot()
    assert stale_objects(planned_on(live), live) == []


def test_new_objects_are_not_stale():
    saved = planned_on(snapshot())
    live = snapshot()
    live.numbers["PN7"] = LiveNumber("PN7", "+14155550177", "New", False)
    live.end_users["IT7"] = LiveEndUser("IT7", "someone", "cnam_information")
    assert stale_objects(saved, live) == []


@pytest.mark.parametrize(
    ("group", "sid", "field", "label", "line"),
    [
        (
            "numbers",
            NUMBER,
            {"voice_caller_id_lookup": True},
            f"number '+14155550100' ({NUMBER})",
            "voice_caller_id_lookup: false -> true",
        ),
        (
            "business_profiles",
            BUSINESS_PROFILE,
            {"status": "draft"},
            f"business profile 'acme' ({BUSINESS_PROFILE})",
            'status: "twilio-approved" -> "draft"',
        ),
        (
            "trust_products",
            OLD_PRODUCT,
            {"email": "x@acme.example"},
            f"trust product 'acme-old' ({OLD_PRODUCT})",
            'email: "old@acme.example" -> "x@acme.example"',
        ),
        (
            "end_users",
            "IT1",
            {"attributes": {"cnam_display_name": "NEW"}},
            "end user 'acme-old' (IT1)",
            'attributes.cnam_display_name: "OLD" -> "NEW"',
        ),
        (
            "caller_ids",
            "PN9",
            {"friendly_name": "Lobby"},
            "caller ID '+14155550199' (PN9)",
            'friendly_name: "Front desk" -> "Lobby"',
        ),
    ],
)
def test_a_changed_object_is_named_with_each_field(group, sid, field, label, line):
    saved = planned_on(snapshot())
    live = snapshot()
    records = getattr(live, group)
    records[sid] = replace(records[sid], **field)
    (stale,) = stale_objects(saved, live)
    assert (stale.sid, stale.label, stale.changes) == (sid, label, (line,))
    assert stale.lines() == [f"{label}:", f"  {line}"]


def test_nested_assignments_are_diffed_key_by_key():
    saved = planned_on(snapshot())
    live = snapshot()
    product = live.trust_products[OLD_PRODUCT]
    live.trust_products[OLD_PRODUCT] = replace(
        product, entity_assignments={"IT2": "BV2"}, number_assignments={NUMBER: "RA1"}
    )
    (stale,) = stale_objects(saved, live)
    assert stale.changes == (
        'entity_assignments.IT1: "BV1" -> (none)',
        'entity_assignments.IT2: (none) -> "BV2"',
        f'number_assignments.{NUMBER}: (none) -> "RA1"',
    )


def test_a_deleted_object_is_named_as_it_was():
    saved = planned_on(snapshot())
    live = snapshot()
    del live.trust_products[OLD_PRODUCT]
    (stale,) = stale_objects(saved, live)
    assert stale.deleted and stale.lines() == [f"trust product 'acme-old' ({OLD_PRODUCT}): deleted"]


def test_several_stale_objects_sorted_by_sid_and_long_field_lists_cut():
    saved = planned_on(snapshot())
    live = snapshot()
    del live.caller_ids["PN9"]
    many = {f"PN{i:032d}": f"RA{i}" for i in range(30)}
    live.trust_products[OLD_PRODUCT] = replace(
        live.trust_products[OLD_PRODUCT], number_assignments=many
    )
    product, caller = stale_objects(saved, live)
    assert (product.sid, caller.sid) == (OLD_PRODUCT, "PN9")
    assert len(product.changes) == 30
    assert product.lines()[-1] == "  ... and 20 more fields" and len(product.lines()) == 12


def test_stale_check_survives_a_save_and_load(path: Path):
    live = snapshot()
    save_plans([planned_on(live)], path, env=NO_KEY)
    (loaded,) = load_saved_plan(path, env=NO_KEY).accounts
    assert stale_objects(loaded, live) == []
    live.numbers[NUMBER] = replace(live.numbers[NUMBER], friendly_name="Renamed")
    (stale,) = stale_objects(loaded, live)
    assert stale.changes == ('friendly_name: "Main" -> "Renamed"',)


def test_field_values_are_shortened_and_inert():
    (line,) = field_changes({"name": "a"}, {"name": "\x1b]0;pwned\x07" + "x" * 500})
    assert "\x1b" not in line and "\\u001b" in line and "characters)" in line
