"""Manifest names for live objects."""

from __future__ import annotations

import re

import pytest

from cnamctl.importer.names import UniqueNames, is_valid_name, slugify
from cnamctl.manifest.model import NAME_PATTERN


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Acme Corp", "acme-corp"),
        ("Acme Corp, Inc.", "acme-corp-inc"),
        ("  --Acme__Corp--  ", "acme__corp"),
        ("Société Générale", "societe-generale"),
        ("v1.2 profile", "v1.2-profile"),
        ("株式会社", "fallback"),
        ("", "fallback"),
        ("x" * 80, "x" * 64),
        ("a" * 63 + " b", "a" * 63),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text, "fallback") == slug
    assert re.match(NAME_PATTERN, slug) and len(slug) <= 64


def test_unique_names_ignore_case_and_keep_the_length_limit() -> None:
    names = UniqueNames(reserved=("caller-ids",))
    assert names.claim("caller-ids") == "caller-ids-2"
    assert names.claim("acme") == "acme"
    assert names.claim("ACME") == "ACME-2"
    assert names.claim("acme") == "acme-3"
    long = "l" * 64
    assert names.claim(long) == long
    assert names.claim(long) == "l" * 62 + "-2"


@pytest.mark.parametrize(
    ("name", "valid"),
    [("acme-sales", True), ("Acme.Sales_2", True), ("Acme Sales", False), ("-a", False),
     ("a" * 64, True), ("a" * 65, False), ("", False)],
)  # fmt: skip
def test_is_valid_name(name: str, valid: bool) -> None:
    assert is_valid_name(name) is valid
