"""One SDK call per Action, and the read-back that tells whether it is in effect.

``run`` sends the write. ``read_back`` answers "is this change already in
effect?" using reads only, and is what makes retries safe: after an ambiguous
failure (5xx, reset, timeout) or a refusal (already exists, not found) the
executor reads back before it would ever send the write again.

============================== ============================================
action                         read-back: in effect when
============================== ============================================
unassign-cnam-number,          the assignment RA is gone (fetch -> 404)
unassign-product-number
create-end-user                an end user of that friendly name and type
                               exists whose SID is not in the plan's
                               fingerprints (it did not exist when planning),
                               or the orphan it adopts (below) shows the
                               wanted attributes
update-end-user                the end user's attributes equal the params
create-trust-product           a product of that friendly name and policy
                               exists whose SID is not in the plan's
                               fingerprints (the oldest of them, as below)
update-trust-product           the product's email equals the params
assign-entity                  the product lists an entity assignment for
                               the object (or, for an end user, already has
                               another apply's end user of that type)
assign-business-profile-number the profile lists the number (ChannelEndpointSid
                               filter)
assign-cnam-number,            the product lists the number (same filter)
assign-product-number
submit-for-review              the product is pending-review / in-review, or
                               reviewed with a status other than before
set-caller-name-lookup         the number's VoiceCallerIdLookup equals params
create-validation-request      an outgoing caller ID for the number exists
                               (otherwise a repeated request only repeats
                               the verification call; it creates nothing)
update-caller-id               the caller ID's friendly name equals params
delete-caller-id               fetch -> 404
delete-trust-product           fetch -> 404, for the product and for the
                               end users of its type it leaves behind
============================== ============================================

Two objects the plan does not name are handled here, because a crash can leave
them and the planner does not see them (see docs/apply.md):

* an *orphan* end user: an end user of the change's type (``cnam_information``,
  ``voice_integrity_information``) with the profile's friendly name that no
  product has assigned (a run killed between creating it and assigning it).
  ``create-end-user`` adopts it (updating its attributes when they differ) instead
  of creating a second one;
* the end user (of the type the change names) of a deleted product that no other
  product uses: ``delete-trust-product`` deletes it after the product, so a
  replaced product leaves no second end user of the profile's name behind.

Which policy and end-user type a change is about always comes from its params
(``cnamctl/plan/model.py``); nothing here assumes CNAM.

Two applies at once (a person and a CI job) must not leave two products of one
name. Twilio has no locks or idempotency keys, so creation heals itself:

* after creating a trust product, ``create-trust-product`` waits
  ``Context.settle_seconds`` and lists the products of that name and policy that
  did not exist when planning. The oldest (``date_created``, then lowest SID)
  stays; a run whose product is not the oldest deletes its own (its own
  dependents have not started; an end user that a run which planned against it
  meanwhile assigned is deleted with it) and carries on with the oldest, which
  it *joins*.
  The wait makes every run decide alike: a rival created within the wait is seen
  by both runs; one created later is seen by the later run and is younger by at
  least the second of ``date_created``'s resolution (the wait must exceed 1 s
  plus the time Twilio takes to list a new object);
* a product holds one end user of its policy's type. ``assign-entity`` of an end
  user first looks at the product: when another run's end user is already there,
  it assigns nothing and deletes the end user this run created. Two runs that
  look at the same moment can still both assign one, so ``submit-for-review``
  waits ``settle_seconds`` (any assignment made before then is visible by then,
  and any made later was preceded by a look that saw the first), keeps the
  oldest end-user assignment and removes the others before it evaluates and
  submits. Business-profile and number assignments, and the submission itself,
  may be made by several runs: the second is refused and read back as in effect;
* whatever is left (a run killed between its create and the check, a list that
  did not show a rival yet) is a duplicate the next plan removes, keeping the
  oldest (``plan/trust_product.py``).

Params follow the contract in ``cnamctl/plan/model.py``; ``@refs`` are already
resolved to SIDs when these run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from twilio.base import values
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from cnamctl.apply.defaults import DEFAULT_SETTLE_SECONDS
from cnamctl.apply.evaluation import Finding, findings
from cnamctl.live.model import LiveEndUser, Snapshot
from cnamctl.plan.model import Action
from cnamctl.plan.review import APPROVED, DRAFT, REJECTED, UNDER_REVIEW

Params = Mapping[str, Any]
PAGE_SIZE = 1000
REVIEWED = frozenset({APPROVED, REJECTED})


@dataclass
class RunState:
    """What the operations of one run learn as it goes (shared by its workers)."""

    created: set[str] = field(default_factory=set)  # SIDs this run created


@dataclass(frozen=True)
class Context:
    client: Client
    account_sid: str
    existing: frozenset[str]  # SIDs that existed when the plan was computed
    live: Snapshot | None = None  # the snapshot the plan was checked against
    run: RunState = field(default_factory=RunState)
    settle_seconds: float = DEFAULT_SETTLE_SECONDS  # see "Two applies at once" above
    wait: Callable[[float], object] = time.sleep  # returns early when the run stops


@dataclass(frozen=True)
class Done:
    """A change in effect: the SID it is about (what ``@refs`` to it resolve to)."""

    sid: str | None = None
    created: bool = False  # ``sid`` is a new object made by this change
    status: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


class Noncompliant(Exception):
    """Twilio's evaluation of a product found it noncompliant: not submitted."""

    def __init__(self, product_sid: str, found: list[Finding]):
        self.product_sid = product_sid
        self.findings = found
        super().__init__(f"evaluation noncompliant ({len(found)} finding(s)); not submitted")


RunFn = Callable[[Context, Params], Done]
ReadBackFn = Callable[[Context, Params], Done | None]


@dataclass(frozen=True)
class Operation:
    run: RunFn
    read_back: ReadBackFn
    # sending the write twice has the effect of sending it once (an update, an
    # unassignment, a deletion); others would make a duplicate or be refused as one
    repeatable: bool = False


def _trusthub(ctx: Context) -> Any:
    return ctx.client.trusthub.v1


def _account(ctx: Context) -> Any:
    return ctx.client.api.v2010.accounts(ctx.account_sid)


def _gone(fetch: Callable[[], object]) -> Done | None:
    """Done when ``fetch`` answers 404."""
    try:
        fetch()
    except TwilioRestException as err:
        if err.status == 404:
            return Done()
        raise
    return None


def _delete(delete: Callable[[], object], *, tolerate: frozenset[int] = frozenset({404})) -> bool:
    """Send a DELETE; an answer in ``tolerate`` (404: already gone) counts as done.
    Returns whether this call deleted something."""
    try:
        delete()
    except TwilioRestException as err:
        if err.status in tolerate:
            return False
        raise
    return True


def _created(sid: str) -> Done:
    return Done(sid=sid, created=True)


def _age(item: Any) -> tuple[bool, datetime | str, str]:
    """Sort key: oldest ``date_created`` first (unknown last), then lowest SID."""
    created = item.date_created
    return (created is None, created or "", str(item.sid))


def oldest(items: Iterable[Any]) -> Any | None:
    """The item a duplicate check keeps: the oldest, then the lowest SID."""
    return min(items, key=_age, default=None)


def _optional(value: object) -> object:
    return values.unset if value is None else value


# --- trust product number (un)assignments -------------------------------------------


def _tp_numbers(ctx: Context, p: Params) -> Any:
    return (
        _trusthub(ctx).trust_products(p["trust_product"]).trust_products_channel_endpoint_assignment
    )


def unassign_product_number(ctx: Context, p: Params) -> Done:
    _tp_numbers(ctx, p)(p["assignment"]).delete()
    return Done()


def unassigned_product_number(ctx: Context, p: Params) -> Done | None:
    return _gone(_tp_numbers(ctx, p)(p["assignment"]).fetch)


def assign_product_number(ctx: Context, p: Params) -> Done:
    made = _tp_numbers(ctx, p).create(
        channel_endpoint_type="phone-number", channel_endpoint_sid=p["number"]
    )
    return _created(made.sid)


def assigned_product_number(ctx: Context, p: Params) -> Done | None:
    return _endpoint_assigned(_tp_numbers(ctx, p), p["number"])


def _endpoint_assigned(assignments: Any, number: str) -> Done | None:
    for a in assignments.list(channel_endpoint_sid=number, page_size=PAGE_SIZE):
        if a.channel_endpoint_sid == number:
            return _created(a.sid)
    return None


# --- end users -----------------------------------------------------------------------


def create_end_user(ctx: Context, p: Params) -> Done:
    orphan = orphan_end_user(ctx.live, p["friendly_name"], p["type"])
    if orphan is not None:
        if orphan.attributes != dict(p["attributes"]):
            _trusthub(ctx).end_users(orphan.sid).update(attributes=p["attributes"])
        return Done(sid=orphan.sid, details={"adopted": orphan.sid})
    made = _trusthub(ctx).end_users.create(
        friendly_name=p["friendly_name"], type=p["type"], attributes=p["attributes"]
    )
    ctx.run.created.add(made.sid)
    return _created(made.sid)


def created_end_user(ctx: Context, p: Params) -> Done | None:
    orphan = orphan_end_user(ctx.live, p["friendly_name"], p["type"])
    for user in _trusthub(ctx).end_users.list(page_size=PAGE_SIZE):
        if user.friendly_name != p["friendly_name"] or user.type != p["type"]:
            continue
        if user.sid not in ctx.existing:
            return _created(user.sid)
        if (
            orphan is not None
            and user.sid == orphan.sid
            and dict(user.attributes or {}) == dict(p["attributes"])
        ):
            return Done(sid=user.sid, details={"adopted": user.sid})
    return None


def orphan_end_user(live: Snapshot | None, friendly_name: str, type_: str) -> LiveEndUser | None:
    """An end user of that name and type that no product has assigned, if any (the
    lowest SID when there are several)."""
    if live is None:
        return None
    assigned = {sid for p in live.trust_products.values() for sid in p.entity_assignments}
    orphans = sorted(
        (
            u
            for u in live.end_users.values()
            if u.friendly_name == friendly_name and u.type == type_ and u.sid not in assigned
        ),
        key=lambda u: u.sid,
    )
    return orphans[0] if orphans else None


def end_users_left_behind(
    live: Snapshot | None, product_sid: str, end_user_type: str | None
) -> list[str]:
    """The end users of ``end_user_type`` assigned to ``product_sid`` that no other
    product uses (none when the policy has no end user)."""
    if live is None or end_user_type is None or product_sid not in live.trust_products:
        return []
    elsewhere = {
        sid
        for p in live.trust_products.values()
        if p.sid != product_sid
        for sid in p.entity_assignments
    }
    return sorted(
        sid
        for sid in live.trust_products[product_sid].entity_assignments
        if sid in live.end_users
        and live.end_users[sid].type == end_user_type
        and sid not in elsewhere
    )


def product_exists(ctx: Context, sid: str) -> bool:
    """False only when Twilio answers 404 for the product (errors count as existing)."""
    try:
        return _gone(_trusthub(ctx).trust_products(sid).fetch) is None
    except Exception:
        return True


def discard_end_user(ctx: Context, sid: str) -> bool:
    """Delete an end user this run created and nothing uses; False if that failed
    (it is then an orphan, adopted by the profile's next create-end-user)."""
    try:
        _delete(_trusthub(ctx).end_users(sid).delete, tolerate=frozenset({404, 409}))
    except Exception:
        return False
    return True


def update_end_user(ctx: Context, p: Params) -> Done:
    _trusthub(ctx).end_users(p["end_user"]).update(attributes=p["attributes"])
    return Done(sid=p["end_user"])


def updated_end_user(ctx: Context, p: Params) -> Done | None:
    user = _trusthub(ctx).end_users(p["end_user"]).fetch()
    return Done(sid=p["end_user"]) if dict(user.attributes or {}) == dict(p["attributes"]) else None


# --- trust products ------------------------------------------------------------------


def create_trust_product(ctx: Context, p: Params) -> Done:
    made = _trusthub(ctx).trust_products.create(
        friendly_name=p["friendly_name"], email=p["email"], policy_sid=p["policy_sid"]
    )
    ctx.run.created.add(made.sid)
    return _keep_oldest_product(ctx, p, made.sid)


def _new_products_named(ctx: Context, p: Params) -> list[Any]:
    """Products of the change's name and policy that did not exist when planning."""
    products = _trusthub(ctx).trust_products.list(
        friendly_name=p["friendly_name"], policy_sid=p["policy_sid"], page_size=PAGE_SIZE
    )
    return [
        product
        for product in products
        if product.friendly_name == p["friendly_name"]
        and product.policy_sid == p["policy_sid"]
        and product.sid not in ctx.existing
    ]


def _keep_oldest_product(ctx: Context, p: Params, mine: str) -> Done:
    """The duplicate check after a create (module docstring, "Two applies at once")."""
    ctx.wait(ctx.settle_seconds)
    try:
        keep = oldest(_new_products_named(ctx, p))
    except Exception:  # the create succeeded; the next plan removes any duplicate
        return _created(mine)
    if keep is None or keep.sid == mine:
        return _created(mine)
    trusthub = _trusthub(ctx)
    # a run that planned against this product meanwhile may have assigned its end user
    strays = [
        a.object_sid
        for a in trusthub.trust_products(mine).trust_products_entity_assignments.list()
        if str(a.object_sid).startswith("IT")
    ]
    _delete(trusthub.trust_products(mine).delete)
    for user in strays:
        _delete(trusthub.end_users(user).delete, tolerate=frozenset({404, 409}))
    ctx.run.created.discard(mine)
    return Done(sid=keep.sid, details={"joined": keep.sid, "duplicate_deleted": mine})


def created_trust_product(ctx: Context, p: Params) -> Done | None:
    keep = oldest(_new_products_named(ctx, p))
    return _created(keep.sid) if keep is not None else None


def update_trust_product(ctx: Context, p: Params) -> Done:
    _trusthub(ctx).trust_products(p["trust_product"]).update(email=p["email"])
    return Done(sid=p["trust_product"])


def updated_trust_product(ctx: Context, p: Params) -> Done | None:
    product = _trusthub(ctx).trust_products(p["trust_product"]).fetch()
    return Done(sid=p["trust_product"]) if product.email == p["email"] else None


def delete_trust_product(ctx: Context, p: Params) -> Done:
    """Delete the product, then the end users it leaves behind (each step idempotent,
    so a retry after an ambiguous failure finishes the job). An end user that is in
    use after all (409) is left alone."""
    trusthub = _trusthub(ctx)
    _delete(trusthub.trust_products(p["trust_product"]).delete)
    users = [
        sid
        for sid in end_users_left_behind(ctx.live, p["trust_product"], p["end_user_type"])
        if _delete(trusthub.end_users(sid).delete, tolerate=frozenset({404, 409}))
    ]
    return Done(details={"end_users_deleted": users} if users else {})


def deleted_trust_product(ctx: Context, p: Params) -> Done | None:
    trusthub = _trusthub(ctx)
    if _gone(trusthub.trust_products(p["trust_product"]).fetch) is None:
        return None
    for sid in end_users_left_behind(ctx.live, p["trust_product"], p["end_user_type"]):
        if _gone(trusthub.end_users(sid).fetch) is None:
            return None
    return Done()


def _entities(ctx: Context, p: Params) -> Any:
    return _trusthub(ctx).trust_products(p["trust_product"]).trust_products_entity_assignments


def assign_entity(ctx: Context, p: Params) -> Done:
    in_place = _end_user_in_place(ctx, p)
    if in_place is not None:
        return in_place
    return _created(_entities(ctx, p).create(object_sid=p["object"]).sid)


def assigned_entity(ctx: Context, p: Params) -> Done | None:
    for a in _entities(ctx, p).list(page_size=PAGE_SIZE):
        if a.object_sid == p["object"]:
            return _created(a.sid)
    return _end_user_in_place(ctx, p)


def _end_users_of(ctx: Context, product_sid: str, end_user_type: str) -> list[tuple[Any, Any]]:
    """(assignment, end user) of each end user of ``end_user_type`` assigned to the
    product, the oldest assignment first."""
    trusthub = _trusthub(ctx)
    found = []
    entities = trusthub.trust_products(product_sid).trust_products_entity_assignments
    for assignment in entities.list(page_size=PAGE_SIZE):
        if str(assignment.object_sid).startswith("IT"):
            user = trusthub.end_users(assignment.object_sid).fetch()
            if user.type == end_user_type:
                found.append((assignment, user))
    return sorted(found, key=lambda pair: _age(pair[0]))


def _end_user_in_place(ctx: Context, p: Params) -> Done | None:
    """Assigning an end user to a product that already has an end user of that type
    (another apply assigned its own): ours is redundant, and deleted if this run
    created it (module docstring, "Two applies at once")."""
    ours = str(p["object"])
    if not ours.startswith("IT"):
        return None
    present = _end_users_of(ctx, p["trust_product"], p["end_user_type"])
    if not present:
        return None
    for assignment, user in present:
        if user.sid == ours:
            return _created(assignment.sid)
    if ours in ctx.run.created:
        _delete(_trusthub(ctx).end_users(ours).delete, tolerate=frozenset({404, 409}))
    return Done(details={"end_user_of_another_apply": present[0][1].sid, "end_user_deleted": ours})


def _one_end_user(ctx: Context, product_sid: str, end_user_type: str | None) -> list[str]:
    """Before a submission: keep the oldest assignment of an end user of the policy's
    type and remove the others (two applies each assigned one); returns the end users
    removed (none for a policy without an end user)."""
    if end_user_type is None:
        return []
    removed = []
    trusthub = _trusthub(ctx)
    entities = trusthub.trust_products(product_sid).trust_products_entity_assignments
    for assignment, user in _end_users_of(ctx, product_sid, end_user_type)[1:]:
        _delete(entities(assignment.sid).delete)
        _delete(trusthub.end_users(user.sid).delete, tolerate=frozenset({404, 409}))
        removed.append(user.sid)
    return removed


def submit_for_review(ctx: Context, p: Params) -> Done:
    sid = p["trust_product"]
    ctx.wait(ctx.settle_seconds)  # lets a concurrent apply's assignment show (docstring)
    removed = _one_end_user(ctx, sid, p["end_user_type"])
    product = _trusthub(ctx).trust_products(sid)
    evaluation = product.trust_products_evaluations.create(policy_sid=p["policy_sid"])
    if evaluation.status != "compliant":
        raise Noncompliant(sid, findings(evaluation.results))
    submitted = product.update(status="pending-review")
    details = {"duplicate_end_users_removed": removed} if removed else {}
    return Done(sid=sid, status=str(submitted.status), details=details)


def submitted_for_review(ctx: Context, p: Params) -> Done | None:
    sid = p["trust_product"]
    status = str(_trusthub(ctx).trust_products(sid).fetch().status)
    before = _status_before(ctx, sid)
    if status in UNDER_REVIEW or (status in REVIEWED and status != before):
        return Done(sid=sid, status=status)
    return None


def _status_before(ctx: Context, sid: str) -> str:
    product = ctx.live.trust_products.get(sid) if ctx.live else None
    return product.status if product else DRAFT


# --- business profile numbers --------------------------------------------------------


def _bp_numbers(ctx: Context, p: Params) -> Any:
    profile = _trusthub(ctx).customer_profiles(p["business_profile"])
    return profile.customer_profiles_channel_endpoint_assignment


def assign_business_profile_number(ctx: Context, p: Params) -> Done:
    made = _bp_numbers(ctx, p).create(
        channel_endpoint_type="phone-number", channel_endpoint_sid=p["number"]
    )
    return _created(made.sid)


def assigned_business_profile_number(ctx: Context, p: Params) -> Done | None:
    return _endpoint_assigned(_bp_numbers(ctx, p), p["number"])


# --- numbers and caller IDs (API 2010) -------------------------------------------------


def set_caller_name_lookup(ctx: Context, p: Params) -> Done:
    _account(ctx).incoming_phone_numbers(p["number"]).update(
        voice_caller_id_lookup=bool(p["enabled"])
    )
    return Done(sid=p["number"])


def caller_name_lookup_set(ctx: Context, p: Params) -> Done | None:
    number = _account(ctx).incoming_phone_numbers(p["number"]).fetch()
    return (
        Done(sid=p["number"]) if bool(number.voice_caller_id_lookup) == bool(p["enabled"]) else None
    )


def create_validation_request(ctx: Context, p: Params) -> Done:
    request = _account(ctx).validation_requests.create(
        phone_number=p["phone_number"], friendly_name=_optional(p.get("friendly_name"))
    )
    details = {"phone_number": p["phone_number"]}
    if request.validation_code:
        details["validation_code"] = str(request.validation_code)
    return Done(details=details)


def validation_requested(ctx: Context, p: Params) -> Done | None:
    for caller in _account(ctx).outgoing_caller_ids.list(
        phone_number=p["phone_number"], page_size=PAGE_SIZE
    ):
        if caller.phone_number == p["phone_number"]:
            return Done(sid=caller.sid, details={"verified": True})
    return None


def update_caller_id(ctx: Context, p: Params) -> Done:
    _account(ctx).outgoing_caller_ids(p["caller_id"]).update(friendly_name=p["friendly_name"])
    return Done(sid=p["caller_id"])


def updated_caller_id(ctx: Context, p: Params) -> Done | None:
    caller = _account(ctx).outgoing_caller_ids(p["caller_id"]).fetch()
    return Done(sid=p["caller_id"]) if caller.friendly_name == p["friendly_name"] else None


def delete_caller_id(ctx: Context, p: Params) -> Done:
    _account(ctx).outgoing_caller_ids(p["caller_id"]).delete()
    return Done()


def deleted_caller_id(ctx: Context, p: Params) -> Done | None:
    return _gone(_account(ctx).outgoing_caller_ids(p["caller_id"]).fetch)


_UNASSIGN_NUMBER = Operation(unassign_product_number, unassigned_product_number, repeatable=True)
_ASSIGN_NUMBER = Operation(assign_product_number, assigned_product_number)

OPERATIONS: dict[Action, Operation] = {
    Action.UNASSIGN_CNAM_NUMBER: _UNASSIGN_NUMBER,
    Action.UNASSIGN_PRODUCT_NUMBER: _UNASSIGN_NUMBER,
    Action.CREATE_END_USER: Operation(create_end_user, created_end_user),
    Action.UPDATE_END_USER: Operation(update_end_user, updated_end_user, repeatable=True),
    Action.CREATE_TRUST_PRODUCT: Operation(create_trust_product, created_trust_product),
    Action.UPDATE_TRUST_PRODUCT: Operation(
        update_trust_product, updated_trust_product, repeatable=True
    ),
    Action.ASSIGN_ENTITY: Operation(assign_entity, assigned_entity),
    Action.ASSIGN_BUSINESS_PROFILE_NUMBER: Operation(
        assign_business_profile_number, assigned_business_profile_number
    ),
    Action.ASSIGN_CNAM_NUMBER: _ASSIGN_NUMBER,
    Action.ASSIGN_PRODUCT_NUMBER: _ASSIGN_NUMBER,
    Action.SUBMIT_FOR_REVIEW: Operation(submit_for_review, submitted_for_review),
    Action.SET_CALLER_NAME_LOOKUP: Operation(
        set_caller_name_lookup, caller_name_lookup_set, repeatable=True
    ),
    Action.CREATE_VALIDATION_REQUEST: Operation(create_validation_request, validation_requested),
    Action.UPDATE_CALLER_ID: Operation(update_caller_id, updated_caller_id, repeatable=True),
    Action.DELETE_CALLER_ID: Operation(delete_caller_id, deleted_caller_id, repeatable=True),
    Action.DELETE_TRUST_PRODUCT: Operation(
        delete_trust_product, deleted_trust_product, repeatable=True
    ),
}
