from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnamctl.errors import Location, ManifestError
from cnamctl.manifest import ManifestSet, PruneSettings, SafetySettings, load_manifests
from cnamctl.manifest.loader import EMPTY_FILE


def _problems(paths: list[str | Path]) -> list[str]:
    with pytest.raises(ManifestError) as info:
        load_manifests(paths)
    return [str(p) for p in info.value.problems]


def test_multi_document_file_with_national_numbers(fixtures: Path) -> None:
    path = str(fixtures / "good" / "multi-doc.yaml")
    manifests = load_manifests([path])

    acme = manifests.business_profiles["acme"]
    assert acme.sid == "BU" + "a" * 32 and acme.friendly_name is None
    assert acme.phone_numbers == ["+14155550100", "+14155550101", "+14155550102"]
    sales = manifests.cnam_profiles["acme-sales"]
    assert sales.phone_numbers == ["+14155550100", "+14155550104"]
    assert sales.caller_name_lookup is True
    assert list(manifests.caller_ids) == ["+14155550199"]
    assert manifests.caller_ids["+14155550199"].phone_number == "+14155550199"
    assert manifests.prune == PruneSettings(cnam_profiles=True)
    assert manifests.safety == SafetySettings(max_delete_percent=50, min_existing=3)
    assert manifests.files == [path]

    assert acme.source == Location(path, 5)
    assert acme.loc("phoneNumbers.2") == Location(path, 12)
    assert sales.source == Location(path, 14)
    assert sales.loc("displayName") == Location(path, 18)
    assert sales.loc("phoneNumbers.1") == Location(path, 23)
    assert sales.loc("phoneNumbers.7") == Location(path, 21)  # nearest enclosing field
    assert sales.loc("nope") == sales.source
    assert manifests.settings is not None
    assert manifests.settings.loc("prune.cnamProfiles") == Location(path, 34)


def test_directory_walk(fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixtures / "good")
    manifests = load_manifests(["tree"])
    assert manifests.files == [
        "tree/10-business.yaml",
        "tree/caller-ids.yaml",
        "tree/cnam/sales.yml",
        "tree/cnam/support.yaml",
        "tree/empty.yaml",
        "tree/settings.yaml",
    ]  # sorted, recursive, .yml too; hidden files and directories and notes.txt skipped
    assert sorted(manifests.cnam_profiles) == ["acme-sales", "acme-support"]
    support = manifests.cnam_profiles["acme-support"]
    assert support.phone_numbers == ["+14155550101", "+12125550102"]
    assert support.loc("email") == Location("tree/cnam/support.yaml", 6)
    assert list(manifests.caller_ids) == ["+18005550199", "+442071838750"]
    assert manifests.settings is not None and manifests.prune == PruneSettings()


def test_paths_keep_the_users_spelling(fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixtures / "good")
    manifests = load_manifests(["tree/cnam/sales.yml", "./tree/"])
    assert manifests.files[:2] == ["tree/cnam/sales.yml", "./tree/10-business.yaml"]
    assert "./tree/cnam/sales.yml" not in manifests.files  # a file is read once
    assert manifests.cnam_profiles["acme-sales"].source == Location("tree/cnam/sales.yml", 1)


def test_example_manifests_load(fixtures: Path) -> None:
    repo = fixtures.parents[2]
    manifests = load_manifests([repo / "manifests"])
    assert isinstance(manifests, ManifestSet)
    assert manifests.business_profiles["acme"].phone_numbers[-1] == "+14155550103"
    assert set(manifests.cnam_profiles) == {"acme-sales", "acme-support"}


def test_missing_paths_are_all_reported(tmp_path: Path) -> None:
    assert _problems([tmp_path / "nope", tmp_path / "gone.yaml"]) == [
        f"{tmp_path / 'gone.yaml'}: no such file or directory",
        f"{tmp_path / 'nope'}: no such file or directory",
    ]


def test_no_paths() -> None:
    assert _problems([]) == ["no manifest paths given"]


def test_problems_from_several_files_are_sorted(fixtures: Path, monkeypatch) -> None:
    monkeypatch.chdir(fixtures / "bad")
    problems = _problems(
        ["bad-yaml-syntax.yaml", "bad-duplicate-key.yaml", "bad-unknown-kind.yaml"]
    )
    assert [p.split(":")[0] for p in problems] == [
        "bad-duplicate-key.yaml",
        "bad-unknown-kind.yaml",
        "bad-unknown-kind.yaml",
        "bad-yaml-syntax.yaml",
    ]


def test_references_are_not_checked_when_a_file_did_not_parse(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: [\n")
    (tmp_path / "b.yaml").write_text(
        "apiVersion: cnamctl/v1\nkind: CnamProfile\nname: s\nbusinessProfile: acme\n"
        "displayName: ACME\nemail: a@acme.example\n"
    )
    problems = _problems([tmp_path])
    assert len(problems) == 1 and "YAML syntax error" in problems[0]


def test_invalid_business_profile_still_counts_for_references(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: acme\nsid: nope\n---\n"
        "apiVersion: cnamctl/v1\nkind: CnamProfile\nname: s\nbusinessProfile: acme\n"
        "displayName: ACME\nemail: a@acme.example\n"
    )
    assert _problems([tmp_path / "a.yaml"]) == [
        f"{tmp_path / 'a.yaml'}:4: sid: 'nope' is not valid: 'BU' followed by 32 hexadecimal digits"
    ]


def test_models_normalise_numbers_outside_the_loader() -> None:
    from cnamctl.manifest import CnamProfile

    profile = CnamProfile(
        api_version="cnamctl/v1",
        kind="CnamProfile",
        name="x",
        business_profile="acme",
        display_name="ACME",
        email="a@acme.example",
        phone_numbers=["(415) 555-0100"],
    )
    assert profile.phone_numbers == ["+14155550100"]
    assert profile.source is None and profile.loc("name") is None


# --- files that declare nothing, and files that are not manifests (issue 11) ------------


@pytest.mark.parametrize(
    "text", ["", "\n\n", "---\n", "---\n---\n...\n", "# only\n# comments\n", "~\n", "--- null\n"]
)
def test_a_file_declaring_nothing_is_a_warning_naming_it(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("m/empty.yaml").write_text(text)
    Path("m/real.yaml").write_text(
        "apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: a\nfriendlyName: A\n---\n"
    )
    with caplog.at_level(logging.WARNING, logger="cnamctl.manifest"):
        manifests = load_manifests(["m"])
    assert list(manifests.business_profiles) == ["a"]
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("cnamctl.manifest", "WARNING", f"m/empty.yaml:1: {EMPTY_FILE}")
    ]


SECRETS = st.one_of(
    st.text(st.sampled_from("0123456789abcdef"), min_size=32, max_size=32),
    st.from_regex(r"ghp_[A-Za-z0-9]{36}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9+/]{40}", fullmatch=True),
)
SHAPES = st.sampled_from(
    [
        "{s}\n",
        "TWILIO_AUTH_TOKEN={s}\n",
        "token: {s}\n",
        '{{"type": "service_account", "private_key": "{s}"}}\n',
        "apiVersion: v1\nkind: Secret\ndata:\n  token: {s}\n",
        "- {s}\n- {s}\n",
        "kind: {s}\n",
        "apiVersion: {s}\n",
        "*{s}\n",
        "!{s} x\n",
        "{s}: [\n",
        "'{s}\n",
    ]
)


@settings(max_examples=150, database=None, deadline=None)
@given(SECRETS, SHAPES)
def test_the_content_of_a_file_that_is_not_a_manifest_is_never_quoted(
    secret: str, shape: str
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "stray.yaml"
        path.write_text(shape.format(s=secret), encoding="utf-8")
        with pytest.raises(ManifestError) as info:
            load_manifests([path])
    shown = "\n".join(str(p) for p in info.value.problems)
    assert secret[4:] not in shown
    assert all(p.location is not None and p.location.file == str(path) for p in info.value.problems)
