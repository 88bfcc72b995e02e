"""Many accounts for the fan-out tests: an ISV's parent account with subaccounts in
the emulator, and a manifest tree with one directory (and Account document) per
subaccount, acted on with the parent's credentials (docs/manifests.md, "Account")."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from support.cli_env import settle_seconds
from support.seeds import account, business_profile, seed

PARENT = "AC" + "f" * 32
PARENT_TOKEN = "isv-parent-token"


def sub_sid(i: int) -> str:
    return f"AC{i + 1:032x}"


def sub_name(i: int) -> str:
    return f"customer-{i:02d}"


def sub_numbers(i: int, count: int = 2) -> list[str]:
    return [f"+1415{200 + i:03d}{n:04d}" for n in range(count)]


def subaccounts_seed(count: int, numbers: int = 2) -> dict[str, Any]:
    """The parent and ``count`` subaccounts, each with ``numbers`` numbers on its
    approved primary business profile and nothing branded yet."""
    subs = [
        account(
            sub_sid(i),
            f"sub-token-{i}",
            owner_account_sid=PARENT,
            incoming_numbers=sub_numbers(i, numbers),
            business_profiles=[business_profile(f"Customer {i:02d}", sub_numbers(i, numbers))],
        )
        for i in range(count)
    ]
    return seed(account(PARENT, PARENT_TOKEN), *subs)


def write_tree(root: Path, count: int, numbers: int = 2) -> Path:
    """``root/customers/<name>/`` per subaccount: its Account and its CNAM profile."""
    for i in range(count):
        directory = root / "customers" / sub_name(i)
        directory.mkdir(parents=True)
        (directory / "account.yaml").write_text(
            f"apiVersion: cnamctl/v1\nkind: Account\nname: {sub_name(i)}\nsid: {sub_sid(i)}\n"
        )
        listed = ", ".join(f'"{n}"' for n in sub_numbers(i, numbers))
        (directory / "cnam.yaml").write_text(
            textwrap.dedent(
                f"""\
                apiVersion: cnamctl/v1
                kind: BusinessProfile
                name: main
                friendlyName: Customer {i:02d}
                ---
                apiVersion: cnamctl/v1
                kind: CnamProfile
                name: brand
                businessProfile: main
                displayName: CUSTOMER {i:02d}
                email: ops@customer{i:02d}.example
                phoneNumbers: [{listed}]
                """
            )
        )
    return root


def parent_env(base_url: str) -> dict[str, str]:
    return {
        "CNAMCTL_API_URL": base_url,
        "TWILIO_ACCOUNT_SID": PARENT,
        "TWILIO_AUTH_TOKEN": PARENT_TOKEN,
        "TWILIO_API_KEY": "",
        "TWILIO_API_SECRET": "",
        "CNAMCTL_SETTLE_SECONDS": settle_seconds(),
    }
