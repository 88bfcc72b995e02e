"""Which trust-product policies a plan manages: its scope.

CNAM is always in scope (``ProductSpec.in_scope_by_default``), as it always was.
SHAKEN/STIR and Voice Integrity are in scope only when the manifests declare a
profile of their kind or set one of their ``prune`` switches. Out of scope, a
policy's products are not read, planned, reported or counted: an account whose
SHAKEN/STIR product was made in the Console, managed by manifests without any
ShakenStirProfile, is exactly as it was before cnamctl knew SHAKEN/STIR
(docs/ownership.md).
"""

from __future__ import annotations

from cnamctl.manifest.model import ManifestSet
from cnamctl.policies import SPECS, ProductSpec


def in_scope(desired: ManifestSet) -> tuple[ProductSpec, ...]:
    """The policies ``desired`` manages, in the order of ``SPECS``."""
    prune = desired.prune
    return tuple(
        spec
        for spec in SPECS
        if spec.in_scope_by_default
        or desired.profiles(spec)
        or prune.products(spec)
        or prune.numbers(spec)
    )


def policies_of(desired: ManifestSet) -> tuple[str, ...]:
    """The policy SIDs whose products a plan of ``desired`` reads."""
    return tuple(spec.policy_sid for spec in in_scope(desired))
