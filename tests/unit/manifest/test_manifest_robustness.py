"""Whatever the input, load_manifests returns a ManifestSet or raises ManifestError
whose problems point into the file: never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnamctl.errors import ManifestError
from cnamctl.manifest import load_manifests

KEYS = [
    "apiVersion", "kind", "name", "friendlyName", "sid", "phoneNumbers", "phoneNumber",
    "businessProfile", "displayName", "email", "callerNameLookup", "prune", "safety",
    "cnamProfiles", "minExisting", "maxDeletePercent", "displayname", "x",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(
        [
            "cnamctl/v1",
            "BusinessProfile",
            "CnamProfile",
            "OutgoingCallerId",
            "Settings",
            "acme",
            "+14155550100",
            "(800) 555-0100",
            "ACME SALES",
            "a@b.example",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)
DOCUMENTS = st.lists(
    st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8) | VALUES, max_size=4
)
FAST = settings(
    max_examples=60, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _load(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "m.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_manifests([path])
        except ManifestError as err:
            assert err.problems
            for problem in err.problems:
                assert problem.location is not None and problem.location.file == str(path)
                assert problem.location.line >= 1


@FAST
@given(DOCUMENTS)
def test_any_documents(documents: list[object]) -> None:
    _load(yaml.safe_dump_all(documents))


@FAST
@given(st.text(alphabet=st.sampled_from(list("ab:- \n\"'[]{}#&*!|>%@`\t,?")), max_size=60))
def test_any_text(text: str) -> None:
    _load(text)
