"""Hypothesis strategies: declared manifests beside a live account, as Twilio holds it.

The live side covers every state a trust product is met in (draft, pending-review,
in-review, twilio-rejected with codes, twilio-approved, several products of one
name as during a replacement, products without an end user or business profile
assignment), for the three policies: CNAM, SHAKEN/STIR (no end user) and Voice
Integrity (an end user of several attributes). Numbers are on business profiles
and products (a number declared on another profile than the one holding it: a
move); caller IDs declared and not; the prune switches of every kind. Only states
Twilio can hold are generated: a product's numbers are on its business profile, a
number is on at most one product of each policy and one business profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from api_model import SHAKEN_STIR_POLICY_SID, VOICE_INTEGRITY_POLICY_SID
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
    ShakenStirProfile,
    VoiceIntegrityProfile,
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
USE_CASES = ["Appointment reminders", "Customer care"]
VI_COUNTS = [12, 250]


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
            (p.kind, p.name): (p.business_profile, p.phone_numbers)
            for p in self.desired.trust_profiles()
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

    # declared SHAKEN/STIR and Voice Integrity profiles: numbers disjoint within a kind,
    # and each number in one business profile whatever the kind declaring it
    implied = {e: bp_of[n] for n, p in profiles.items() for e in p.phone_numbers}
    shaken: dict[str, ShakenStirProfile] = {}
    voice: dict[str, VoiceIntegrityProfile] = {}
    for kind, out, names in (
        ("ShakenStirProfile", shaken, ["calls"]),
        ("VoiceIntegrityProfile", voice, ["spam", "reach"]),
    ):
        free = list(NUMBERS)
        for name in names[: draw(st.integers(0, len(names)))]:
            bp_of[name] = index = draw(st.integers(0, bp_count - 1))
            allowed = [e for e in free if implied.get(e, index) == index]
            wanted = (
                draw(st.lists(st.sampled_from(allowed), unique=True, max_size=3)) if allowed else []
            )
            free = [e for e in free if e not in wanted]
            implied.update(dict.fromkeys(wanted, index))
            fields: dict[str, object] = {}
            if kind == "VoiceIntegrityProfile":
                fields = {
                    "useCase": draw(st.sampled_from(USE_CASES)),
                    "businessEmployeeCount": draw(st.sampled_from(VI_COUNTS)),
                    "averageBusinessDayCallVolume": draw(st.sampled_from(VI_COUNTS)),
                }
            out[name] = _doc(
                ShakenStirProfile if kind == "ShakenStirProfile" else VoiceIntegrityProfile,
                kind=kind,
                name=name,
                businessProfile=f"biz{index}",
                email=draw(st.sampled_from(EMAILS)),
                phoneNumbers=wanted,
                **fields,
            )

    # live products: for declared names and one undeclared, of each policy
    policies = (
        (CNAM_POLICY_SID, [*profiles, "legacy"]),
        (SHAKEN_STIR_POLICY_SID, [*shaken, "old-calls"]),
        (VOICE_INTEGRITY_POLICY_SID, [*voice, "old-spam"]),
    )
    for policy, names in policies:
        on_product: set[str] = set()
        for name in names:
            for _ in range(draw(st.integers(0, 2))):
                product = draw(
                    _product(policy, name, bps, bp_of, holder, numbers, on_product, sid, live)
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
            "shakenStirProfiles": draw(st.booleans()),
            "shakenStirNumbers": draw(st.booleans()),
            "voiceIntegrityProfiles": draw(st.booleans()),
            "voiceIntegrityNumbers": draw(st.booleans()),
        },
        safety={"maxDeletePercent": 100, "maxUnassignPercent": 100},
    )
    desired = ManifestSet(
        business_profiles={
            f"biz{i}": _doc(BusinessProfile, kind="BusinessProfile", name=f"biz{i}", friendlyName=n)
            for i, n in enumerate(bp_names)
        },
        cnam_profiles=profiles,
        shaken_stir_profiles=shaken,
        voice_integrity_profiles=voice,
        caller_ids=caller_docs,
        settings=settings,
    )
    live.policies = (CNAM_POLICY_SID, SHAKEN_STIR_POLICY_SID, VOICE_INTEGRITY_POLICY_SID)
    return World(desired, live)


@st.composite
def _product(
    draw: st.DrawFn,
    policy: str,
    name: str,
    bps: list[LiveBusinessProfile],
    bp_of: dict[str, int],
    holder: dict[str, int | None],
    numbers: dict[str, LiveNumber],
    on_product: set[str],
    sid: _Sids,
    live: Snapshot,
) -> LiveTrustProduct:
    """One live product of ``policy`` named ``name``, in a state Twilio can hold;
    ``on_product``: the numbers already on a product of the policy (updated)."""
    status = draw(st.sampled_from(STATUSES))
    entities: dict[str, str] = {}
    bp_index = bp_of.get(name, 0)
    has_bp = status != "draft" or draw(st.booleans())
    if has_bp:
        entities[bps[bp_index].sid] = sid("BV")
    user = None
    if policy == CNAM_POLICY_SID:
        display = draw(st.sampled_from([*DISPLAY_NAMES, None]))
        if display is not None or status != "draft":
            user = ("cnam_information", {"cnam_display_name": display or DISPLAY_NAMES[0]})
    elif policy == VOICE_INTEGRITY_POLICY_SID and (status != "draft" or draw(st.booleans())):
        counts = st.sampled_from([*VI_COUNTS, str(VI_COUNTS[0])])  # Twilio holds them as text
        user = (
            "voice_integrity_information",
            {
                "use_case": draw(st.sampled_from(USE_CASES)),
                "business_employee_count": draw(counts),
                "average_business_day_call_volume": draw(counts),
            },
        )
    if user is not None:
        made = LiveEndUser(
            sid("IT"), name, user[0], user[1], date_created=f"2025-01-01T00:00:{sid.n % 60:02d}Z"
        )
        live.end_users[made.sid] = made
        entities[made.sid] = sid("BV")
    held = []
    if has_bp:
        eligible = [
            e for e in NUMBERS if holder[e] == bp_index and numbers[e].sid not in on_product
        ]
        if eligible:
            held = draw(st.lists(st.sampled_from(eligible), unique=True, max_size=3))
    on_product.update(numbers[e].sid for e in held)
    errors: tuple[dict[str, int], ...] = ()
    if status == "twilio-rejected":
        codes = draw(st.lists(st.sampled_from([*REJECTION_CODES, 18601]), max_size=2))
        errors = tuple({"code": c} for c in codes)
    return LiveTrustProduct(
        sid("BU"),
        name,
        status,
        draw(st.sampled_from(EMAILS)),
        policy,
        errors,
        entities,
        {numbers[e].sid: sid("RA") for e in held},
        date_created=f"2025-01-01T00:00:{sid.n % 60:02d}Z",
    )
