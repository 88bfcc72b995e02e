"""The JSON Schema of one manifest document, generated from the pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from cnamctl.manifest.model import Document

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def manifest_json_schema() -> dict[str, Any]:
    """A draft 2020-12 schema: a oneOf over the kinds, discriminated by ``kind``,
    camelCase keys, no additional properties."""
    schema = TypeAdapter(Document).json_schema(by_alias=True, mode="validation")
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "cnamctl manifest document",
        "description": "One YAML document of a cnamctl manifest (apiVersion cnamctl/v1).",
        **schema,
    }
