"""Account documents scope the documents of their directory tree."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cnamctl.errors import ManifestError, UsageError
from cnamctl.manifest import load_manifests, load_workspace

SID_A = "AC" + "a" * 32
SID_B = "AC" + "b" * 32


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def _account(name: str, sid: str, creds: str = "") -> str:
    return f"apiVersion: cnamctl/v1\nkind: Account\nname: {name}\nsid: {sid}\n{creds}"


def _profile(name: str) -> str:
    return f"apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: {name}\nfriendlyName: Co\n"


def test_each_account_gets_its_directory_tree(tmp_path):
    _write(tmp_path / "a/account.yaml", _account("customer-a", SID_A))
    _write(tmp_path / "a/sub/bp.yaml", _profile("acme"))
    _write(
        tmp_path / "b/account.yaml",
        _account("customer-b", SID_B, "credentials:\n  authTokenEnv: B_TOKEN\n"),
    )
    _write(tmp_path / "b/bp.yaml", _profile("acme"))  # same name, other account: fine
    sets = load_workspace([str(tmp_path)])
    assert [s.account.name for s in sets] == ["customer-a", "customer-b"]
    assert [list(s.business_profiles) for s in sets] == [["acme"], ["acme"]]
    assert sets[1].account.credentials.auth_token_env == "B_TOKEN"
    assert sets[0].account.credentials is None
    with pytest.raises(UsageError, match="2 accounts"):
        load_manifests([str(tmp_path)])


def test_without_accounts_there_is_one_set(tmp_path):
    _write(tmp_path / "bp.yaml", _profile("acme"))
    (only,) = load_workspace([str(tmp_path)])
    assert only.account is None


def test_scope_problems_are_reported_at_their_lines(tmp_path):
    _write(tmp_path / "a/account.yaml", _account("a", SID_A) + "---\n" + _account("a2", SID_B))
    _write(tmp_path / "b/account.yaml", _account("b", SID_A))
    _write(tmp_path / "loose.yaml", _profile("acme"))
    with pytest.raises(ManifestError) as err:
        load_workspace([str(tmp_path)])
    messages = sorted(str(p) for p in err.value.problems)
    assert len(messages) == 3
    assert any("a/account.yaml:6: a directory can hold one Account" in m for m in messages)
    assert any(f"b/account.yaml:4: account {SID_A} is already declared" in m for m in messages)
    assert any("loose.yaml:1: this document belongs to no Account" in m for m in messages)


def test_credentials_need_a_complete_way(tmp_path):
    _write(tmp_path / "a/account.yaml", _account("a", SID_A, "credentials:\n  apiKeyEnv: K\n"))
    with pytest.raises(ManifestError, match="apiKeyEnv and apiSecretEnv go together"):
        load_workspace([str(tmp_path)])
