"""The live snapshot: plain, immutable records of what the account holds.

Only what planning needs is kept. Each record can give a fingerprint (a short
hash of the fields planning depends on), which saved plans record so that
``apply`` can tell, object by object, whether the world moved since ``plan``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from cnamctl.policies import DEFAULT_POLICIES, spec_of_policy


def fingerprint(record: Any) -> str:
    """A stable 16-hex-digit digest of a dataclass record's fields.

    Flat records (numbers, caller IDs: nearly all of a large fleet) are digested
    from the ``repr`` of their field values, which is deterministic for str, bool
    and None; records holding mappings go through JSON with sorted keys, so the
    order Twilio listed their assignments in does not matter."""
    fields = vars(record)
    if all(isinstance(v, _FLAT) for v in fields.values()):
        return hashlib.sha256(repr(tuple(fields.items())).encode()).hexdigest()[:16]
    return hashlib.sha256(_sorted_json(fields)).hexdigest()[:16]


def _sorted_json(fields: dict[str, Any]) -> bytes:
    """``json.dumps(fields, sort_keys=True, separators=(",", ":"), default=list)``,
    encoded: the bytes digests have always been taken of. orjson writes the same
    bytes for ASCII text but DEL, about ten times faster (a business profile holds up to
    10,000 assignments); for anything else, json.dumps, which escapes non-ASCII."""
    try:
        payload = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS, default=list)
    except orjson.JSONEncodeError:  # what orjson does not write (a key that is no str)
        payload = None
    if payload is not None and payload.isascii() and b"\x7f" not in payload:  # DEL too
        return payload
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=list).encode()


_FLAT = (str, bool, int, float, type(None))


def error_codes(errors: Iterable[Any]) -> list[int]:
    """The Twilio error codes in a trust product's ``errors`` (``[{"code": 11008}, ...]``)."""
    codes = []
    for err in errors:
        code = err.get("code") if isinstance(err, dict) else err
        if isinstance(code, int):
            codes.append(code)
    return codes


@dataclass(frozen=True)
class LiveNumber:
    """An IncomingPhoneNumber (PN...)."""

    sid: str
    phone_number: str  # E.164
    friendly_name: str
    voice_caller_id_lookup: bool


@dataclass(frozen=True)
class LiveBusinessProfile:
    """A CustomerProfile (BU...) and its phone-number assignments."""

    sid: str
    friendly_name: str
    status: str  # draft | pending-review | in-review | twilio-approved | twilio-rejected
    email: str | None
    policy_sid: str
    # channel endpoint (PN sid) -> assignment sid (RA...)
    number_assignments: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LiveEndUser:
    """An EndUser (IT...): cnam_information for CNAM, voice_integrity_information for
    Voice Integrity (``cnamctl.policies``)."""

    sid: str
    friendly_name: str
    type: str
    attributes: dict[str, Any] = field(default_factory=dict)
    date_created: str | None = None  # ISO 8601, as Twilio gives it; orders duplicates

    @property
    def cnam_display_name(self) -> str | None:
        value = self.attributes.get("cnam_display_name")
        return str(value) if value is not None else None


@dataclass(frozen=True)
class LiveTrustProduct:
    """A TrustProduct (BU...) with its assignments resolved."""

    sid: str
    friendly_name: str
    status: str  # draft | pending-review | in-review | twilio-approved | twilio-rejected
    email: str | None
    policy_sid: str
    errors: tuple[dict[str, Any], ...] = ()
    # object sid (BU... business profile, IT... end user) -> assignment sid (BV...)
    entity_assignments: dict[str, str] = field(default_factory=dict)
    # channel endpoint (PN sid) -> assignment sid (RA...)
    number_assignments: dict[str, str] = field(default_factory=dict)
    date_updated: str | None = None
    date_created: str | None = None  # ISO 8601, as Twilio gives it; orders duplicates

    def error_codes(self) -> list[int]:
        return error_codes(self.errors)


@dataclass(frozen=True)
class LiveCallerId:
    """An OutgoingCallerId (PN...)."""

    sid: str
    phone_number: str
    friendly_name: str


@dataclass
class Snapshot:
    """Everything read from one account at one moment.

    ``trust_products`` holds the products of the policies that were read
    (``policies``: CNAM unless a plan manages more, see ``cnamctl.plan.scope``), by
    SID; ``products_of`` gives those of one policy. Products of other policies are
    not read: they are never touched.
    """

    account_sid: str
    numbers: dict[str, LiveNumber] = field(default_factory=dict)  # by PN sid
    business_profiles: dict[str, LiveBusinessProfile] = field(default_factory=dict)  # by sid
    trust_products: dict[str, LiveTrustProduct] = field(default_factory=dict)  # by sid
    end_users: dict[str, LiveEndUser] = field(default_factory=dict)  # by sid
    caller_ids: dict[str, LiveCallerId] = field(default_factory=dict)  # by sid
    policies: tuple[str, ...] = DEFAULT_POLICIES  # the policies whose products were read
    request_count: int = 0

    def __post_init__(self) -> None:
        self._numbers_by_e164: dict[str, LiveNumber] | None = None
        self._caller_ids_by_e164: dict[str, LiveCallerId] | None = None

    def products_of(self, policy_sid: str) -> list[LiveTrustProduct]:
        """The products of one policy, by SID (not cached: tests edit snapshots)."""
        return sorted(
            (p for p in self.trust_products.values() if p.policy_sid == policy_sid),
            key=lambda p: p.sid,
        )

    def number_by_e164(self, e164: str) -> LiveNumber | None:
        return self.numbers_by_e164().get(e164)

    def numbers_by_e164(self) -> Mapping[str, LiveNumber]:
        """Every number by its E.164 (built once, when first asked for)."""
        if self._numbers_by_e164 is None:
            self._numbers_by_e164 = {n.phone_number: n for n in self.numbers.values()}
        return self._numbers_by_e164

    def caller_id_by_e164(self, e164: str) -> LiveCallerId | None:
        if self._caller_ids_by_e164 is None:
            self._caller_ids_by_e164 = {c.phone_number: c for c in self.caller_ids.values()}
        return self._caller_ids_by_e164.get(e164)

    def end_user_of(self, product: LiveTrustProduct) -> LiveEndUser | None:
        """The end user of the product's policy's type assigned to it (for CNAM its
        cnam_information end user), if any; None for a policy without one."""
        spec = spec_of_policy(product.policy_sid)
        wanted = spec.end_user_type if spec else None
        if wanted is None:
            return None
        for object_sid in sorted(product.entity_assignments):
            user = self.end_users.get(object_sid)
            if user is not None and user.type == wanted:
                return user
        return None

    def business_profile_of(self, product: LiveTrustProduct) -> LiveBusinessProfile | None:
        for object_sid in sorted(product.entity_assignments):
            profile = self.business_profiles.get(object_sid)
            if profile is not None:
                return profile
        return None

    def _groups(self) -> tuple[dict[str, Any], ...]:
        return (
            self.numbers,
            self.business_profiles,
            self.trust_products,
            self.end_users,
            self.caller_ids,
        )

    def find(self, sid: str) -> Any | None:
        """The record of any kind with this SID, or None."""
        return next((group[sid] for group in self._groups() if sid in group), None)

    def fingerprints(self) -> dict[str, str]:
        """SID -> fingerprint of every object in the snapshot."""
        out = {sid: fingerprint(r) for group in self._groups() for sid, r in group.items()}
        return dict(sorted(out.items()))
