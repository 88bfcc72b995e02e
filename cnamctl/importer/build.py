"""Snapshot -> ImportResult: every live object that manifests can declare.

What is imported; everything else is reported in ``skipped`` with the reason:

* each twilio-approved business profile, in a file of its own, found again by
  friendly name (plus its SID when several profiles share that name, or by SID
  alone when the friendly name cannot be written as one);
* each trust product of the policies the snapshot read (CNAM by default; SHAKEN/STIR
  and Voice Integrity with ``cnamctl import --products``) that has a business
  profile being imported, the end user its policy needs (a cnam_information end
  user holding a display name; a voice_integrity_information end user holding
  the calling information), and is the only product of its policy and friendly
  name. That friendly name becomes the profile's ``name`` unchanged, because it
  is how cnamctl recognises the product: a name outside the manifest name
  pattern is skipped, never rewritten. End-user attributes, email and numbers as
  they are; for CNAM ``callerNameLookup: true`` when every one of those numbers
  has VoiceCallerIdLookup on (otherwise unset: left alone);
* the numbers of a business profile that none of its imported products holds
  (those are implied members, not repeated);
* each outgoing caller ID.

Numbers must be eligible for where they are declared (CNAM and business-profile
numbers: US standard long codes; SHAKEN/STIR and Voice Integrity: US long codes
and toll-free numbers); other numbers stay assigned and are reported. Every
document is validated by the manifest models exactly as ``load_manifests``
validates it, and names and numbers are kept unique across documents, so what is
written loads.

The property the tests hold this to: right after an import, ``cnamctl plan`` on
the written files proposes no change. The one exception is a draft product:
declaring it means submitting it, so it is imported with a note saying so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from cnamctl.importer.model import ImportedDocument, ImportedFile, ImportResult, Resource, Skipped
from cnamctl.importer.names import UniqueNames, is_valid_name, slugify
from cnamctl.live.model import LiveBusinessProfile, LiveNumber, LiveTrustProduct, Snapshot
from cnamctl.manifest.model import (
    API_VERSION,
    PROFILE_KINDS,
    BusinessProfile,
    OutgoingCallerId,
)
from cnamctl.manifest.rules import long_code_problem, us_number_problem
from cnamctl.plan.review import APPROVED, DRAFT, REJECTED
from cnamctl.policies import CNAM, SPECS, US_LONG_CODE, ProductSpec

CALLER_IDS_FILE = "caller-ids"
FRIENDLY_NAME_MAX_LENGTH = 64
_STAYS = "it stays as it is in Twilio"
_ELIGIBLE = {US_LONG_CODE: long_code_problem}


@dataclass
class _Profile:
    """A business profile being imported, and what goes into its file."""

    live: LiveBusinessProfile
    name: str
    products: list[tuple[str, ImportedDocument]] = field(default_factory=list)  # (what, doc)


def build_import(live: Snapshot) -> ImportResult:
    result = ImportResult(account_sid=live.account_sid)
    numbers = _Numbers(live, result)
    profiles = _business_profiles(live, result)
    for spec in (s for s in SPECS if s.policy_sid in live.policies):
        for product in _products(spec, live, profiles, result):
            sid = _business_profile_sid(product, live)
            assert sid is not None  # _products keeps only products of an imported profile
            profile = profiles[sid]
            document = _product_document(spec, product, profile, live, numbers, result)
            if document is not None:
                profile.products.append((_describe(spec, product), document))
    for profile in sorted(profiles.values(), key=lambda p: p.name):
        document = _business_profile_document(profile, live, numbers, result)
        if document is not None:  # its products are already by kind, then name
            products = (d for _, d in profile.products)
            result.files.append(ImportedFile(f"{profile.name}.yaml", (document, *products)))
        else:
            result.skipped.extend(
                Skipped(what, f"its business profile is skipped; {_STAYS}")
                for what, _ in profile.products
            )
    callers = _caller_id_documents(live, result)
    if callers:
        result.files.append(ImportedFile(f"{CALLER_IDS_FILE}.yaml", tuple(callers)))
    return result


# --- business profiles -----------------------------------------------------------------


def _business_profiles(live: Snapshot, result: ImportResult) -> dict[str, _Profile]:
    """Approved profiles, by SID, each with a unique name (never ``caller-ids``)."""
    names = UniqueNames(reserved=(CALLER_IDS_FILE,))
    out: dict[str, _Profile] = {}
    for bp in sorted(live.business_profiles.values(), key=lambda p: (p.friendly_name, p.sid)):
        if bp.status != APPROVED:
            result.skipped.append(
                Skipped(
                    f"business profile {bp.friendly_name!r} ({bp.sid})",
                    f"its status is {bp.status}; CNAM needs a twilio-approved business profile",
                )
            )
            continue
        out[bp.sid] = _Profile(bp, names.claim(slugify(bp.friendly_name, "business-profile")))
    return out


def _business_profile_document(
    profile: _Profile, live: Snapshot, numbers: _Numbers, result: ImportResult
) -> ImportedDocument | None:
    bp = profile.live
    owner = f"business profile {bp.friendly_name!r}"
    kept = numbers.for_business_profile(bp.number_assignments, profile.name, owner)
    data: dict[str, Any] = {
        "apiVersion": API_VERSION,
        "kind": "BusinessProfile",
        "name": profile.name,
        **_identity(bp, live),
        "phoneNumbers": [n.phone_number for n in kept],
    }
    resource = _validated(BusinessProfile, data, f"{owner} ({bp.sid})", result)
    if resource is None:
        return None
    return ImportedDocument(resource, (f"business profile {bp.sid}, status {bp.status}",))


def _identity(bp: LiveBusinessProfile, live: Snapshot) -> dict[str, str]:
    """How the manifest finds the profile again (see plan/resolve.py)."""
    name = bp.friendly_name
    if not (0 < len(name) <= FRIENDLY_NAME_MAX_LENGTH and name == name.strip()):
        return {"sid": bp.sid}
    namesakes = sum(p.friendly_name == name for p in live.business_profiles.values())
    return {"friendlyName": name} if namesakes == 1 else {"friendlyName": name, "sid": bp.sid}


# --- trust products --------------------------------------------------------------------


def _products(
    spec: ProductSpec, live: Snapshot, profiles: dict[str, _Profile], result: ImportResult
) -> list[LiveTrustProduct]:
    """The products of ``spec``'s policy that can become profiles, sorted by name; the
    rest is skipped."""
    by_name: dict[str, list[LiveTrustProduct]] = defaultdict(list)
    for product in live.products_of(spec.policy_sid):
        by_name[product.friendly_name].append(product)
    out = []
    for name, products in sorted(by_name.items()):
        if len(products) > 1:
            listed = ", ".join(f"{p.sid} {p.status}" for p in sorted(products, key=lambda p: p.sid))
            result.skipped.append(
                Skipped(
                    f"{spec.label} products named {name!r} ({listed})",
                    f"cnamctl manages one product per name and {len(products)} share this one "
                    "(a replacement may be under review); import again once only "
                    f"one is left; {_STAYS}",
                )
            )
            continue
        product = products[0]
        reason = _unimportable(spec, product, live, profiles)
        if reason:
            result.skipped.append(Skipped(_describe(spec, product), reason))
        else:
            out.append(product)
    return out


def _unimportable(
    spec: ProductSpec, product: LiveTrustProduct, live: Snapshot, profiles: dict[str, _Profile]
) -> str | None:
    if not is_valid_name(product.friendly_name):
        return (
            "its friendly name is how cnamctl recognises the product, and it is not a valid "
            f"manifest name (letters, digits, '.', '_', '-', starting with a letter or digit, "
            f"at most 64 characters); {_STAYS}"
        )
    bp_sid = _business_profile_sid(product, live)
    if bp_sid is None:
        return f"no business profile is assigned to it; {_STAYS}"
    if bp_sid not in profiles:
        return f"its business profile {bp_sid} is not imported (see above); {_STAYS}"
    if spec.end_user is not None:
        user = live.end_user_of(product)
        if user is None or user.attributes.get(spec.end_user.title) is None:
            return (
                f"it has no {spec.end_user.type} end user holding a {spec.end_user.noun}; {_STAYS}"
            )
    return None


def _business_profile_sid(product: LiveTrustProduct, live: Snapshot) -> str | None:
    bp = live.business_profile_of(product)
    return bp.sid if bp else None


def _product_document(
    spec: ProductSpec,
    product: LiveTrustProduct,
    profile: _Profile,
    live: Snapshot,
    numbers: _Numbers,
    result: ImportResult,
) -> ImportedDocument | None:
    user = live.end_user_of(product)
    what = _describe(spec, product)
    kept = numbers.for_product(spec, product.number_assignments, profile.name, what)
    data: dict[str, Any] = {
        "apiVersion": API_VERSION,
        "kind": spec.kind,
        "name": product.friendly_name,
        "businessProfile": profile.name,
        **_end_user_fields(spec, user.attributes if user else {}),
        "email": product.email or "",
        "phoneNumbers": [n.phone_number for n in kept],
    }
    if spec is CNAM and kept and all(n.voice_caller_id_lookup for n in kept):
        data["callerNameLookup"] = True
    resource = _validated(PROFILE_KINDS[spec.kind], data, what, result)
    if resource is None:
        numbers.release(spec, kept)
        return None
    if product.status == DRAFT:
        result.notes.append(
            f"{what} is a draft: declaring it means submitting it, so the next plan "
            "proposes submitting it for review"
        )
    comments = [f"trust product {product.sid}, status {product.status}"]
    if product.status == REJECTED and product.error_codes():
        comments[0] += ", errors " + ", ".join(str(c) for c in product.error_codes())
    if spec.end_user is not None and user is not None:
        comments.append(f"{spec.end_user.noun} in end user {user.sid}")
    return ImportedDocument(resource, tuple(comments))


def _end_user_fields(spec: ProductSpec, attributes: dict[str, Any]) -> dict[str, Any]:
    """The manifest fields an end user's attributes give: text as it is, counts Twilio
    holds as text (``"12"``) as numbers; unset optional attributes left out."""
    fields: dict[str, Any] = {}
    for attribute in spec.end_user.attributes if spec.end_user else ():
        value = attributes.get(attribute.name)
        if value is None and not attribute.required:
            continue
        if attribute.text and isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        fields[attribute.field] = value
    return fields


def _describe(spec: ProductSpec, product: LiveTrustProduct) -> str:
    return f"{spec.label} product {product.friendly_name!r} ({product.sid})"


# --- numbers ---------------------------------------------------------------------------


class _Numbers:
    """Which numbers documents may declare: on the account, eligible where declared,
    and never in two products of one policy or two business profiles (counting
    implied members)."""

    def __init__(self, live: Snapshot, result: ImportResult) -> None:
        self._live = live
        self._result = result
        self._held: dict[tuple[str, str], str] = {}  # (policy key, E.164) -> product described
        self._member_of: dict[str, str] = {}  # E.164 -> business profile name
        self._implied: dict[str, int] = {}  # E.164 -> how many imported products hold it

    def for_product(
        self, spec: ProductSpec, assignments: Iterable[str], business_profile: str, owner: str
    ) -> list[LiveNumber]:
        kept = []
        for number in self._eligible(spec.numbers.eligible, assignments, owner):
            e164 = number.phone_number
            other = self._held.get((spec.key, e164)) or self._other_profile(e164, business_profile)
            if other:
                self._skip(e164, owner, f"already declared by {other}")
                continue
            self._held[(spec.key, e164)] = owner
            self._member_of[e164] = business_profile
            self._implied[e164] = self._implied.get(e164, 0) + 1
            kept.append(number)
        return kept

    def for_business_profile(
        self, assignments: Iterable[str], business_profile: str, owner: str
    ) -> list[LiveNumber]:
        """Numbers to list on the profile: not those its imported products imply."""
        assignments = list(assignments)
        implied = {
            pn
            for pn in assignments
            if (number := self._live.numbers.get(pn)) is not None
            and self._implied.get(number.phone_number)
            and self._member_of.get(number.phone_number) == business_profile
        }
        kept = []
        listed = [pn for pn in assignments if pn not in implied]
        for number in self._eligible(US_LONG_CODE, listed, owner):
            e164 = number.phone_number
            other = self._other_profile(e164, business_profile)
            if other:
                self._skip(e164, owner, f"already declared by {other}")
                continue
            self._member_of[e164] = business_profile
            kept.append(number)
        return kept

    def release(self, spec: ProductSpec, numbers: Iterable[LiveNumber]) -> None:
        """Give back the numbers of a document that was not written after all."""
        for number in numbers:
            e164 = number.phone_number
            self._held.pop((spec.key, e164), None)
            self._implied[e164] -= 1
            if not self._implied[e164]:
                del self._implied[e164]
                self._member_of.pop(e164, None)

    def _other_profile(self, e164: str, business_profile: str) -> str | None:
        member_of = self._member_of.get(e164)
        if member_of is None or member_of == business_profile:
            return None
        return f"business profile {member_of!r}"

    def _eligible(self, rule: str, assignments: Iterable[str], owner: str) -> list[LiveNumber]:
        problem_of = _ELIGIBLE.get(rule, us_number_problem)
        kept = []
        for pn in assignments:
            number = self._live.numbers.get(pn)
            if number is None:
                self._skip(pn, owner, "not an incoming phone number of this account")
                continue
            problem = problem_of(number.phone_number)
            if problem:
                self._skip(number.phone_number, owner, problem)
            else:
                kept.append(number)
        return sorted(kept, key=lambda n: n.phone_number)

    def _skip(self, number: str, owner: str, reason: str) -> None:
        self._result.skipped.append(Skipped(f"{number} of {owner}", f"{reason}; {_STAYS}"))


# --- caller IDs ------------------------------------------------------------------------


def _caller_id_documents(live: Snapshot, result: ImportResult) -> list[ImportedDocument]:
    documents = []
    seen: set[str] = set()
    for caller in sorted(live.caller_ids.values(), key=lambda c: (c.phone_number, c.sid)):
        what = f"outgoing caller ID {caller.phone_number} ({caller.sid})"
        data: dict[str, Any] = {
            "apiVersion": API_VERSION,
            "kind": "OutgoingCallerId",
            "phoneNumber": caller.phone_number,
        }
        label = caller.friendly_name
        if 0 < len(label) <= FRIENDLY_NAME_MAX_LENGTH and label == label.strip():
            data["friendlyName"] = label  # otherwise unset, which leaves it as it is
        resource = _validated(OutgoingCallerId, data, what, result)
        if resource is None:
            continue
        assert isinstance(resource, OutgoingCallerId)
        if resource.phone_number in seen:
            result.skipped.append(Skipped(what, "another caller ID has the same number"))
            continue
        seen.add(resource.phone_number)
        documents.append(ImportedDocument(resource, (f"outgoing caller ID {caller.sid}",)))
    return documents


# --- validation ------------------------------------------------------------------------


def _validated(
    kind: type[Resource], data: dict[str, Any], what: str, result: ImportResult
) -> Resource | None:
    """The document as the loader would validate it, or None (skipped, with why)."""
    try:
        return kind.model_validate(data, strict=True, by_alias=True, by_name=False)
    except ValidationError as err:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" if e["loc"] else e["msg"]
            for e in err.errors()
        )
        result.skipped.append(Skipped(what, f"{reasons}; {_STAYS}"))
        return None
