"""Addresses: the text every other module keys on, and the structure the view groups by."""

from __future__ import annotations

import json
import pickle

from hypothesis import assume, given
from hypothesis import strategies as st

from cnamctl.manifest.model import NAME_PATTERN
from cnamctl.plan import addresses as addr
from cnamctl.plan.addresses import Address, Kind, Resource, parse

names = st.from_regex(NAME_PATTERN, fullmatch=True).filter(lambda n: len(n) <= 64)
numbers = st.from_regex(r"\+1[2-9][0-9]{9}", fullmatch=True)
sids = st.from_regex(r"BU[0-9a-f]{32}", fullmatch=True)


@st.composite
def addresses(draw: st.DrawFn) -> Address:
    name, number, sid = draw(names), draw(numbers), draw(sids)
    product = draw(
        st.sampled_from([addr.cnam(name), addr.replacement(name), addr.other_product(name, sid)])
    )
    return draw(
        st.sampled_from(
            [
                product,
                addr.end_user(product),
                addr.entity(product, draw(st.sampled_from(["business-profile", "end-user"]))),
                addr.submit(product),
                addr.cnam_number(product, number),
                addr.other_product(None, sid),
                addr.cnam_number(addr.other_product(None, sid), number),
                addr.business_profile_number(name, number),
                addr.caller_name_lookup(number),
                addr.caller_id(number),
                addr.account_number(number),
            ]
        )
    )


def test_the_texts_are_the_documented_formats():
    assert addr.cnam("acme-sales") == "cnam.acme-sales"
    assert addr.end_user(addr.replacement("a")) == "cnam.a.replacement.end-user"
    assert addr.entity(addr.cnam("a"), "end-user") == 'cnam.a.entity["end-user"]'
    assert addr.cnam_number(addr.cnam("a"), "+14155550100") == 'cnam.a.number["+14155550100"]'
    assert addr.other_product(None, "BU1") == 'cnam-product["BU1"]'
    assert addr.other_product("a", "BU1") == 'cnam.a.product["BU1"]'
    assert addr.business_profile_number("acme", "+1") == 'business-profile.acme.number["+1"]'
    assert addr.caller_name_lookup("+1") == 'number["+1"].caller-name-lookup'
    assert addr.caller_id("+1") == 'caller-id["+1"]'


@given(addresses())
def test_text_and_resource_give_back_the_structure(address: Address) -> None:
    again = parse(str(address), address.resource)
    assert again is not None
    assert (again.resource, again.path) == (address.resource, address.path)


@given(addresses())
def test_an_address_is_its_text_everywhere(address: Address) -> None:
    text = str(address)
    assert address == text and hash(address) == hash(text)
    assert json.loads(json.dumps({address: [address]})) == {text: [text]}
    assert "@" + address == "@" + text
    restored = pickle.loads(pickle.dumps(address))
    assert (restored.resource, restored.path) == (address.resource, address.path)


@given(names, numbers)
def test_text_alone_finds_the_resource_of_names_without_a_segment_word(name, number):
    assume(not any(f".{w}" in name for w in ("replacement", "end-user", "submit", "number")))
    address = addr.cnam_number(addr.replacement(name), number)
    found = parse(str(address))
    assert found is not None
    assert (found.resource, found.path) == (address.resource, address.path)


def test_the_number_a_change_is_about():
    assert addr.cnam_number(addr.cnam("a"), "+14155550100").number == "+14155550100"
    assert addr.caller_name_lookup("+14155550101").number == "+14155550101"
    assert addr.caller_id("+14155550102").number is None  # the caller ID is the object
    assert addr.submit(addr.cnam("a")).number is None


def test_resources_of_each_kind():
    assert addr.replacement("a").resource == Resource(Kind.CNAM_PROFILE, "a")
    assert addr.replacement("a").is_replacement
    assert addr.business_profile_number("acme", "+1").resource.kind is Kind.BUSINESS_PROFILE
    assert addr.caller_name_lookup("+1").resource == Resource(Kind.NUMBER_SETTINGS, "")
    assert addr.other_product(None, "BU1").resource == Resource(Kind.CNAM_PRODUCT, "BU1")


def test_text_in_no_format_is_not_an_address():
    assert parse("u+14155550100") is None
    assert parse("cnam.") is None
    assert parse('cnam.a.number["+1"].bogus') is None
    assert parse('cnam.a.entity["x"].submit["k"]') is None  # submit takes no key
    assert parse("cnam.a.entity").resource.name == "a.entity"  # entity takes a key: a name
