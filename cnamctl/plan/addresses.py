"""Stable change addresses: the names people see in plans and apply logs.

Addresses come from manifest names and E.164 numbers, never from order, so the
same desired and live state always give the same addresses.
"""

from __future__ import annotations


def cnam(name: str) -> str:
    return f"cnam.{name}"


def replacement(name: str) -> str:
    """The new product that replaces an approved one whose display name changes."""
    return f"cnam.{name}.replacement"


def end_user(product_address: str) -> str:
    return f"{product_address}.end-user"


def entity(product_address: str, what: str) -> str:
    return f'{product_address}.entity["{what}"]'


def submit(product_address: str) -> str:
    return f"{product_address}.submit"


def cnam_number(product_address: str, e164: str) -> str:
    return f'{product_address}.number["{e164}"]'


def other_product(profile_name: str | None, sid: str) -> str:
    """A live product that is not the one a profile's numbers live on: a superseded
    product of that profile, or (``profile_name`` None) an unmanaged one."""
    if profile_name is None:
        return f'cnam-product["{sid}"]'
    return f'cnam.{profile_name}.product["{sid}"]'


def business_profile_number(profile_name: str, e164: str) -> str:
    return f'business-profile.{profile_name}.number["{e164}"]'


def caller_name_lookup(e164: str) -> str:
    return f'number["{e164}"].caller-name-lookup'


def caller_id(e164: str) -> str:
    return f'caller-id["{e164}"]'
