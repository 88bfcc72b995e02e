"""Which products hold a number: the set-based answers equal the plain definitions,
for accounts where numbers sit on one product, several, or none (plan/numbers.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cnamctl.live.model import LiveTrustProduct
from cnamctl.plan.numbers import _Holdings

NUMBERS = [f"PN{i:032d}" for i in range(8)]

holdings_of_products = st.lists(
    st.sets(st.sampled_from(NUMBERS), max_size=len(NUMBERS)), max_size=5
).map(
    lambda held: [
        LiveTrustProduct(
            f"BU{i:032d}",
            f"product {i}",
            "twilio-approved",
            None,
            "RN",
            number_assignments={pn: f"RA{i}{pn}" for pn in sorted(numbers)},
        )
        for i, numbers in enumerate(held)
    ]
)


@given(holdings_of_products)
def test_holders_are_the_products_holding_the_number_in_order(products):
    holdings = _Holdings(products)
    for pn in [*NUMBERS, "PN-not-on-any"]:
        expected = [p for p in products if pn in p.number_assignments]
        assert list(holdings.of(pn)) == expected


@given(holdings_of_products)
def test_held_alone_is_what_no_other_product_holds(products):
    holdings = _Holdings(products)
    for product in products:
        others = [p for p in products if p is not product]
        expected = {
            pn
            for pn in product.number_assignments
            if not any(pn in other.number_assignments for other in others)
        }
        assert set(holdings.held_alone_by(product.sid)) == expected
    assert set(holdings.held_alone_by("BU-not-of-this-policy")) == set()
