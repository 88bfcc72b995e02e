"""Read-backs (is this change already in effect?) and submission, against fake SDK objects."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from cnamctl import CNAM_POLICY_SID
from cnamctl.apply import operations as ops
from cnamctl.apply.operations import OPERATIONS, Context, Done, Noncompliant
from cnamctl.live.model import LiveTrustProduct, Snapshot
from cnamctl.plan.model import Action

OLD = "BU" + "0" * 32
NEW = "BU" + "1" * 32
OTHER = "BU" + "2" * 32


class Collection:
    """A fake SDK list resource: ``list``/``create``, and ``(sid)`` for one item."""

    def __init__(self, items: list[Any] | None = None, **children: Any):
        self.items = items or []
        self.children = children
        self.created: list[dict[str, Any]] = []
        self.updated: list[dict[str, Any]] = []
        self.fetch_error: Exception | None = None

    def list(self, **filters: Any) -> list[Any]:
        filters.pop("page_size", None)
        return [i for i in self.items if all(getattr(i, k, None) == v for k, v in filters.items())]

    def create(self, **fields: Any) -> Any:
        self.created.append(fields)
        return SimpleNamespace(sid="XX" + str(len(self.created)), **fields)

    def __call__(self, sid: str) -> Any:
        def fetch() -> Any:
            if self.fetch_error:
                raise self.fetch_error
            return next(i for i in self.items if i.sid == sid)

        def update(**fields: Any) -> Any:
            self.updated.append(fields)
            return SimpleNamespace(sid=sid, **fields)

        return SimpleNamespace(fetch=fetch, update=update, **self.children)


def context(live: Snapshot | None = None, **trusthub: Any) -> Context:
    client = SimpleNamespace(trusthub=SimpleNamespace(v1=SimpleNamespace(**trusthub)))
    return Context(client=client, account_sid="AC1", existing=frozenset({OLD}), live=live)  # type: ignore[arg-type]


def product(sid: str, name: str, status: str = "draft") -> Any:
    return SimpleNamespace(sid=sid, friendly_name=name, policy_sid=CNAM_POLICY_SID, status=status)


def test_every_action_has_an_operation():
    assert set(OPERATIONS) == set(Action)


def test_created_trust_product_is_the_new_one_of_that_name():
    products = Collection([product(OLD, "acme"), product(OTHER, "other"), product(NEW, "acme")])
    params = {"friendly_name": "acme", "email": "e", "policy_sid": CNAM_POLICY_SID}
    found = ops.created_trust_product(context(trust_products=products), params)
    assert found == Done(sid=NEW, created=True)


def test_created_trust_product_is_absent_when_only_the_planned_one_exists():
    products = Collection([product(OLD, "acme")])
    params = {"friendly_name": "acme", "email": "e", "policy_sid": CNAM_POLICY_SID}
    assert ops.created_trust_product(context(trust_products=products), params) is None


def test_created_end_user_matches_name_and_type_and_skips_existing():
    users = Collection(
        [
            SimpleNamespace(sid=OLD, friendly_name="acme", type="cnam_information"),
            SimpleNamespace(sid=OTHER, friendly_name="acme", type="authorized_representative_1"),
            SimpleNamespace(sid=NEW, friendly_name="acme", type="cnam_information"),
        ]
    )
    params = {"friendly_name": "acme", "type": "cnam_information", "attributes": {}}
    assert ops.created_end_user(context(end_users=users), params) == Done(sid=NEW, created=True)


def test_assigned_cnam_number_finds_the_assignment_of_that_number():
    numbers = Collection([SimpleNamespace(sid="RA1", channel_endpoint_sid="PN1")])
    products = Collection(trust_products_channel_endpoint_assignment=numbers)
    ctx = context(trust_products=products)
    assert ops.assigned_cnam_number(ctx, {"trust_product": NEW, "number": "PN1"}) == Done(
        sid="RA1", created=True
    )
    assert ops.assigned_cnam_number(ctx, {"trust_product": NEW, "number": "PN2"}) is None


def test_delete_read_back_is_done_on_404_only():
    products = Collection([product(NEW, "acme")])
    ctx = context(trust_products=products)
    assert ops.deleted_trust_product(ctx, {"trust_product": NEW}) is None
    products.fetch_error = TwilioRestException(404, "u", "gone", 20404)
    assert ops.deleted_trust_product(ctx, {"trust_product": NEW}) == Done()
    products.fetch_error = TwilioRestException(500, "u", "oops", 20500)
    with pytest.raises(TwilioRestException):
        ops.deleted_trust_product(ctx, {"trust_product": NEW})


@pytest.mark.parametrize(
    ("before", "now", "done"),
    [
        ("draft", "draft", False),
        ("draft", "pending-review", True),
        ("draft", "in-review", True),
        ("draft", "twilio-approved", True),
        ("twilio-rejected", "twilio-rejected", False),
        ("twilio-rejected", "twilio-approved", True),
    ],
)
def test_submitted_read_back_needs_evidence_of_a_new_review(before: str, now: str, done: bool):
    live = Snapshot("AC1")
    live.trust_products[NEW] = LiveTrustProduct(NEW, "acme", before, "e", CNAM_POLICY_SID)
    ctx = context(live, trust_products=Collection([product(NEW, "acme", now)]))
    found = ops.submitted_for_review(ctx, {"trust_product": NEW})
    assert (found is not None) is done


def test_submit_evaluates_first_and_does_not_submit_a_noncompliant_product():
    results = [
        {
            "requirement_name": "cnam_information",
            "passed": False,
            "invalid": [
                {"object_field": "cnam_display_name", "failure_reason": "bad", "error_code": 22215}
            ],
        }
    ]
    evaluations = Collection()
    evaluations.create = lambda **kw: SimpleNamespace(status="noncompliant", results=results)  # type: ignore[method-assign]
    products = Collection([product(NEW, "acme")], trust_products_evaluations=evaluations)
    with pytest.raises(Noncompliant) as caught:
        ops.submit_for_review(context(trust_products=products), {"trust_product": NEW})
    assert [f.field for f in caught.value.findings] == ["cnam_display_name"]
    assert products.updated == []


def test_submit_submits_a_compliant_product():
    evaluations = Collection()
    evaluations.create = lambda **kw: SimpleNamespace(status="compliant", results=[])  # type: ignore[method-assign]
    products = Collection([product(NEW, "acme")], trust_products_evaluations=evaluations)
    done = ops.submit_for_review(context(trust_products=products), {"trust_product": NEW})
    assert products.updated == [{"status": "pending-review"}]
    assert done.status == "pending-review"
