"""CustomerProfiles and TrustProducts with their ChannelEndpointAssignments,
EntityAssignments and Evaluations.

One implementation serves both kinds; a :class:`BundleKind` supplies what differs,
the bundle's :class:`Policy` what its policy requires. Rules enforced here (see
docs/emulator.md):

- a bundle in pending-review, in-review or twilio-approved cannot gain or lose
  entity assignments (60711); under review it cannot gain or lose numbers or change
  its properties either;
- submission (Status=pending-review) runs the policy evaluation and is refused
  unless it is compliant; the review decides later (review.py, reviewer.py);
- a number joins at most one bundle of an exclusive group (business profiles;
  CNAM trust products), must be eligible for the policy and, for trust products,
  already on the product's business profile;
- an account has at most one primary business profile.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from cnamctl.emulator.domain import errors, review, serialize
from cnamctl.emulator.domain.context import Ctx, Reply, callback_url, filters
from cnamctl.emulator.domain.evaluation import evaluate, first_failure
from cnamctl.emulator.domain.kinds import CUSTOMER_PROFILES, KINDS, BundleKind
from cnamctl.emulator.domain.policies import POLICIES
from cnamctl.emulator.domain.sids import is_sid, new_sid
from cnamctl.emulator.storage import queries
from cnamctl.emulator.storage.db import Row
from cnamctl.emulator.storage.paging import parse_page_request, v1_envelope

BUNDLE_FILTERS = ("Status", "FriendlyName", "PolicySid")
CHANNEL_FILTERS = ("ChannelEndpointSid", "ChannelEndpointSids")
ENTITY_FILTERS = ("ObjectType",)
OBJECT_TYPE_PREFIXES = {"end_user": "IT", "customer_profile": "BU"}
_ANY_SID = re.compile(r"^[a-zA-Z]{2}[0-9a-fA-F]{32}$")

Handler = Callable[[BundleKind, Ctx], Reply]


def _routes() -> list[tuple[str, str, Callable[[Ctx], Reply]]]:
    found: list[tuple[str, str, Callable[[Ctx], Reply]]] = []
    for kind in KINDS:
        base = f"/v1/{kind.collection}"
        parent = f"{base}/{{{kind.parent_param}}}"
        channels = f"{parent}/ChannelEndpointAssignments"
        entities = f"{parent}/EntityAssignments"
        evaluations = f"{parent}/Evaluations"
        table: list[tuple[str, str, Handler]] = [
            ("GET", base, list_bundles),
            ("POST", base, create_bundle),
            ("GET", f"{base}/{{Sid}}", fetch_bundle),
            ("POST", f"{base}/{{Sid}}", update_bundle),
            ("DELETE", f"{base}/{{Sid}}", delete_bundle),
            ("GET", channels, list_channels),
            ("POST", channels, create_channel),
            ("GET", f"{channels}/{{Sid}}", fetch_channel),
            ("DELETE", f"{channels}/{{Sid}}", delete_channel),
            ("GET", entities, list_entities),
            ("POST", entities, create_entity),
            ("GET", f"{entities}/{{Sid}}", fetch_entity),
            ("DELETE", f"{entities}/{{Sid}}", delete_entity),
            ("GET", evaluations, list_evaluations),
            ("POST", evaluations, create_evaluation),
            ("GET", f"{evaluations}/{{Sid}}", fetch_evaluation),
        ]
        found += [(method, template, partial(handler, kind)) for method, template, handler in table]
    return found


# --- loading ---------------------------------------------------------------------


def _bundle(ctx: Ctx, kind: BundleKind, sid: str) -> Row:
    row = None
    if is_sid(sid, "BU"):
        row = ctx.db.get("bundles", sid, account_sid=ctx.account_sid, kind=kind.name)
    if row is None:
        raise ctx.not_found()
    return row


def _parent(ctx: Ctx, kind: BundleKind) -> Row:
    return _bundle(ctx, kind, ctx.params[kind.parent_param])


def _child(ctx: Ctx, table: str, prefix: str, bundle_sid: str) -> Row:
    sid = ctx.params["Sid"]
    row = ctx.db.get(table, sid, bundle_sid=bundle_sid) if is_sid(sid, prefix) else None
    if row is None:
        raise ctx.not_found()
    return row


def _any_sid_param(ctx: Ctx, name: str) -> str:
    value = ctx.required(name)
    if not _ANY_SID.match(value):
        raise errors.invalid_param(name, "must be a 34-character SID")
    return value


def _assert_not_under_review(bundle: Row) -> None:
    if bundle["status"] in review.UNDER_REVIEW:
        raise errors.status_locked(bundle["status"])


def _assert_unlocked(bundle: Row) -> None:
    if bundle["status"] in review.LOCKED:
        raise errors.status_locked(bundle["status"])


# --- bundles ---------------------------------------------------------------------


def list_bundles(kind: BundleKind, ctx: Ctx) -> Reply:
    req = parse_page_request(ctx.query)
    where, args = ["account_sid = ?", "kind = ?"], [ctx.account_sid, kind.name]
    status = ctx.query.get("Status")
    if status:
        if status not in review.STATUSES:
            raise errors.invalid_param("Status", f"must be one of {', '.join(review.STATUSES)}")
        where.append("status = ?")
        args.append(status)
    for param, column in (("FriendlyName", "friendly_name"), ("PolicySid", "policy_sid")):
        if ctx.query.get(param):
            where.append(f"{column} = ?")
            args.append(ctx.query[param])
    page, records = ctx.db.page(
        "bundles", " AND ".join(where), args, req, partial(serialize.bundle, kind=kind)
    )
    return Reply(
        200, v1_envelope(kind.url(), filters(ctx.query, BUNDLE_FILTERS), req, page, records)
    )


def create_bundle(kind: BundleKind, ctx: Ctx) -> Reply:
    name = ctx.required("FriendlyName")
    email = _email(ctx.required("Email"))
    policy_sid = ctx.sid_param("PolicySid", "RN")
    if policy_sid not in kind.policies:
        raise errors.invalid_param("PolicySid", f"{policy_sid} is not a {kind.collection} policy")
    callback = callback_url(ctx.optional("StatusCallback"))
    policy = POLICIES[policy_sid]
    if policy.one_per_account and ctx.db.exists(
        "bundles", account_sid=ctx.account_sid, policy_sid=policy_sid
    ):
        raise errors.one_per_account(policy.friendly_name)
    row = ctx.db.insert(
        "bundles",
        sid=new_sid("BU"),
        account_sid=ctx.account_sid,
        kind=kind.name,
        policy_sid=policy_sid,
        friendly_name=name,
        email=email,
        status_callback=callback,
        status=review.DRAFT,
        date_created=ctx.now,
        date_updated=ctx.now,
    )
    return Reply(201, serialize.bundle(row, kind))


def fetch_bundle(kind: BundleKind, ctx: Ctx) -> Reply:
    return Reply(200, serialize.bundle(_bundle(ctx, kind, ctx.params["Sid"]), kind))


def update_bundle(kind: BundleKind, ctx: Ctx) -> Reply:
    row = _bundle(ctx, kind, ctx.params["Sid"])
    changes: dict[str, Any] = {}
    if ctx.optional("FriendlyName") not in (None, ""):
        changes["friendly_name"] = ctx.form["FriendlyName"]
    if ctx.optional("Email") not in (None, ""):
        changes["email"] = _email(ctx.form["Email"])
    if ctx.optional("StatusCallback") is not None:
        changes["status_callback"] = callback_url(ctx.form["StatusCallback"])
    status = ctx.optional("Status")
    if status is not None:
        if changes:
            raise errors.status_with_properties()
        _submit(ctx, row, status)
    elif changes:
        _assert_unlocked(row)
        ctx.db.update("bundles", row["sid"], **changes, date_updated=ctx.now)
    updated = ctx.db.find("bundles", sid=row["sid"])
    assert updated is not None
    return Reply(200, serialize.bundle(updated, kind))


def _email(value: str) -> str:
    if "@" not in value or len(value) > 254:
        raise errors.invalid_param("Email", "must be an email address")
    return value


def _submit(ctx: Ctx, row: Row, status: str) -> None:
    if status not in review.STATUSES:
        raise errors.bad_status(status)
    if status != review.PENDING:
        raise errors.invalid_param("Status", "can only be updated to pending-review")
    _assert_unlocked(row)
    objects = queries.assigned_objects(ctx.db, row["sid"])
    name_rules = ctx.config.display_name_check == "save"
    verdict, results = evaluate(objects, POLICIES[row["policy_sid"]], name_rules)
    failure = first_failure(results)
    if verdict != "compliant" and failure is not None:
        raise errors.TwilioError(
            400,
            failure["error_code"],
            f"The bundle is not compliant with policy {row['policy_sid']}: "
            f"{failure['failure_reason']}",
        )
    review.submit(ctx.db, row, ctx.config)


def delete_bundle(kind: BundleKind, ctx: Ctx) -> Reply:
    row = _bundle(ctx, kind, ctx.params["Sid"])
    if kind is CUSTOMER_PROFILES:
        holder = queries.first_holder(ctx.db, row["sid"])
        if holder is not None:
            raise errors.conflict(
                f"Customer Profile {row['sid']} is assigned to {holder}; "
                "remove that assignment first"
            )
    # Assignments and evaluations go with it (ON DELETE CASCADE).
    ctx.db.delete("bundles", sid=row["sid"])
    return Reply(204)


# --- shared list helper for sub-resources ----------------------------------------


def _list_children(
    ctx: Ctx,
    kind: BundleKind,
    table: str,
    segment: str,
    serializer: Callable[[Row, BundleKind], dict[str, Any]],
    filter_names: tuple[str, ...] = (),
    extra: tuple[str, list[Any]] | None = None,
) -> Reply:
    bundle = _parent(ctx, kind)
    req = parse_page_request(ctx.query)
    where, args = "bundle_sid = ?", [bundle["sid"]]
    if extra is not None:
        where, args = f"{where} AND {extra[0]}", args + extra[1]
    page, records = ctx.db.page(table, where, args, req, lambda row: serializer(row, kind))
    url = kind.url(bundle["sid"], segment)
    return Reply(200, v1_envelope(url, filters(ctx.query, filter_names), req, page, records))


# --- channel endpoint assignments ------------------------------------------------


def list_channels(kind: BundleKind, ctx: Ctx) -> Reply:
    clauses, args = [], []
    if ctx.query.get("ChannelEndpointSid"):
        clauses.append("channel_endpoint_sid = ?")
        args.append(ctx.query["ChannelEndpointSid"])
    if ctx.query.get("ChannelEndpointSids"):
        sids = [s.strip() for s in ctx.query["ChannelEndpointSids"].split(",") if s.strip()][:1000]
        clauses.append(f"channel_endpoint_sid IN ({', '.join('?' * len(sids))})" if sids else "0")
        args.extend(sids)
    extra = (" AND ".join(clauses), args) if clauses else None
    return _list_children(
        ctx,
        kind,
        "channel_assignments",
        "ChannelEndpointAssignments",
        serialize.channel_assignment,
        CHANNEL_FILTERS,
        extra,
    )


def create_channel(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    endpoint_type = ctx.required("ChannelEndpointType")
    endpoint_sid = _any_sid_param(ctx, "ChannelEndpointSid")
    if endpoint_type != "phone-number":
        raise errors.invalid_param("ChannelEndpointType", "must be phone-number")
    _assert_not_under_review(bundle)
    number = ctx.db.find("phone_numbers", sid=endpoint_sid, account_sid=ctx.account_sid)
    if number is None:
        raise errors.invalid_param(
            "ChannelEndpointSid", f"{endpoint_sid} is not a phone number on this account"
        )
    rule = POLICIES[bundle["policy_sid"]].numbers
    if rule.eligibility is not None:
        reason = rule.eligibility(number["number_type"], number["iso_country"])
        if reason:
            raise errors.bad_request(f"Phone number {number['phone_number']}: {reason}")
    if rule.on_profile and not queries.number_on_products_profile(
        ctx.db, bundle["sid"], number["sid"]
    ):
        raise errors.bad_request(
            f"Phone number {number['phone_number']} is not assigned to the Business Profile "
            "of this Trust Product; assign it there first"
        )
    holder = queries.number_holder(ctx.db, number["sid"], bundle["sid"], rule.exclusive_group)
    if holder is not None:
        where = "this bundle" if holder == bundle["sid"] else holder
        raise errors.conflict(
            f"Phone number {number['phone_number']} is already assigned to {where}"
        )
    row = ctx.db.insert(
        "channel_assignments",
        sid=new_sid("RA"),
        account_sid=ctx.account_sid,
        bundle_sid=bundle["sid"],
        channel_endpoint_sid=endpoint_sid,
        channel_endpoint_type=endpoint_type,
        exclusive_group=rule.exclusive_group,
        date_created=ctx.now,
    )
    return Reply(201, serialize.channel_assignment(row, kind))


def fetch_channel(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    row = _child(ctx, "channel_assignments", "RA", bundle["sid"])
    return Reply(200, serialize.channel_assignment(row, kind))


def delete_channel(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    row = _child(ctx, "channel_assignments", "RA", bundle["sid"])
    _assert_not_under_review(bundle)
    if kind is CUSTOMER_PROFILES:
        product = queries.product_using_profile_number(
            ctx.db, bundle["sid"], row["channel_endpoint_sid"]
        )
        if product is not None:
            raise errors.conflict(
                f"Phone number {row['channel_endpoint_sid']} is assigned to trust product "
                f"{product} through this Business Profile; unassign it there first"
            )
    ctx.db.delete("channel_assignments", sid=row["sid"])
    return Reply(204)


# --- entity assignments ----------------------------------------------------------


def list_entities(kind: BundleKind, ctx: Ctx) -> Reply:
    extra = None
    object_type = ctx.query.get("ObjectType")
    if object_type:
        prefix = OBJECT_TYPE_PREFIXES.get(object_type, "--")
        extra = ("substr(object_sid, 1, 2) = ?", [prefix])
    return _list_children(
        ctx,
        kind,
        "entity_assignments",
        "EntityAssignments",
        serialize.entity_assignment,
        ENTITY_FILTERS,
        extra,
    )


def create_entity(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    object_sid = _any_sid_param(ctx, "ObjectSid")
    _assert_unlocked(bundle)
    if object_sid.startswith("IT"):
        found = ctx.db.exists("end_users", sid=object_sid, account_sid=ctx.account_sid)
    elif object_sid.startswith("BU"):
        found = object_sid != bundle["sid"] and ctx.db.exists(
            "bundles", sid=object_sid, account_sid=ctx.account_sid, kind=CUSTOMER_PROFILES.name
        )
    else:
        raise errors.invalid_object_type(object_sid)
    if not found:
        raise errors.invalid_object(object_sid)
    if ctx.db.exists("entity_assignments", bundle_sid=bundle["sid"], object_sid=object_sid):
        raise errors.conflict(f"{object_sid} is already assigned to {bundle['sid']}")
    row = ctx.db.insert(
        "entity_assignments",
        sid=new_sid("BV"),
        account_sid=ctx.account_sid,
        bundle_sid=bundle["sid"],
        object_sid=object_sid,
        date_created=ctx.now,
    )
    return Reply(201, serialize.entity_assignment(row, kind))


def fetch_entity(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    return Reply(
        200,
        serialize.entity_assignment(_child(ctx, "entity_assignments", "BV", bundle["sid"]), kind),
    )


def delete_entity(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    row = _child(ctx, "entity_assignments", "BV", bundle["sid"])
    _assert_unlocked(bundle)
    ctx.db.delete("entity_assignments", sid=row["sid"])
    return Reply(204)


# --- evaluations -----------------------------------------------------------------


def list_evaluations(kind: BundleKind, ctx: Ctx) -> Reply:
    return _list_children(ctx, kind, "evaluations", "Evaluations", serialize.evaluation)


def create_evaluation(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    policy_sid = ctx.sid_param("PolicySid", "RN")
    policy = POLICIES.get(policy_sid)
    if policy is None:
        raise errors.invalid_param("PolicySid", f"unknown policy {policy_sid}")
    objects = queries.assigned_objects(ctx.db, bundle["sid"])
    status, results = evaluate(objects, policy, ctx.config.display_name_check == "save")
    row = ctx.db.insert(
        "evaluations",
        sid=new_sid("EL"),
        account_sid=ctx.account_sid,
        bundle_sid=bundle["sid"],
        policy_sid=policy_sid,
        status=status,
        results=json.dumps(results),
        date_created=ctx.now,
    )
    return Reply(201, serialize.evaluation(row, kind))


def fetch_evaluation(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    return Reply(200, serialize.evaluation(_child(ctx, "evaluations", "EL", bundle["sid"]), kind))


ROUTES = _routes()
