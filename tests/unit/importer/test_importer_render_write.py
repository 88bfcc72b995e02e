"""Rendering imported documents as YAML, and writing the files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cnamctl.errors import UsageError
from cnamctl.importer import ImportedDocument, ImportedFile, render_file, write_import
from cnamctl.manifest import BusinessProfile, OutgoingCallerId


def _file() -> ImportedFile:
    bp = BusinessProfile.model_validate(
        {
            "apiVersion": "cnamctl/v1",
            "kind": "BusinessProfile",
            "name": "cafe",
            "friendlyName": "Café: yes",
            "phoneNumbers": ["+14152000001"],
        }
    )
    caller = OutgoingCallerId.model_validate(
        {"apiVersion": "cnamctl/v1", "kind": "OutgoingCallerId", "phoneNumber": "+14155550199"}
    )
    return ImportedFile(
        "cafe.yaml",
        (ImportedDocument(bp, ("business profile BU1", "second line")), ImportedDocument(caller)),
    )


def test_render_file() -> None:
    text = render_file(_file(), header=("Imported.",))
    assert text == (
        "# Imported.\n"
        "# business profile BU1\n"
        "# second line\n"
        "apiVersion: cnamctl/v1\n"
        "kind: BusinessProfile\n"
        "name: cafe\n"
        "friendlyName: 'Café: yes'\n"
        "phoneNumbers:\n"
        '  - "+14152000001"\n'
        "---\n"
        "apiVersion: cnamctl/v1\n"
        "kind: OutgoingCallerId\n"
        'phoneNumber: "+14155550199"\n'
    )
    first, second = yaml.safe_load_all(text)
    assert first["friendlyName"] == "Café: yes"
    assert second == {
        "apiVersion": "cnamctl/v1",
        "kind": "OutgoingCallerId",
        "phoneNumber": "+14155550199",
    }


def test_write_creates_the_directory(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    written = write_import({"z.yaml": "z: 1\n", "a.yaml": "a: 1\n"}, out)
    assert written == [out / "a.yaml", out / "z.yaml"]
    assert (out / "z.yaml").read_text() == "z: 1\n"


def test_write_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("mine\n")
    with pytest.raises(UsageError, match=r"refusing to overwrite .*b\.yaml.*--force"):
        write_import({"a.yaml": "new\n", "b.yaml": "new\n"}, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.yaml"]
    assert (tmp_path / "b.yaml").read_text() == "mine\n"

    write_import({"a.yaml": "new\n", "b.yaml": "new\n"}, tmp_path, force=True)
    assert (tmp_path / "b.yaml").read_text() == "new\n"


def test_write_into_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("")
    with pytest.raises(UsageError, match="not a directory"):
        write_import({"a.yaml": ""}, target, force=True)
