"""Hypothesis strategies: declared manifests beside a live account, as Twilio holds it.

The live side covers every state a CNAM product is met in (draft, pending-review,
in-review, twilio-rejected with codes, twilio-approved, several products of one
name as during a replacement, products without an end user or business profile
assignment), numbers on business profiles and CNAM products (a number declared
on another profile than the one holding it: a move), caller IDs declared and
not, and the prune switches. Only states Twilio can hold are generated: a CNAM
product's numbers are on its business profile, a number is on at most one CNAM
product and one business profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from cnamctl import CNAM_POLICY_SID
from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
)
from cnamctl.manifest.model import (
    BusinessProfile,
    CnamProfile,
    ManifestSet,
    OutgoingCallerId,
    Settings,
)

ACCOUNT = "AC" + "0" * 32
BP_POLICY = "RN" + "b" * 32
NUMBERS = [f"+1415555{i:04d}" for i in range(100, 108)]
CALLERS = [f"+1212555{i:04d}" for i in range(200, 204)]
DISPLAY_NAMES = ["ACME SALES", "ACME CARE", "ACME LABS"]
EMAILS = ["trust@acme.example", "ops@acme.example"]
STATUSES = ["draft", "pending-review", "in-review", "twilio-rejected", "twilio-approved"]
REJECTION_CODES = [11008, 11009, 11014, 20001]
PROFILE_NAMES = ["sales", "care", "labs"]


@dataclass
class World:
    desired: ManifestSet
    live: Snapshot

    def __repr__(self) -> str:  # hypothesis prints this for a failing example
        products = [
            (p.friendly_name, p.status, sorted(p.entity_assignments), sorted(p.number_assignments))
            for p in self.live.trust_products.values()
        ]
        declared = {
            n: (p.business_profile, p.display_name, p.phone_numbers)
            for n, p in self.desired.cnam_profiles.items()
        }
        return f"World(declared={declared}, live products={products})"


class _Sids:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n:032x}"


def _doc(model: type, **fields: object) -> object:
    return model.model_validate({"apiVersion": "cnamctl/v1", **fields})


@st.composite
def worlds(draw: st.DrawFn) -> World:
    sid = _Sids()
    live = Snapshot(account_sid=ACCOUNT)
    numbers = {e164: LiveNumber(sid("PN"), e164, e164, draw(st.booleans())) for e164 in NUMBERS}
    live.numbers = {n.sid: n for n in numbers.values()}

    # business profiles, and which numbers each holds
    bp_count = draw(st.integers(1, 2))
    bp_names = [f"Biz {i}" for i in range(bp_count)]
    holder = {e164: draw(st.sampled_from([None, *range(bp_count)])) for e164 in NUMBERS}
    bps = []
    for i, name in enumerate(bp_names):
        held = {numbers[e].sid: sid("RA") for e in NUMBERS if holder[e] == i}
        bp = LiveBusinessProfile(
            sid("BU"), name, "twilio-approved", "bp@x.example", BP_POLICY, held
        )
        live.business_profiles[bp.sid] = bp
        bps.append(bp)

    # declared CNAM profiles with disjoint numbers
    declared_count = draw(st.integers(1, 3))
    free = list(NUMBERS)
    profiles: dict[str, CnamProfile] = {}
    bp_of: dict[str, int] = {}
    for name in PROFILE_NAMES[:declared_count]:
        wanted = draw(st.lists(st.sampled_from(free), unique=True, max_size=3)) if free else []
        free = [e for e in free if e not in wanted]
        bp_of[name] = draw(st.integers(0, bp_count - 1))
        profiles[name] = _doc(
            CnamProfile,
            kind="CnamProfile",
            name=name,
            businessProfile=f"biz{bp_of[name]}",
            displayName=draw(st.sampled_from(DISPLAY_NAMES)),
            email=draw(st.sampled_from(EMAILS)),
            phoneNumbers=wanted,
            callerNameLookup=draw(st.sampled_from([None, True, False])),
        )

    # live CNAM products: for declared names and one undeclared
    on_product: set[str] = set()
    for name in [*profiles, "legacy"]:
        for _ in range(draw(st.integers(0, 2))):
            status = draw(st.sampled_from(STATUSES))
            entities: dict[str, str] = {}
            bp_index = bp_of.get(name, 0)
            has_bp = status != "draft" or draw(st.booleans())
            if has_bp:
                entities[bps[bp_index].sid] = sid("BV")
            display = draw(st.sampled_from([*DISPLAY_NAMES, None]))
            if display is not None or status != "draft":
                user = LiveEndUser(
                    sid("IT"),
                    name,
                    "cnam_information",
                    {"cnam_display_name": display or DISPLAY_NAMES[0]},
                    date_created=f"2025-01-01T00:00:{sid.n % 60:02d}Z",
                )
                live.end_users[user.sid] = user
                entities[user.sid] = sid("BV")
            held = []
            if has_bp:
                eligible = [
                    e for e in NUMBERS if holder[e] == bp_index and numbers[e].sid not in on_product
                ]
                if eligible:
                    held = draw(st.lists(st.sampled_from(eligible), unique=True, max_size=3))
            on_product.update(numbers[e].sid for e in held)
            errors = ()
            if status == "twilio-rejected":
                errors = tuple(
                    {"code": c}
                    for c in draw(st.lists(st.sampled_from(REJECTION_CODES), max_size=2))
                )
            product = LiveTrustProduct(
                sid("BU"),
                name,
                status,
                draw(st.sampled_from(EMAILS)),
                CNAM_POLICY_SID,
                errors,
                entities,
                {numbers[e].sid: sid("RA") for e in held},
                date_created=f"2025-01-01T00:00:{sid.n % 60:02d}Z",
            )
            live.trust_products[product.sid] = product

    # caller IDs
    callers_live = draw(st.lists(st.sampled_from(CALLERS), unique=True))
    for e164 in callers_live:
        c = LiveCallerId(sid("PN"), e164, draw(st.sampled_from(["Main", "Support", e164])))
        live.caller_ids[c.sid] = c
    callers_declared = draw(st.lists(st.sampled_from(CALLERS), unique=True))
    caller_docs = {
        e164: _doc(
            OutgoingCallerId,
            kind="OutgoingCallerId",
            phoneNumber=e164,
            friendlyName=draw(st.sampled_from([None, "Main", "Support"])),
        )
        for e164 in callers_declared
    }

    settings = _doc(
        Settings,
        kind="Settings",
        prune={
            "cnamProfiles": draw(st.booleans()),
            "cnamNumbers": draw(st.booleans()),
            "outgoingCallerIds": draw(st.booleans()),
        },
        safety={"maxDeletePercent": 100, "maxUnassignPercent": 100},
    )
    desired = ManifestSet(
        business_profiles={
            f"biz{i}": _doc(BusinessProfile, kind="BusinessProfile", name=f"biz{i}", friendlyName=n)
            for i, n in enumerate(bp_names)
        },
        cnam_profiles=profiles,
        caller_ids=caller_docs,
        settings=settings,
    )
    return World(desired, live)
