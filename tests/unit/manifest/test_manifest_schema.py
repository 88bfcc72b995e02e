from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from cnamctl.manifest import manifest_json_schema


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = manifest_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _documents(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def test_schema_shape() -> None:
    schema = manifest_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {ref["$ref"].rsplit("/", 1)[-1] for ref in schema["oneOf"]} == {
        "BusinessProfile", "CnamProfile", "ShakenStirProfile", "VoiceIntegrityProfile",
        "OutgoingCallerId", "Settings", "Account",
    }  # fmt: skip
    assert schema["discriminator"]["propertyName"] == "kind"
    cnam = schema["$defs"]["CnamProfile"]
    assert cnam["additionalProperties"] is False
    assert {"displayName", "businessProfile", "phoneNumbers", "callerNameLookup"} <= set(
        cnam["properties"]
    )
    assert cnam["properties"]["displayName"]["maxLength"] == 15
    assert cnam["properties"]["email"]["description"]
    assert schema["$defs"]["PruneSettings"]["additionalProperties"] is False


def test_example_and_good_manifests_validate(validator, fixtures: Path) -> None:
    repo = fixtures.parents[2]
    paths = [
        *sorted((repo / "manifests").glob("*.yaml")),
        *sorted((fixtures / "good").rglob("*.y*ml")),
    ]
    paths = [p for p in paths if not any(part.startswith(".") for part in p.parts[-3:])]
    documents = [d for p in paths for d in _documents(p)]
    assert len(documents) >= 10
    for document in documents:
        assert list(validator.iter_errors(document)) == [], document


@pytest.mark.parametrize(
    "change",
    [
        {"displayname": "ACME"},
        {"kind": "CNAMProfile"},
        {"apiVersion": "cnamctl/v2"},
        {"phoneNumbers": "+14155550100"},
        {"name": "Acme Corp"},
        {"displayName": "ACME SALES AND SERVICE"},
    ],
)
def test_bad_documents_do_not_validate(validator, change: dict[str, Any]) -> None:
    document = {
        "apiVersion": "cnamctl/v1",
        "kind": "CnamProfile",
        "name": "acme-sales",
        "businessProfile": "acme",
        "displayName": "ACME SALES",
        "email": "trust@acme.example",
    }
    assert validator.is_valid(document)
    assert not validator.is_valid({**document, **change})


def test_business_profile_needs_an_identity(validator) -> None:
    document = {"apiVersion": "cnamctl/v1", "kind": "BusinessProfile", "name": "acme"}
    assert not validator.is_valid(document)
    assert validator.is_valid({**document, "sid": "BU" + "0" * 32})
