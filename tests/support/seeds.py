"""Emulator seeds for the test suites: one small builder, and the named seeds the
suites share (each says which tests it serves and what it holds).

A seed is a plain dict in the emulator's seed format (docs/emulator.md, "Seed
files"); the builders only spare tests the nesting and the repetition.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cnamctl import CNAM_POLICY_SID

SHAKEN_POLICY_SID = "RN7a97559effdf62d00f4298208492a5ea"
SECONDARY_PROFILE_POLICY_SID = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
APPROVED = "twilio-approved"


# -- builders ----------------------------------------------------------------------


def numbers(prefix: str, start: int, count: int, width: int = 4) -> list[str]:
    """``count`` numbers ``<prefix><n>``, ``n`` zero-padded to ``width`` digits."""
    return [f"{prefix}{i:0{width}d}" for i in range(start, start + count)]


def business_profile(name: str, phone_numbers: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
    """An approved business profile (the first of an account is its primary one)."""
    return {
        "friendly_name": name,
        "status": APPROVED,
        "phone_numbers": list(phone_numbers),
        **extra,
    }


def cnam_product(
    name: str,
    profile: str | None = None,
    display_name: str | None = None,
    phone_numbers: Iterable[str] = (),
    **extra: Any,
) -> dict[str, Any]:
    """A CNAM trust product (draft unless ``status`` says otherwise)."""
    spec: dict[str, Any] = {"friendly_name": name, **extra}
    if profile is not None:
        spec["business_profile"] = profile
    if display_name is not None:
        spec["display_name"] = display_name
    if phone_numbers:
        spec["phone_numbers"] = list(phone_numbers)
    return spec


def shaken_product(name: str, profile: str, **extra: Any) -> dict[str, Any]:
    return {
        "friendly_name": name,
        "policy_sid": SHAKEN_POLICY_SID,
        "status": APPROVED,
        "business_profile": profile,
        **extra,
    }


def account(sid: str, token: str, **parts: Any) -> dict[str, Any]:
    """An account: ``incoming_numbers``, ``outgoing_caller_ids``, ``business_profiles``,
    ``trust_products``, ``api_keys``, ``owner_account_sid``... as in the seed format
    (empty parts are left out)."""
    return {"sid": sid, "auth_token": token, **{k: v for k, v in parts.items() if v}}


def seed(*accounts: dict[str, Any]) -> dict[str, Any]:
    return {"accounts": list(accounts)}


# -- the emulator suite (tests/emulator) -------------------------------------------

ACCOUNT = "AC0123456789abcdef0123456789abcdef"
TOKEN = "test-auth-token"
API_KEY = "SK" + "a" * 32
API_SECRET = "test-api-secret"
MAIN_KEY = "SK" + "c" * 32
MAIN_SECRET = "test-main-key-secret"
OTHER_ACCOUNT = "AC" + "f" * 32
OTHER_TOKEN = "other-auth-token"
SUB_ACCOUNT = "AC" + "5" * 32  # a subaccount of ACCOUNT
SUB_TOKEN = "sub-auth-token"

LOCAL = ["+14155550100", "+14155550101", "+14155550102", "+14155550103", "+14155550104"]
TOLL_FREE = "+18005550100"
CANADIAN = "+16045550100"
NOT_ON_PROFILE = "+14155550109"
SUB_NUMBER = "+13125550100"


def small_seed() -> dict[str, Any]:
    """Our account (a Standard and a Main API key, eight numbers, two caller IDs,
    the approved profile "Acme Corp" and the draft "Acme Draft"), another account,
    and a subaccount of ours holding one number."""
    return seed(
        account(
            ACCOUNT,
            TOKEN,
            api_keys=[
                {"sid": API_KEY, "secret": API_SECRET},
                {"sid": MAIN_KEY, "secret": MAIN_SECRET, "kind": "main"},
            ],
            incoming_numbers=[*LOCAL, TOLL_FREE, CANADIAN, NOT_ON_PROFILE],
            outgoing_caller_ids=[
                {"phone_number": "+14155550199", "friendly_name": "Front desk"},
                {"phone_number": "+14155550150", "friendly_name": "Old line"},
            ],
            business_profiles=[
                business_profile(
                    "Acme Corp", [*LOCAL, TOLL_FREE, CANADIAN], email="compliance@acme.example"
                ),
                {"friendly_name": "Acme Draft", "status": "draft"},
            ],
        ),
        account(
            OTHER_ACCOUNT,
            OTHER_TOKEN,
            incoming_numbers=["+12125550100"],
            business_profiles=[business_profile("Other Corp", ["+12125550100"])],
        ),
        account(SUB_ACCOUNT, SUB_TOKEN, owner_account_sid=ACCOUNT, incoming_numbers=[SUB_NUMBER]),
    )


def small_seed_with_products() -> dict[str, Any]:
    """The small seed with a draft CNAM product in each of the two main accounts
    (hostile-request and fuzzing tests aim at them)."""
    data = small_seed()
    data["accounts"][0]["trust_products"] = [
        cnam_product("mine", "Acme Corp", "ACME MINE", [LOCAL[0]])
    ]
    data["accounts"][1]["trust_products"] = [cnam_product("theirs", "Other Corp", "OTHER")]
    return data


PAGING_ACCOUNT = "AC" + "1" * 32
PAGING_TOKEN = "paging-token"


def paging_seed(numbers: int, caller_ids: int = 0, products: int = 0) -> dict[str, Any]:
    """One account with ``numbers`` generated numbers, caller IDs and bare products."""
    return seed(
        account(
            PAGING_ACCOUNT,
            PAGING_TOKEN,
            incoming_numbers=[{"count": numbers, "prefix": "+1628"}] if numbers else [],
            outgoing_caller_ids=[f"+1212555{i:04d}" for i in range(caller_ids)],
            trust_products=[
                {"friendly_name": f"p{i}", "policy_sid": CNAM_POLICY_SID} for i in range(products)
            ],
        )
    )


# -- the reliability suite (tests/reliability) -------------------------------------

RELIABILITY_ACCOUNT = "AC" + "7" * 32
# Recognisable secrets: a leak anywhere is found by a plain substring search.
RELIABILITY_TOKEN = "tok-RELIABILITY-SECRET-4f1c9e7a2b"
RELIABILITY_KEY = "SK" + "7" * 32
RELIABILITY_SECRET = "key-RELIABILITY-SECRET-93d1aa07c5"
RELIABILITY_OTHER = "AC" + "8" * 32
RELIABILITY_OTHER_TOKEN = "tok-OTHER-SECRET-61b0c2d9e4"
RELIABILITY_NUMBERS = numbers("+1415555", 0, 6)
RELIABILITY_OTHER_NUMBER = "+12125550100"


def reliability_seed() -> dict[str, Any]:
    """Two accounts: ours (an approved business profile holding every number) and
    another one, whose SIDs are used to cross account boundaries."""
    return seed(
        account(
            RELIABILITY_ACCOUNT,
            RELIABILITY_TOKEN,
            api_keys=[{"sid": RELIABILITY_KEY, "secret": RELIABILITY_SECRET}],
            incoming_numbers=RELIABILITY_NUMBERS,
            outgoing_caller_ids=[{"phone_number": "+14155550199", "friendly_name": "Front desk"}],
            business_profiles=[business_profile("Acme Corp", RELIABILITY_NUMBERS)],
        ),
        account(
            RELIABILITY_OTHER,
            RELIABILITY_OTHER_TOKEN,
            incoming_numbers=[RELIABILITY_OTHER_NUMBER],
            business_profiles=[business_profile("Other Corp", [RELIABILITY_OTHER_NUMBER])],
            trust_products=[
                cnam_product(
                    "theirs",
                    "Other Corp",
                    "OTHER CORP",
                    [RELIABILITY_OTHER_NUMBER],
                    status=APPROVED,
                )
            ],
        ),
    )


# -- the end-to-end suites (tests/e2e) ---------------------------------------------

E2E_ACCOUNT = "AC" + "e" * 32
E2E_TOKEN = "e2e-secret-token"
E2E_NUMBER_COUNT = 40


def e2e_number(i: int) -> str:
    return f"+1415555{i:04d}"


def apply_seed(*, numbers: int = E2E_NUMBER_COUNT, **extra: Any) -> dict[str, Any]:
    """apply/status: ``numbers`` US numbers, the approved business profiles "Acme
    Corp" (primary) and "Beta Corp" (secondary), and an approved SHAKEN/STIR product
    (never to be touched). ``extra`` adds to the account (lists are appended)."""
    data = account(
        E2E_ACCOUNT,
        E2E_TOKEN,
        incoming_numbers=[e2e_number(i) for i in range(numbers)],
        business_profiles=[business_profile("Acme Corp"), business_profile("Beta Corp")],
        trust_products=[shaken_product("Acme SHAKEN", "Acme Corp")],
    )
    for key, value in extra.items():
        data[key] = data.get(key, []) + value if isinstance(value, list) else value
    return seed(data)


IMPORT_ACCOUNT = "AC" + "5" * 32
IMPORT_TOKEN = "import-e2e-token"


def import_seed(parts: dict[str, Any], token: str = IMPORT_TOKEN) -> dict[str, Any]:
    """import: one account holding ``parts`` (seed-format account keys)."""
    return seed(account(IMPORT_ACCOUNT, token, **parts))


READER_ACCOUNT = "AC" + "1" * 32
READER_TOKEN = "reader-test-token"
READER_OTHER = "AC" + "2" * 32
READER_NUMBERS = 2_500  # three pages
READER_CALLERS = 1_001  # two pages


def reader_number(i: int) -> str:
    return f"+141552{i:05d}"


def reader_seed() -> dict[str, Any]:
    """The live reader: several pages of numbers and caller IDs, two profiles, CNAM
    products (one approved with 1,200 numbers) and a SHAKEN product of the same name."""
    big = [reader_number(i) for i in range(1_500)]
    small = [reader_number(i) for i in range(2_000, 2_010)]
    return seed(
        account(
            READER_ACCOUNT,
            READER_TOKEN,
            incoming_numbers=[reader_number(i) for i in range(READER_NUMBERS)],
            outgoing_caller_ids=[
                {"phone_number": f"+121255{i:05d}", "friendly_name": f"Caller {i}"}
                for i in range(READER_CALLERS)
            ],
            business_profiles=[
                business_profile("Big Co", big),
                business_profile("Small Co", small),
            ],
            trust_products=[
                cnam_product("big-brand", "Big Co", "BIG CO", big[:1_200], status=APPROVED),
                cnam_product("small-brand", "Small Co", "SMALL CO", small[:3]),
                shaken_product("big-brand", "Big Co"),  # same name, other policy: never read
            ],
        ),
        account(READER_OTHER, "other-token", incoming_numbers=["+13125550100"]),
    )


MULTI_ACCOUNTS = tuple("AC" + c * 32 for c in "abc")
MULTI_TOKENS = dict(zip(MULTI_ACCOUNTS, ("token-a", "token-b", "token-c"), strict=True))


def multi_account_seed() -> dict[str, Any]:
    """Several accounts: three main accounts, each with three numbers and one profile."""
    return seed(
        *(
            account(
                sid,
                MULTI_TOKENS[sid],
                incoming_numbers=[f"+1415555{i}10{n}" for n in range(3)],
                business_profiles=[business_profile(f"Co {sid[2]}")],
            )
            for i, sid in enumerate(MULTI_ACCOUNTS)
        )
    )
