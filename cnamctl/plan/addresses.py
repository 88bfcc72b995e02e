"""Stable change addresses: the names people see in plans and apply logs.

Addresses come from manifest names and E.164 numbers, never from order, so the
same desired and live state always give the same addresses.

An address names a **resource** (one declared object, or one live object no
manifest declares) and a **path** inside it::

    cnam.acme-sales.entity["end-user"]
    └── resource ──┘└──── path ──────┘     Resource(CnamProfile, "acme-sales")

Every address the planner builds is an ``Address``: a ``str`` (the text above,
which apply, saved plans and logs key on) that also carries its structure, so
the plan view groups changes by resource without parsing text. ``parse`` turns
text back into an ``Address`` (a saved plan holds text and the resource); the
formats are written once, here, and ``parse(str(a), a.resource) == a`` always.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from cnamctl.manifest.model import NAME_PATTERN
from cnamctl.policies import CNAM, SHAKEN_STIR, SPECS, VOICE_INTEGRITY, ProductSpec


class Kind(StrEnum):
    """What a resource is: a manifest kind, or a live object no manifest declares."""

    BUSINESS_PROFILE = "BusinessProfile"
    CNAM_PROFILE = "CnamProfile"
    SHAKEN_STIR_PROFILE = "ShakenStirProfile"
    VOICE_INTEGRITY_PROFILE = "VoiceIntegrityProfile"
    CALLER_ID = "OutgoingCallerId"
    NUMBER_SETTINGS = "NumberSettings"  # per-number settings declared on CnamProfiles
    CNAM_PRODUCT = "CnamProduct"  # a CNAM trust product no CnamProfile claims
    SHAKEN_STIR_PRODUCT = "ShakenStirProduct"  # ... no ShakenStirProfile claims
    VOICE_INTEGRITY_PRODUCT = "VoiceIntegrityProduct"  # ... no VoiceIntegrityProfile claims
    PHONE_NUMBER = "PhoneNumber"  # a number of the account no manifest mentions


# Per policy: the kind of its declared profiles and of its products no profile claims.
PROFILE_KIND = {
    CNAM.key: Kind.CNAM_PROFILE,
    SHAKEN_STIR.key: Kind.SHAKEN_STIR_PROFILE,
    VOICE_INTEGRITY.key: Kind.VOICE_INTEGRITY_PROFILE,
}
PRODUCT_KIND = {
    CNAM.key: Kind.CNAM_PRODUCT,
    SHAKEN_STIR.key: Kind.SHAKEN_STIR_PRODUCT,
    VOICE_INTEGRITY.key: Kind.VOICE_INTEGRITY_PRODUCT,
}
SPEC_OF_KIND: dict[Kind, ProductSpec] = {
    **{PROFILE_KIND[s.key]: s for s in SPECS},
    **{PRODUCT_KIND[s.key]: s for s in SPECS},
}
PROFILES = frozenset(PROFILE_KIND.values())
PRODUCTS = frozenset(PRODUCT_KIND.values())


@dataclass(frozen=True, order=True)
class Resource:
    """One object of the plan view. ``name`` is the manifest ``name`` (BusinessProfile
    and the trust profiles), the E.164 number (caller ID), the SID (an undeclared trust
    product) or empty (number settings and undeclared numbers: one resource each)."""

    kind: Kind
    name: str

    def __str__(self) -> str:
        return f"{self.kind.value} {self.name}" if self.name else self.kind.value


Segment = tuple[str, str | None]  # ("entity", "end-user"), ("submit", None)


class Address(str):
    """An address's text, with the resource and path it was built from."""

    resource: Resource
    path: tuple[Segment, ...]
    number: str | None  # the E.164 number this address is about, when one of many such

    def __new__(cls, resource: Resource, path: tuple[Segment, ...] = ()) -> Address:
        self = super().__new__(cls, _text(resource, path))
        self.resource = resource
        self.path = path
        self.number = next((key for name, key in path if name == "number"), None)
        return self

    def __reduce__(self) -> tuple[type[Address], tuple[Resource, tuple[Segment, ...]]]:
        return (Address, (self.resource, self.path))

    def child(self, name: str, key: str | None = None) -> Address:
        return Address(self.resource, (*self.path, (name, key)))

    @property
    def part(self) -> str:
        """The path as text (``entity["end-user"]``), empty for the resource itself."""
        return "".join(_segment(s) for s in self.path).lstrip(".")

    @property
    def is_replacement(self) -> bool:
        return ("replacement", None) in self.path


def _text(resource: Resource, path: tuple[Segment, ...]) -> str:
    prefix = _prefix(resource)
    text = prefix + "".join(_segment(s) for s in path)
    return text if prefix else text.lstrip(".")


# the prefix of each kind's addresses: ``cnam.<name>``, ``cnam-product["<sid>"]``
_NAMED = {
    Kind.BUSINESS_PROFILE: "business-profile",
    **{PROFILE_KIND[s.key]: s.key for s in SPECS},
}
_QUOTED = {
    Kind.CALLER_ID: "caller-id",
    **{PRODUCT_KIND[s.key]: f"{s.key}-product" for s in SPECS},
}


def _prefix(resource: Resource) -> str:
    name = resource.name
    if resource.kind in _NAMED:
        return f"{_NAMED[resource.kind]}.{name}"
    if resource.kind in _QUOTED:
        return f'{_QUOTED[resource.kind]}["{name}"]'
    if resource.kind in (Kind.NUMBER_SETTINGS, Kind.PHONE_NUMBER):
        return ""  # the number is the first segment: number["+1..."]
    raise AssertionError(resource.kind)


def _segment(segment: Segment) -> str:
    name, key = segment
    return f'.{name}["{key}"]' if key is not None else f".{name}"


# --- the addresses the planner builds ------------------------------------------------


def product(spec: ProductSpec, name: str) -> Address:
    """A declared trust profile of ``spec``'s kind: ``cnam.<name>``, ``shaken-stir.<name>``."""
    return Address(Resource(PROFILE_KIND[spec.key], name))


def cnam(name: str) -> Address:
    return product(CNAM, name)


def replacement(name: str, spec: ProductSpec = CNAM) -> Address:
    """The new product that replaces an approved one whose end user must change."""
    return product(spec, name).child("replacement")


def end_user(product_address: str) -> Address:
    return _as_address(product_address).child("end-user")


def entity(product_address: str, what: str) -> Address:
    return _as_address(product_address).child("entity", what)


def submit(product_address: str) -> Address:
    return _as_address(product_address).child("submit")


def product_number(product_address: str, e164: str) -> Address:
    """A number of a trust product: ``cnam.acme.number["+1..."]``."""
    return _as_address(product_address).child("number", e164)


cnam_number = product_number


def other_product(profile_name: str | None, sid: str, spec: ProductSpec = CNAM) -> Address:
    """A live product that is not the one a profile's numbers live on: a superseded
    product of that profile, or (``profile_name`` None) an unmanaged one."""
    if profile_name is None:
        return Address(Resource(PRODUCT_KIND[spec.key], sid))
    return product(spec, profile_name).child("product", sid)


def business_profile_number(profile_name: str, e164: str) -> Address:
    return Address(Resource(Kind.BUSINESS_PROFILE, profile_name), (("number", e164),))


def caller_name_lookup(e164: str) -> Address:
    return Address(
        Resource(Kind.NUMBER_SETTINGS, ""), (("number", e164), ("caller-name-lookup", None))
    )


def caller_id(e164: str) -> Address:
    return Address(Resource(Kind.CALLER_ID, e164))


def account_number(e164: str) -> Address:
    """A number of the account that no manifest mentions (notices only)."""
    return Address(Resource(Kind.PHONE_NUMBER, ""), (("number", e164),))


# --- text back to structure ---------------------------------------------------------

_SEGMENT = re.compile(r'\.([a-z][a-z-]*)(?:\["([^"\]]*)"\])?')
_KIND_OF_QUOTED = {prefix: kind for kind, prefix in _QUOTED.items()}
_KIND_OF_NAMED = {prefix: kind for kind, prefix in _NAMED.items()}
_QUOTED_PREFIX = re.compile(r"^(" + "|".join(map(re.escape, _KIND_OF_QUOTED)) + r')\["([^"\]]*)"\]')
_NAMED_PREFIX = re.compile(r"^(" + "|".join(map(re.escape, _KIND_OF_NAMED)) + r")\.")
_NAME = re.compile(NAME_PATTERN)


def parse(text: str, resource: Resource | None = None) -> Address | None:
    """The Address whose text is ``text``; None when it is in no format above.

    With ``resource`` (saved with every change) the split is exact. Without it, a
    name is read up to the first segment that parses (a manifest name may hold dots).
    """
    if isinstance(text, Address):
        return text
    if resource is not None:
        prefix = _prefix(resource)
        if not text.startswith(prefix):
            return None
        rest = text[len(prefix) :] if prefix else "." + text
        path = _segments(rest)
        return Address(resource, path) if path is not None else None
    return _parse_unknown(text)


def _parse_unknown(text: str) -> Address | None:
    if text.startswith('number["'):
        address = parse(text, Resource(Kind.NUMBER_SETTINGS, ""))
        if address is not None and len(address.path) == 1:
            return Address(Resource(Kind.PHONE_NUMBER, ""), address.path)
        return address
    quoted = _QUOTED_PREFIX.match(text)
    if quoted:
        return parse(text, Resource(_KIND_OF_QUOTED[quoted.group(1)], quoted.group(2)))
    named = _NAMED_PREFIX.match(text)
    if not named:
        return None
    kind = _KIND_OF_NAMED[named.group(1)]
    rest = text[named.end() :]
    # the shortest name after which the rest is a path: cnam.a.b.end-user -> "a.b"
    for cut in [i for i, c in enumerate(rest) if c == "."] + [len(rest)]:
        if _NAME.match(rest[:cut]) and _segments(rest[cut:]) is not None:
            return Address(Resource(kind, rest[:cut]), _segments(rest[cut:]) or ())
    return None


def _segments(text: str) -> tuple[Segment, ...] | None:
    out: list[Segment] = []
    pos = 0
    while pos < len(text):
        match = _SEGMENT.match(text, pos)
        if match is None or _SEGMENTS.get(match.group(1)) != (match.group(2) is not None):
            return None
        out.append((match.group(1), match.group(2)))
        pos = match.end()
    return tuple(out)


# every segment name, and whether it takes a ["key"]
_SEGMENTS = {
    "replacement": False,
    "end-user": False,
    "entity": True,
    "submit": False,
    "number": True,
    "product": True,
    "caller-name-lookup": False,
}


def _as_address(text: str) -> Address:
    address = parse(text)
    if address is None:
        raise ValueError(f"not a cnamctl address: {text!r}")
    return address
