from __future__ import annotations

import json
import os
import stat
from dataclasses import replace

import pytest
import sample_plans
from sample_plans import ACCOUNT, BUSINESS_PROFILE, NUMBER, OLD_PRODUCT

from cnamctl.apply.prepare import is_saved_plan
from cnamctl.errors import UsageError
from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
)
from cnamctl.manifest.model import SafetySettings
from cnamctl.plan.model import Action, Change, Plan
from cnamctl.plan.saved import load_plan, save_plan, stale_objects

SAMPLES = [sample_plans.every_action, sample_plans.empty, sample_plans.with_notices]


@pytest.fixture
def path(tmp_path):
    return tmp_path / "plan.json"


# --- save and load ---------------------------------------------------------------


@pytest.mark.parametrize("make", SAMPLES, ids=lambda f: f.__name__)
def test_round_trip_gives_the_same_plan(make, path):
    plan = make()
    save_plan(plan, path)
    loaded = load_plan(path)
    assert loaded == plan
    assert [c.params for c in loaded.changes] == [c.params for c in plan.changes]
    assert all(isinstance(c.action, Action) for c in loaded.changes)
    assert all(isinstance(c.depends_on, tuple) for c in loaded.changes)


def test_saved_document_has_what_apply_needs(path):
    plan = sample_plans.every_action()
    save_plan(plan, path)
    doc = json.loads(path.read_text())
    assert doc["format_version"] == 1
    assert doc["account_sid"] == ACCOUNT
    assert doc["fingerprints"] == plan.fingerprints
    assert doc["unchanged"] == 4
    submit = next(c for c in doc["changes"] if c["action"] == "submit-for-review")
    assert submit["params"] == {"trust_product": "@cnam.acme-sales"}
    assert submit["location"] == {"file": "manifests/cnam.yaml", "line": 2}
    assert "cnam.acme-sales" in submit["depends_on"]


def test_saved_plan_is_recognised_by_apply(path):
    save_plan(sample_plans.empty(), path)
    assert is_saved_plan([str(path)])


def test_safety_settings_round_trip(path):
    safety = SafetySettings(max_delete_percent=50, max_unassign_percent=5, min_existing=2)
    save_plan(sample_plans.every_action(), path, safety=safety)
    assert json.loads(path.read_text())["safety"] == {
        "max_delete_percent": 50.0,
        "max_unassign_percent": 5.0,
        "min_existing": 2,
    }
    loaded = load_plan(path)
    assert loaded.safety == safety
    # saving a loaded plan again keeps what it was made under
    again = path.with_name("again.json")
    save_plan(loaded, again)
    assert load_plan(again).safety == safety


def test_without_safety_settings_none_is_saved(path):
    save_plan(sample_plans.empty(), path)
    assert json.loads(path.read_text())["safety"] is None
    assert load_plan(path).safety is None


def test_byte_identical_for_the_same_plan(tmp_path):
    save_plan(sample_plans.every_action(), tmp_path / "a.json")
    save_plan(sample_plans.every_action(), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert (tmp_path / "a.json").read_text().endswith("}\n")


def test_file_is_private_to_the_owner(path):
    path.write_text("old")
    path.chmod(0o644)
    save_plan(sample_plans.every_action(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_credentials_in_a_saved_plan(path, monkeypatch):
    token = "f00dfeedf00dfeedf00dfeedf00dfeed"
    secret = "sekrit-api-secret-value"
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", token)
    monkeypatch.setenv("TWILIO_API_SECRET", secret)
    save_plan(sample_plans.every_action(), path, safety=SafetySettings())
    content = path.read_bytes()
    assert token.encode() not in content
    assert secret.encode() not in content
    assert b"auth" not in content.lower() and b"token" not in content.lower()


def test_a_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path):
    path = tmp_path / "plan.json"
    save_plan(sample_plans.empty(), path)
    before = path.read_bytes()
    unserialisable = Plan(
        ACCOUNT, changes=[Change("x", Action.SUBMIT_FOR_REVIEW, params={"when": object()})]
    )
    with pytest.raises(Exception, match="object"):
        save_plan(unserialisable, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["plan.json"]


def test_write_error_is_a_usage_error_and_cleans_up(tmp_path):
    target = tmp_path / "is-a-dir"
    target.mkdir()
    with pytest.raises(UsageError, match=r"cannot write plan to .*is-a-dir"):
        save_plan(sample_plans.empty(), target)
    assert os.listdir(tmp_path) == ["is-a-dir"]
    with pytest.raises(UsageError, match=r"cannot write plan to .*No such file"):
        save_plan(sample_plans.empty(), tmp_path / "missing" / "plan.json")


# --- load errors ------------------------------------------------------------------


def write_json(path, doc) -> None:
    path.write_text(json.dumps(doc))


def valid_doc(path) -> dict:
    save_plan(sample_plans.every_action(), path)
    return json.loads(path.read_text())


def test_missing_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(UsageError, match=r"cannot read saved plan .*nope\.json: No such file"):
        load_plan(path)


def test_a_directory(tmp_path):
    with pytest.raises(UsageError, match="cannot read saved plan"):
        load_plan(tmp_path)


def test_not_json(path):
    path.write_text("kind: CnamProfile\n")
    with pytest.raises(UsageError, match=r"plan\.json is not a saved cnamctl plan: not valid JSON"):
        load_plan(path)


def test_not_utf8(path):
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(UsageError, match="cannot read saved plan"):
        load_plan(path)


def test_not_an_object(path):
    write_json(path, [1, 2])
    with pytest.raises(UsageError, match="expected a JSON object"):
        load_plan(path)


@pytest.mark.parametrize("version", [2, 0, "1", None, True])
def test_wrong_format_version(path, version):
    doc = valid_doc(path)
    doc["format_version"] = version
    write_json(path, doc)
    with pytest.raises(UsageError, match=rf"plan\.json has plan format_version {version!r}"):
        load_plan(path)


@pytest.mark.parametrize("key", ["format_version", "account_sid", "changes", "fingerprints"])
def test_missing_key(path, key):
    doc = valid_doc(path)
    del doc[key]
    write_json(path, doc)
    with pytest.raises(
        UsageError, match=rf"plan\.json is not a saved cnamctl plan: missing '{key}'"
    ):
        load_plan(path)


def test_damaged_change_names_the_field(path):
    doc = valid_doc(path)
    doc["changes"][2]["action"] = "explode"
    del doc["changes"][3]["address"]
    write_json(path, doc)
    with pytest.raises(UsageError) as err:
        load_plan(path)
    message = str(err.value)
    assert "plan.json is not a valid saved cnamctl plan" in message
    assert "changes.2.action: Input should be" in message
    assert "changes.3.address: Field required" in message


def test_bad_safety_settings(path):
    doc = valid_doc(path)
    doc["safety"] = {"max_delete_percent": 500}
    write_json(path, doc)
    with pytest.raises(UsageError, match="max_delete_percent"):
        load_plan(path)


def test_unknown_keys_are_ignored_so_additions_stay_version_1(path):
    doc = valid_doc(path)
    doc["added_later"] = {"x": 1}
    doc["changes"][0]["added_later"] = True
    write_json(path, doc)
    assert load_plan(path) == sample_plans.every_action()


def test_optional_keys_default(path):
    doc = valid_doc(path)
    for key in ("notices", "unchanged", "safety"):
        del doc[key]
    write_json(path, doc)
    loaded = load_plan(path)
    assert loaded.notices == [] and loaded.unchanged == 0 and loaded.safety is None


# --- stale objects ----------------------------------------------------------------


def snapshot() -> Snapshot:
    return Snapshot(
        account_sid=ACCOUNT,
        numbers={NUMBER: LiveNumber(NUMBER, "+14155550100", "Main", False)},
        business_profiles={
            BUSINESS_PROFILE: LiveBusinessProfile(
                BUSINESS_PROFILE, "acme", "twilio-approved", None, "RN1"
            )
        },
        trust_products={
            OLD_PRODUCT: LiveTrustProduct(OLD_PRODUCT, "acme-old", "twilio-approved", None, "RN2")
        },
        end_users={"IT1": LiveEndUser("IT1", "acme-old", "cnam_information", {"x": 1})},
        caller_ids={"PN9": LiveCallerId("PN9", "+14155550199", "Front desk")},
    )


def planned_on(live: Snapshot) -> Plan:
    return Plan(ACCOUNT, fingerprints=live.fingerprints())


def test_nothing_stale_when_nothing_changed():
    live = snapshot()
    assert stale_objects(planned_on(live), live) == []


def test_new_objects_are_not_stale():
    plan = planned_on(snapshot())
    live = snapshot()
    live.numbers["PN7"] = LiveNumber("PN7", "+14155550177", "New", False)
    live.end_users["IT7"] = LiveEndUser("IT7", "someone", "cnam_information")
    assert stale_objects(plan, live) == []


@pytest.mark.parametrize(
    ("group", "sid", "field", "described"),
    [
        ("numbers", NUMBER, {"voice_caller_id_lookup": True}, "number +14155550100"),
        ("business_profiles", BUSINESS_PROFILE, {"status": "draft"}, "business profile 'acme'"),
        ("trust_products", OLD_PRODUCT, {"email": "x@acme.example"}, "trust product 'acme-old'"),
        ("end_users", "IT1", {"attributes": {"x": 2}}, "end user 'acme-old'"),
        ("caller_ids", "PN9", {"friendly_name": "Lobby"}, "caller ID +14155550199"),
    ],
)
def test_changed_object_is_named_by_kind(group, sid, field, described):
    plan = planned_on(snapshot())
    live = snapshot()
    records = getattr(live, group)
    records[sid] = replace(records[sid], **field)
    assert stale_objects(plan, live) == [f"{sid}: {described} changed"]


@pytest.mark.parametrize(
    ("group", "sid", "kind"),
    [
        ("numbers", NUMBER, "number or caller ID"),
        ("trust_products", OLD_PRODUCT, "trust product or business profile"),
        ("end_users", "IT1", "end user"),
    ],
)
def test_deleted_object(group, sid, kind):
    plan = planned_on(snapshot())
    live = snapshot()
    del getattr(live, group)[sid]
    assert stale_objects(plan, live) == [f"{sid}: {kind} was deleted"]


def test_several_stale_objects_sorted_by_sid():
    plan = planned_on(snapshot())
    live = snapshot()
    del live.caller_ids["PN9"]
    live.trust_products[OLD_PRODUCT] = replace(live.trust_products[OLD_PRODUCT], status="draft")
    assert stale_objects(plan, live) == [
        f"{OLD_PRODUCT}: trust product 'acme-old' changed",
        "PN9: number or caller ID was deleted",
    ]


def test_stale_check_survives_a_save_and_load(path):
    live = snapshot()
    save_plan(planned_on(live), path)
    loaded = load_plan(path)
    assert stale_objects(loaded, live) == []
    live.numbers[NUMBER] = replace(live.numbers[NUMBER], friendly_name="Renamed")
    assert stale_objects(loaded, live) == [f"{NUMBER}: number +14155550100 changed"]
