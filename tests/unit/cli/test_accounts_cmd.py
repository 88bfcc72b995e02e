"""`cnamctl accounts`: the accounts of a tree as CI jobs, offline. The paths listed
for a job load exactly that job's accounts; shards are balanced and deterministic;
bad manifests are reported exactly as `validate` reports them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cnamctl.cli import main
from cnamctl.fanout import ListedAccount, jobs
from cnamctl.manifest import load_workspace

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # artifact names, concurrency groups


def account_doc(name: str, sid: str) -> str:
    return f"apiVersion: cnamctl/v1\nkind: Account\nname: {name}\nsid: {sid}\n"


def cnam_doc(numbers: list[str], profile: str = "brand") -> str:
    listed = ", ".join(f'"{n}"' for n in numbers)
    return (
        "apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: main\nfriendlyName: Acme Corp\n---\n"
        f"apiVersion: cnamctl/v1\nkind: CnamProfile\nname: {profile}\nbusinessProfile: main\n"
        f"displayName: ACME CORP\nemail: ops@example.com\nphoneNumbers: [{listed}]\n"
    )


def sid(i: int) -> str:
    return f"AC{i:032d}"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """acme (3 numbers), beta with a nested account gamma below it, and delta whose
    documents are split over subdirectories; paths are relative to the checkout."""
    monkeypatch.chdir(tmp_path)
    root = Path("manifests")
    write(root / "customers/acme/account.yaml", account_doc("acme", sid(1)))
    write(
        root / "customers/acme/cnam.yaml",
        cnam_doc(["+14155550100", "+14155550101", "+14155550102"]),
    )
    write(root / "customers/beta/account.yaml", account_doc("beta", sid(2)))
    write(root / "customers/beta/brands/cnam.yaml", cnam_doc(["+14155550200"]))
    write(root / "customers/beta/gamma/account.yaml", account_doc("gamma", sid(3)))
    write(root / "customers/beta/gamma/cnam.yaml", cnam_doc(["+14155550300"]))
    write(root / "delta/account.yaml", account_doc("delta", sid(4)))
    write(root / "delta/a/b/cnam.yaml", cnam_doc(["+14155550400", "+14155550401"]))
    return root


def listing(*args: str) -> dict:
    result = CliRunner().invoke(main, ["accounts", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def same_documents(a, b) -> bool:
    return a.model_dump(exclude={"files"}) == b.model_dump(exclude={"files"})


def test_every_accounts_paths_load_that_account_and_nothing_else(tree: Path):
    doc = listing(str(tree))
    whole = {s.account.name: s for s in load_workspace([str(tree)])}
    assert [a["name"] for a in doc["accounts"]] == ["acme", "beta", "delta", "gamma"]
    by_name = {a["name"]: a for a in doc["accounts"]}
    assert by_name["acme"]["paths"] == ["manifests/customers/acme"]
    assert by_name["delta"]["paths"] == ["manifests/delta"]
    assert by_name["gamma"]["paths"] == ["manifests/customers/beta/gamma"]
    # gamma is below beta's directory: beta is given its own files, not the directory
    assert by_name["beta"]["paths"] == [
        "manifests/customers/beta/account.yaml",
        "manifests/customers/beta/brands/cnam.yaml",
    ]
    for entry in doc["accounts"]:
        (alone,) = load_workspace(entry["paths"])
        assert alone.account is not None and alone.account.name == entry["name"]
        assert entry["sid"] == alone.account.sid
        assert same_documents(alone, whole[entry["name"]])
    assert by_name["acme"]["directory"] == "manifests/customers/acme"
    assert by_name["acme"]["weight"] == 1 + 1 + 1 + 3  # three documents, three numbers


def test_one_job_per_account_is_the_matrix(tree: Path):
    doc = listing(str(tree))
    assert doc["format_version"] == 1 and doc["sharded"] is False
    include = doc["include"]
    assert [j["key"] for j in include] == ["acme", "beta", "delta", "gamma"]
    acme = include[0]
    assert acme["title"] == f"acme ({sid(1)})"
    assert acme["accounts"] == ["acme"] and acme["sids"] == [sid(1)]
    assert acme["path_lines"] == "manifests/customers/acme"
    assert [a["job"] for a in doc["accounts"]] == ["acme", "beta", "delta", "gamma"]


def test_shards_hold_every_account_once_and_load_as_listed(tree: Path):
    doc = listing("--shards", "2", str(tree))
    include = doc["include"]
    assert doc["sharded"] is True and [j["key"] for j in include] == ["shard-1", "shard-2"]
    assert sorted(a for j in include for a in j["accounts"]) == ["acme", "beta", "delta", "gamma"]
    for job in include:
        assert job["path_lines"].splitlines() == job["paths"]
        sets = load_workspace(job["paths"])
        assert [s.account.name for s in sets if s.account] == job["accounts"]
        assert job["weight"] == sum(a["weight"] for a in doc["accounts"] if a["job"] == job["key"])
    weights = [j["weight"] for j in include]
    assert max(weights) - min(weights) <= max(a["weight"] for a in doc["accounts"])


def test_more_shards_than_accounts_gives_one_shard_each(tree: Path):
    include = listing("--shards", "12", str(tree))["include"]
    assert [j["key"] for j in include] == ["shard-1", "shard-2", "shard-3", "shard-4"]
    assert all(len(j["accounts"]) == 1 for j in include)


def test_files_given_one_by_one_are_listed_one_by_one(tree: Path):
    files = ["manifests/delta/account.yaml", "manifests/delta/a/b/cnam.yaml"]
    (delta,) = listing(*files)["accounts"]
    assert delta["paths"] == files  # not the directory: the tree was not walked from there


def test_without_account_documents_the_one_job_is_the_paths_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(Path("m/cnam.yaml"), cnam_doc(["+14155550100"]))
    doc = listing("m", "m/cnam.yaml")
    assert doc["accounts"] == [
        {
            "name": None,
            "sid": None,
            "directory": None,
            "paths": ["m", "m/cnam.yaml"],
            "weight": 3,
            "job": "default",
        }
    ]
    assert doc["include"][0]["key"] == "default" and doc["include"][0]["title"] == "default"


def test_text_output(tree: Path):
    result = CliRunner().invoke(main, ["accounts", "--shards", "2", str(tree)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "4 accounts, 2 jobs:"
    assert re.fullmatch(r"shard-1 \(2 accounts\), weight \d+:", lines[1])
    assert f"  acme ({sid(1)})  manifests/customers/acme  (weight 6)" in lines


def test_bad_manifests_are_reported_as_validate_reports_them(tree: Path):
    write(tree / "customers/acme/cnam.yaml", cnam_doc(["+1415555O100"]))
    write(tree / "customers/acme/dup.yaml", account_doc("other", sid(2)))
    listed = CliRunner().invoke(main, ["accounts", "--format", "json", str(tree)])
    validated = CliRunner().invoke(main, ["validate", str(tree)])
    assert listed.exit_code == validated.exit_code == 1
    assert listed.stdout == ""  # nothing a matrix could be made of
    assert listed.stderr == validated.stderr
    assert "manifests/customers/acme/cnam.yaml:" in listed.stderr
    assert re.search(
        r"manifests/customers/acme/dup\.yaml:1: a directory can hold one Account", listed.stderr
    )


def test_a_directory_name_that_cannot_be_typed_is_refused_at_its_account(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    odd = Path("m") / "bad\x1bname"
    write(odd / "account.yaml", account_doc("odd", sid(5)))
    write(Path("m/fine/account.yaml"), account_doc("fine", sid(6)))
    result = CliRunner().invoke(main, ["accounts", "--format", "json", "m"])
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        "error: m/bad\\x1bname/account.yaml:1: account odd: the path m/bad\\x1bname"
        in result.stderr
    )
    assert "\x1b" not in result.stderr


def test_a_directory_name_with_spaces_is_listed_as_it_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(Path("m/big customer/account.yaml"), account_doc("big", sid(7)))
    (big,) = listing("m")["accounts"]
    assert big["paths"] == ["m/big customer"] and os.path.isdir(big["paths"][0])


def test_a_note_when_there_are_more_jobs_than_a_github_matrix_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for i in range(257):
        write(Path(f"m/c{i:03d}/account.yaml"), account_doc(f"c{i:03d}", sid(i + 1)))
    many = CliRunner().invoke(main, ["accounts", "--format", "json", "m"])
    assert many.exit_code == 0 and len(json.loads(many.stdout)["include"]) == 257
    assert "note: 257 jobs; a GitHub Actions matrix runs at most 256: pass --shards" in many.stderr
    sharded = CliRunner().invoke(main, ["accounts", "--shards", "8", "m"])
    assert sharded.exit_code == 0 and "note:" not in sharded.stderr


# --- shards as properties ----------------------------------------------------------

names = st.text("abcdefghij0123456789-", min_size=1, max_size=6).filter(lambda s: s[0] != "-")
weighted = st.dictionaries(names, st.integers(1, 500), min_size=1, max_size=40)


def listed(weights: dict[str, int]) -> list[ListedAccount]:
    return [ListedAccount(n, None, n, (n,), w) for n, w in weights.items()]


@given(weights=weighted, shards=st.integers(1, 12), seed=st.randoms())
def test_shards_are_balanced_complete_and_deterministic(weights, shards, seed):
    accounts = listed(weights)
    groups = jobs(accounts, shards=shards)
    assert len(groups) == min(shards, len(accounts))
    members = [a.name for g in groups for a in g.accounts]
    assert sorted(members) == sorted(weights)  # every account in exactly one shard
    loads = [g.weight for g in groups]
    assert max(loads) - min(loads) <= max(weights.values())
    for g in groups:
        assert KEY.match(g.key) and [a.name for a in g.accounts] == sorted(
            a.name for a in g.accounts
        )
    shuffled = list(accounts)
    seed.shuffle(shuffled)
    assert jobs(shuffled, shards=shards) == groups


@given(weights=weighted)
def test_without_shards_one_job_per_account_in_name_order(weights):
    groups = jobs(listed(weights))
    assert [g.key for g in groups] == sorted(weights)
    assert all(len(g.accounts) == 1 and not g.sharded for g in groups)


def test_validate_takes_the_same_tree_of_several_accounts(tree: Path):
    """What the fan-out workflows run before listing: every account, one summary line each."""
    result = CliRunner().invoke(main, ["validate", str(tree)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "4 accounts, 8 files — valid"
    assert lines[1] == f"  acme ({sid(1)}): 2 resources: 1 BusinessProfile, 1 CnamProfile"
    assert [line.split()[0] for line in lines[1:]] == ["acme", "beta", "delta", "gamma"]
