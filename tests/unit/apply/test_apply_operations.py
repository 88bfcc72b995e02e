"""Read-backs (is this change already in effect?) and submission, against fake SDK objects."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from cnamctl import CNAM_POLICY_SID
from cnamctl.apply import operations as ops
from cnamctl.apply.operations import OPERATIONS, Context, Done, Noncompliant
from cnamctl.live.model import LiveEndUser, LiveTrustProduct, Snapshot
from cnamctl.plan.model import Action

# what the planner puts on a CNAM product's changes: apply takes no policy for granted
CNAM_USERS = {"end_user_type": "cnam_information"}
CNAM_SUBMIT = {"policy_sid": CNAM_POLICY_SID, **CNAM_USERS}
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
        self.deleted: list[str] = []
        self.fetch_error: Exception | None = None
        self.delete_errors: dict[str, Exception] = {}

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
            self.updated.append({"sid": sid, **fields})
            return SimpleNamespace(sid=sid, **fields)

        def delete() -> bool:
            if sid in self.delete_errors:
                raise self.delete_errors[sid]
            self.deleted.append(sid)
            self.items = [i for i in self.items if i.sid != sid]
            return True

        return SimpleNamespace(fetch=fetch, update=update, delete=delete, **self.children)


def context(live: Snapshot | None = None, **trusthub: Any) -> Context:
    client = SimpleNamespace(trusthub=SimpleNamespace(v1=SimpleNamespace(**trusthub)))
    return Context(
        client=client,  # type: ignore[arg-type]
        account_sid="AC1",
        existing=frozenset({OLD}),
        live=live,
        wait=lambda seconds: None,
    )


def product(sid: str, name: str, status: str = "draft", created: datetime | None = None) -> Any:
    return SimpleNamespace(
        sid=sid, friendly_name=name, policy_sid=CNAM_POLICY_SID, status=status, date_created=created
    )


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


def test_assigned_product_number_finds_the_assignment_of_that_number():
    numbers = Collection([SimpleNamespace(sid="RA1", channel_endpoint_sid="PN1")])
    products = Collection(trust_products_channel_endpoint_assignment=numbers)
    ctx = context(trust_products=products)
    assert ops.assigned_product_number(ctx, {"trust_product": NEW, "number": "PN1"}) == Done(
        sid="RA1", created=True
    )
    assert ops.assigned_product_number(ctx, {"trust_product": NEW, "number": "PN2"}) is None


def test_delete_read_back_is_done_on_404_only():
    products = Collection([product(NEW, "acme")])
    ctx = context(trust_products=products)
    assert ops.deleted_trust_product(ctx, {"trust_product": NEW, **CNAM_USERS}) is None
    products.fetch_error = TwilioRestException(404, "u", "gone", 20404)
    assert ops.deleted_trust_product(ctx, {"trust_product": NEW, **CNAM_USERS}) == Done()
    products.fetch_error = TwilioRestException(500, "u", "oops", 20500)
    with pytest.raises(TwilioRestException):
        ops.deleted_trust_product(ctx, {"trust_product": NEW, **CNAM_USERS})


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
    products = Collection(
        [product(NEW, "acme")],
        trust_products_evaluations=evaluations,
        trust_products_entity_assignments=Collection([]),
    )
    with pytest.raises(Noncompliant) as caught:
        ops.submit_for_review(
            context(trust_products=products), {"trust_product": NEW, **CNAM_SUBMIT}
        )
    assert [f.field for f in caught.value.findings] == ["cnam_display_name"]
    assert products.updated == []


def test_submit_submits_a_compliant_product():
    evaluations = Collection()
    evaluations.create = lambda **kw: SimpleNamespace(status="compliant", results=[])  # type: ignore[method-assign]
    products = Collection(
        [product(NEW, "acme")],
        trust_products_evaluations=evaluations,
        trust_products_entity_assignments=Collection([]),
    )
    done = ops.submit_for_review(
        context(trust_products=products), {"trust_product": NEW, **CNAM_SUBMIT}
    )
    assert products.updated == [{"sid": NEW, "status": "pending-review"}]
    assert done.status == "pending-review"


USER = "IT" + "1" * 32
ORPHAN = "IT" + "2" * 32
BP = "BU" + "9" * 32
CNAM = {
    "friendly_name": "acme",
    "type": "cnam_information",
    "attributes": {"cnam_display_name": "ACME"},
}


def live_with(*users: LiveEndUser, assigned: dict[str, str] | None = None) -> Snapshot:
    """A snapshot with ``users``; product OLD (named acme) has ``assigned`` (object -> BV)."""
    live = Snapshot("AC1")
    for user in users:
        live.end_users[user.sid] = user
    live.trust_products[OLD] = LiveTrustProduct(
        OLD, "acme", "twilio-approved", "e", CNAM_POLICY_SID, entity_assignments=assigned or {}
    )
    return live


def cnam_user(sid: str, name: str = "acme", display: str = "ACME") -> LiveEndUser:
    return LiveEndUser(sid, name, "cnam_information", {"cnam_display_name": display})


def test_create_end_user_adopts_an_orphan_left_by_a_crashed_run():
    live = live_with(cnam_user(USER), cnam_user(ORPHAN), assigned={USER: "BV1"})
    users = Collection()
    done = ops.create_end_user(context(live, end_users=users), CNAM)
    assert done == Done(sid=ORPHAN, details={"adopted": ORPHAN})
    assert users.created == [] and users.updated == []


def test_an_adopted_orphan_gets_the_wanted_attributes():
    live = live_with(cnam_user(ORPHAN, display="OLD NAME"))
    users = Collection()
    done = ops.create_end_user(context(live, end_users=users), CNAM)
    assert done.sid == ORPHAN
    assert users.updated == [{"sid": ORPHAN, "attributes": {"cnam_display_name": "ACME"}}]
    assert users.created == []


@pytest.mark.parametrize(
    "other",
    [
        cnam_user(USER),  # assigned to a product: not an orphan
        cnam_user(ORPHAN, name="other"),  # another profile's
        LiveEndUser(ORPHAN, "acme", "authorized_representative_1", {}),  # another type
    ],
)
def test_create_end_user_creates_when_there_is_no_orphan(other: LiveEndUser):
    live = live_with(other, assigned={USER: "BV1"})
    users = Collection()
    done = ops.create_end_user(context(live, end_users=users), CNAM)
    assert done == Done(sid="XX1", created=True)
    assert users.created == [CNAM]


def test_created_end_user_read_back_accepts_the_adopted_orphan_once_updated():
    live = live_with(cnam_user(ORPHAN, display="OLD NAME"))
    old = SimpleNamespace(
        sid=ORPHAN,
        friendly_name="acme",
        type="cnam_information",
        attributes={"cnam_display_name": "OLD NAME"},
    )
    ctx = Context(
        client=SimpleNamespace(
            trusthub=SimpleNamespace(v1=SimpleNamespace(end_users=Collection([old])))
        ),  # type: ignore[arg-type]
        account_sid="AC1",
        existing=frozenset({ORPHAN}),
        live=live,
    )
    assert ops.created_end_user(ctx, CNAM) is None  # not yet: an update is still needed
    old.attributes = {"cnam_display_name": "ACME"}
    assert ops.created_end_user(ctx, CNAM) == Done(sid=ORPHAN, details={"adopted": ORPHAN})


def test_delete_trust_product_also_deletes_the_end_user_only_it_used():
    live = live_with(cnam_user(USER), assigned={USER: "BV1", BP: "BV2"})
    products = Collection([product(OLD, "acme")])
    users = Collection([SimpleNamespace(sid=USER)])
    done = ops.delete_trust_product(
        context(live, trust_products=products, end_users=users),
        {"trust_product": OLD, **CNAM_USERS},
    )
    assert products.deleted == [OLD] and users.deleted == [USER]
    assert done.details == {"end_users_deleted": [USER]}


def test_delete_trust_product_keeps_an_end_user_another_product_uses():
    live = live_with(cnam_user(USER), assigned={USER: "BV1"})
    live.trust_products[NEW] = LiveTrustProduct(
        NEW, "acme", "draft", "e", CNAM_POLICY_SID, entity_assignments={USER: "BV3"}
    )
    users = Collection([SimpleNamespace(sid=USER)])
    ctx = context(live, trust_products=Collection([product(OLD, "acme")]), end_users=users)
    ops.delete_trust_product(ctx, {"trust_product": OLD, **CNAM_USERS})
    assert users.deleted == []


def test_delete_trust_product_is_idempotent_for_a_retry():
    """A retry after an ambiguous failure: the product is already gone (404), the end
    user is deleted now; an end user in use after all (409) is left alone."""
    live = live_with(cnam_user(USER), assigned={USER: "BV1"})
    products = Collection()
    products.delete_errors[OLD] = TwilioRestException(404, "u", "gone", 20404)
    users = Collection([SimpleNamespace(sid=USER)])
    ctx = context(live, trust_products=products, end_users=users)
    ops.delete_trust_product(ctx, {"trust_product": OLD, **CNAM_USERS})
    assert users.deleted == [USER]
    users.delete_errors[USER] = TwilioRestException(409, "u", "in use", 20409)
    assert ops.delete_trust_product(ctx, {"trust_product": OLD, **CNAM_USERS}) == Done()
    products.delete_errors[OLD] = TwilioRestException(500, "u", "oops", 20500)
    with pytest.raises(TwilioRestException):
        ops.delete_trust_product(ctx, {"trust_product": OLD, **CNAM_USERS})


def test_deleted_trust_product_read_back_waits_for_its_end_user():
    live = live_with(cnam_user(USER), assigned={USER: "BV1"})
    products = Collection()
    products.fetch_error = TwilioRestException(404, "u", "gone", 20404)
    users = Collection([SimpleNamespace(sid=USER)])
    ctx = context(live, trust_products=products, end_users=users)
    assert ops.deleted_trust_product(ctx, {"trust_product": OLD, **CNAM_USERS}) is None
    users.fetch_error = TwilioRestException(404, "u", "gone", 20404)
    assert ops.deleted_trust_product(ctx, {"trust_product": OLD, **CNAM_USERS}) == Done()


# --- two applies at once ------------------------------------------------------------

T0 = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
T1 = datetime(2026, 12, 1, 12, 0, 1, tzinfo=UTC)
CREATE = {"friendly_name": "acme", "email": "e", "policy_sid": CNAM_POLICY_SID}


class Products(Collection):
    """A product collection whose create makes a product created at ``when``."""

    def __init__(self, items: list[Any], when: datetime) -> None:
        super().__init__(items, trust_products_entity_assignments=Collection([]))
        self.when = when

    def create(self, **fields: Any) -> Any:
        made = product("BU" + "9" * 32, fields["friendly_name"], created=self.when)
        self.items.append(made)
        self.created.append(fields)
        return made


def settled(**trusthub: Any) -> tuple[Context, list[float]]:
    waits: list[float] = []
    base = context(**trusthub)
    return replace(base, wait=waits.append, settle_seconds=2.5), waits


def test_a_new_product_that_is_the_oldest_of_its_name_stays():
    products = Products([product(NEW, "acme", created=T1)], when=T0)
    ctx, waits = settled(trust_products=products)
    done = ops.create_trust_product(ctx, CREATE)
    assert done == Done(sid="BU" + "9" * 32, created=True)
    assert waits == [2.5] and products.deleted == []


def test_a_new_product_younger_than_a_rival_is_deleted_and_the_rival_joined():
    rival = product(NEW, "acme", created=T0)
    products = Products([rival, product(OLD, "acme", "twilio-approved")], when=T1)
    ctx, _ = settled(trust_products=products)
    done = ops.create_trust_product(ctx, CREATE)
    mine = "BU" + "9" * 32
    assert done.sid == NEW and not done.created
    assert done.details == {"joined": NEW, "duplicate_deleted": mine}
    assert products.deleted == [mine]  # OLD existed when planning: never a rival
    assert mine not in ctx.run.created


def test_a_tie_in_date_created_goes_to_the_lowest_sid():
    rival = product("BU" + "1" * 32, "acme", created=T0)
    products = Products([rival], when=T0)
    ctx, _ = settled(trust_products=products)
    assert ops.create_trust_product(ctx, CREATE).sid == rival.sid


MINE = "IT" + "1" * 32
THEIRS = "IT" + "2" * 32
BP_SID = "BU" + "b" * 32


def _cnam_user(sid: str) -> Any:
    return SimpleNamespace(sid=sid, type="cnam_information", friendly_name="acme")


def _assignment(sid: str, obj: str, created: datetime) -> Any:
    return SimpleNamespace(sid=sid, object_sid=obj, date_created=created)


def _product_with(entities: Collection, users: Collection) -> tuple[Context, list[float]]:
    evaluations = Collection([])
    evaluations.create = lambda **f: SimpleNamespace(status="compliant", results=[])  # type: ignore[method-assign]

    def one(sid: str) -> Any:
        return SimpleNamespace(
            trust_products_entity_assignments=entities,
            trust_products_evaluations=evaluations,
            update=lambda **f: SimpleNamespace(sid=sid, status=f["status"]),
        )

    return settled(trust_products=one, end_users=users)


def test_an_end_user_is_not_assigned_where_another_applys_already_is():
    entities = Collection([_assignment("BV1", THEIRS, T0)])
    users = Collection([_cnam_user(MINE), _cnam_user(THEIRS)])
    ctx, _ = _product_with(entities, users)
    ctx.run.created.add(MINE)
    done = ops.assign_entity(ctx, {"trust_product": NEW, "object": MINE, **CNAM_USERS})
    assert entities.created == [] and users.deleted == [MINE]
    assert done.details == {"end_user_of_another_apply": THEIRS, "end_user_deleted": MINE}
    # a business profile is assigned as usual (a second run's is refused and read back)
    ops.assign_entity(ctx, {"trust_product": NEW, "object": BP_SID})
    assert entities.created == [{"object_sid": BP_SID}]


def test_an_adopted_end_user_is_never_deleted():
    entities = Collection([_assignment("BV1", THEIRS, T0)])
    users = Collection([_cnam_user(MINE), _cnam_user(THEIRS)])
    ctx, _ = _product_with(entities, users)  # MINE not created by this run: adopted
    ops.assign_entity(ctx, {"trust_product": NEW, "object": MINE, **CNAM_USERS})
    assert users.deleted == []


def test_submission_keeps_the_oldest_end_user_assignment():
    entities = Collection([_assignment("BV2", MINE, T1), _assignment("BV1", THEIRS, T0)])
    users = Collection([_cnam_user(MINE), _cnam_user(THEIRS)])
    ctx, waits = _product_with(entities, users)
    done = ops.submit_for_review(ctx, {"trust_product": NEW, **CNAM_SUBMIT})
    assert waits == [2.5]
    assert entities.deleted == ["BV2"] and users.deleted == [MINE]
    assert done.status == "pending-review"
    assert done.details == {"duplicate_end_users_removed": [MINE]}
