"""CustomerProfiles and TrustProducts with their ChannelEndpointAssignments,
EntityAssignments and Evaluations.

One implementation serves both kinds; a :class:`BundleKind` supplies what differs.
Rules enforced here (see docs/emulator.md):

- a bundle in pending-review, in-review or twilio-approved cannot gain or lose
  entity assignments (60711); under review it cannot gain or lose numbers or change
  its properties either;
- submission (Status=pending-review) runs the policy evaluation and is refused
  unless it is compliant;
- a number joins a business profile or a CNAM trust product at most once across the
  account; a CNAM number must be a US local number already on the product's
  business profile.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

from cnamctl import CNAM_POLICY_SID
from cnamctl.emulator import errors, review, rules, serialize
from cnamctl.emulator.evaluation import assigned_objects, cnam_display_name, evaluate, first_failure
from cnamctl.emulator.http import Ctx, Reply, callback_url, filters
from cnamctl.emulator.kinds import CUSTOMER_PROFILES, KINDS, BundleKind
from cnamctl.emulator.paging import parse_page_request, sql_page, v1_envelope
from cnamctl.emulator.policies import POLICIES
from cnamctl.emulator.routing import Router
from cnamctl.emulator.sids import is_sid, new_sid

STATUSES = ("draft", "pending-review", "in-review", "twilio-rejected", "twilio-approved")
BUNDLE_FILTERS = ("Status", "FriendlyName", "PolicySid")
CHANNEL_FILTERS = ("ChannelEndpointSid", "ChannelEndpointSids")
ENTITY_FILTERS = ("ObjectType",)
OBJECT_TYPE_PREFIXES = {"end_user": "IT", "customer_profile": "BU"}
_ANY_SID = re.compile(r"^[a-zA-Z]{2}[0-9a-fA-F]{32}$")

Handler = Callable[[BundleKind, Ctx], Reply]


def register(router: Router) -> None:
    for kind in KINDS:
        base = f"/v1/{kind.collection}"
        parent = f"{base}/{{{kind.parent_param}}}"
        channels = f"{parent}/ChannelEndpointAssignments"
        entities = f"{parent}/EntityAssignments"
        evaluations = f"{parent}/Evaluations"
        routes: list[tuple[str, str, Handler]] = [
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
        for method, template, handler in routes:
            router.add(method, template, partial(handler, kind))


# --- loading ---------------------------------------------------------------------


def _bundle(ctx: Ctx, kind: BundleKind, sid: str) -> sqlite3.Row:
    row = None
    if is_sid(sid, "BU"):
        row = ctx.conn.execute(
            "SELECT * FROM bundles WHERE sid = ? AND account_sid = ? AND kind = ?",
            (sid, ctx.account_sid, kind.name),
        ).fetchone()
    if row is None:
        raise ctx.not_found()
    return row


def _parent(ctx: Ctx, kind: BundleKind) -> sqlite3.Row:
    return _bundle(ctx, kind, ctx.params[kind.parent_param])


def _child(ctx: Ctx, table: str, prefix: str, bundle_sid: str) -> sqlite3.Row:
    sid = ctx.params["Sid"]
    row = None
    if is_sid(sid, prefix):
        row = ctx.conn.execute(
            f"SELECT * FROM {table} WHERE sid = ? AND bundle_sid = ?", (sid, bundle_sid)
        ).fetchone()
    if row is None:
        raise ctx.not_found()
    return row


def _reload(ctx: Ctx, table: str, sid: str) -> sqlite3.Row:
    return ctx.conn.execute(f"SELECT * FROM {table} WHERE sid = ?", (sid,)).fetchone()


def _any_sid_param(ctx: Ctx, name: str) -> str:
    value = ctx.required(name)
    if not _ANY_SID.match(value):
        raise errors.invalid_param(name, "must be a 34-character SID")
    return value


def _assert_not_under_review(bundle: sqlite3.Row) -> None:
    if bundle["status"] in review.UNDER_REVIEW:
        raise errors.status_locked(bundle["status"])


# --- bundles ---------------------------------------------------------------------


def list_bundles(kind: BundleKind, ctx: Ctx) -> Reply:
    req = parse_page_request(ctx.query)
    where, args = ["account_sid = ?", "kind = ?"], [ctx.account_sid, kind.name]
    status = ctx.query.get("Status")
    if status:
        if status not in STATUSES:
            raise errors.invalid_param("Status", f"must be one of {', '.join(STATUSES)}")
        where.append("status = ?")
        args.append(status)
    for param, column in (("FriendlyName", "friendly_name"), ("PolicySid", "policy_sid")):
        if ctx.query.get(param):
            where.append(f"{column} = ?")
            args.append(ctx.query[param])
    page = sql_page(ctx.conn, "SELECT * FROM bundles", " AND ".join(where), args, req)
    records = [serialize.bundle(row, kind) for row in page.items]
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
    sid = new_sid("BU")
    ctx.conn.execute(
        """
        INSERT INTO bundles (sid, account_sid, kind, policy_sid, friendly_name, email,
            status_callback, status, date_created, date_updated)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)
        """,
        (sid, ctx.account_sid, kind.name, policy_sid, name, email, callback, ctx.now, ctx.now),
    )
    return Reply(201, serialize.bundle(_reload(ctx, "bundles", sid), kind))


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
        if row["status"] in review.LOCKED:
            raise errors.status_locked(row["status"])
        assignments = ", ".join(f"{column} = ?" for column in changes)
        ctx.conn.execute(
            f"UPDATE bundles SET {assignments}, date_updated = ? WHERE sid = ?",
            (*changes.values(), ctx.now, row["sid"]),
        )
    return Reply(200, serialize.bundle(_reload(ctx, "bundles", row["sid"]), kind))


def _email(value: str) -> str:
    if "@" not in value or len(value) > 254:
        raise errors.invalid_param("Email", "must be an email address")
    return value


def _submit(ctx: Ctx, row: sqlite3.Row, status: str) -> None:
    if status not in STATUSES:
        raise errors.bad_status(status)
    if status != "pending-review":
        raise errors.invalid_param("Status", "can only be updated to pending-review")
    if row["status"] in review.LOCKED:
        raise errors.status_locked(row["status"])
    objects = assigned_objects(ctx.conn, row["sid"])
    verdict, results = evaluate(objects, POLICIES[row["policy_sid"]])
    failure = first_failure(results)
    if verdict != "compliant" and failure is not None:
        raise errors.TwilioError(
            400,
            failure["error_code"],
            f"The bundle is not compliant with policy {row['policy_sid']}: "
            f"{failure['failure_reason']}",
        )
    prohibited = rules.is_prohibited(cnam_display_name(objects))
    review.submit(ctx.conn, row["sid"], ctx.now, ctx.config, prohibited)


def delete_bundle(kind: BundleKind, ctx: Ctx) -> Reply:
    row = _bundle(ctx, kind, ctx.params["Sid"])
    if kind is CUSTOMER_PROFILES:
        user = ctx.conn.execute(
            "SELECT bundle_sid FROM entity_assignments WHERE object_sid = ? LIMIT 1", (row["sid"],)
        ).fetchone()
        if user is not None:
            raise errors.conflict(
                f"Customer Profile {row['sid']} is assigned to {user[0]}; "
                "remove that assignment first"
            )
    # Assignments and evaluations go with it (ON DELETE CASCADE).
    ctx.conn.execute("DELETE FROM bundles WHERE sid = ?", (row["sid"],))
    return Reply(204)


# --- shared list helper for sub-resources ----------------------------------------


def _list_children(
    ctx: Ctx,
    kind: BundleKind,
    table: str,
    segment: str,
    serializer: Callable[[sqlite3.Row, BundleKind], dict[str, Any]],
    filter_names: tuple[str, ...] = (),
    extra: tuple[str, list[Any]] | None = None,
) -> Reply:
    bundle = _parent(ctx, kind)
    req = parse_page_request(ctx.query)
    where, args = "bundle_sid = ?", [bundle["sid"]]
    if extra is not None:
        where, args = f"{where} AND {extra[0]}", args + extra[1]
    page = sql_page(ctx.conn, f"SELECT * FROM {table}", where, args, req)
    records = [serializer(row, kind) for row in page.items]
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
    number = ctx.conn.execute(
        "SELECT * FROM phone_numbers WHERE sid = ? AND account_sid = ?",
        (endpoint_sid, ctx.account_sid),
    ).fetchone()
    if number is None:
        raise errors.invalid_param(
            "ChannelEndpointSid", f"{endpoint_sid} is not a phone number on this account"
        )
    group = _exclusive_group(ctx, kind, bundle, number)
    _refuse_duplicate(ctx, bundle, number, group)
    sid = new_sid("RA")
    try:
        ctx.conn.execute(
            """
            INSERT INTO channel_assignments (sid, account_sid, bundle_sid, channel_endpoint_sid,
                channel_endpoint_type, exclusive_group, date_created)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            (sid, ctx.account_sid, bundle["sid"], endpoint_sid, endpoint_type, group, ctx.now),
        )
    except sqlite3.IntegrityError:  # the unique indexes back up the checks above
        raise errors.conflict(
            f"Phone number {number['phone_number']} is already assigned"
        ) from None
    return Reply(201, serialize.channel_assignment(_reload(ctx, "channel_assignments", sid), kind))


def _exclusive_group(
    ctx: Ctx, kind: BundleKind, bundle: sqlite3.Row, number: sqlite3.Row
) -> str | None:
    """Check a trust product's number rules; the group in which the number is unique."""
    if kind is CUSTOMER_PROFILES:
        return "customer_profile"
    is_cnam = bundle["policy_sid"] == CNAM_POLICY_SID
    if is_cnam:
        reason = rules.cnam_ineligibility(number["number_type"], number["iso_country"])
        if reason:
            raise errors.bad_request(f"Phone number {number['phone_number']}: {reason}")
    on_profile = ctx.conn.execute(
        """
        SELECT 1 FROM entity_assignments ea
        JOIN bundles profile ON profile.sid = ea.object_sid AND profile.kind = 'customer_profile'
        JOIN channel_assignments ca ON ca.bundle_sid = profile.sid
        WHERE ea.bundle_sid = ? AND ca.channel_endpoint_sid = ?
        LIMIT 1
        """,
        (bundle["sid"], number["sid"]),
    ).fetchone()
    if on_profile is None:
        raise errors.bad_request(
            f"Phone number {number['phone_number']} is not assigned to the Business Profile "
            "of this Trust Product; assign it there first"
        )
    return "cnam" if is_cnam else None


def _refuse_duplicate(
    ctx: Ctx, bundle: sqlite3.Row, number: sqlite3.Row, group: str | None
) -> None:
    holder = ctx.conn.execute(
        """
        SELECT bundle_sid FROM channel_assignments
        WHERE channel_endpoint_sid = ? AND (bundle_sid = ? OR (? IS NOT NULL AND exclusive_group = ?))
        LIMIT 1
        """,
        (number["sid"], bundle["sid"], group, group),
    ).fetchone()
    if holder is None:
        return
    where = "this bundle" if holder[0] == bundle["sid"] else holder[0]
    raise errors.conflict(f"Phone number {number['phone_number']} is already assigned to {where}")


def fetch_channel(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    row = _child(ctx, "channel_assignments", "RA", bundle["sid"])
    return Reply(200, serialize.channel_assignment(row, kind))


def delete_channel(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    row = _child(ctx, "channel_assignments", "RA", bundle["sid"])
    _assert_not_under_review(bundle)
    if kind is CUSTOMER_PROFILES:
        product = ctx.conn.execute(
            """
            SELECT ca.bundle_sid FROM channel_assignments ca
            JOIN entity_assignments ea ON ea.bundle_sid = ca.bundle_sid
            WHERE ea.object_sid = ? AND ca.channel_endpoint_sid = ?
            LIMIT 1
            """,
            (bundle["sid"], row["channel_endpoint_sid"]),
        ).fetchone()
        if product is not None:
            raise errors.conflict(
                f"Phone number {row['channel_endpoint_sid']} is assigned to trust product "
                f"{product[0]} through this Business Profile; unassign it there first"
            )
    ctx.conn.execute("DELETE FROM channel_assignments WHERE sid = ?", (row["sid"],))
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
    if bundle["status"] in review.LOCKED:
        raise errors.status_locked(bundle["status"])
    if object_sid.startswith("IT"):
        found = ctx.conn.execute(
            "SELECT 1 FROM end_users WHERE sid = ? AND account_sid = ?",
            (object_sid, ctx.account_sid),
        ).fetchone()
    elif object_sid.startswith("BU"):
        found = ctx.conn.execute(
            """
            SELECT 1 FROM bundles WHERE sid = ? AND account_sid = ?
                AND kind = 'customer_profile' AND sid != ?
            """,
            (object_sid, ctx.account_sid, bundle["sid"]),
        ).fetchone()
    else:
        raise errors.invalid_object_type(object_sid)
    if found is None:
        raise errors.invalid_object(object_sid)
    duplicate = ctx.conn.execute(
        "SELECT 1 FROM entity_assignments WHERE bundle_sid = ? AND object_sid = ?",
        (bundle["sid"], object_sid),
    ).fetchone()
    if duplicate is not None:
        raise errors.conflict(f"{object_sid} is already assigned to {bundle['sid']}")
    sid = new_sid("BV")
    ctx.conn.execute(
        """
        INSERT INTO entity_assignments (sid, account_sid, bundle_sid, object_sid, date_created)
        VALUES (?, ?, ?, ?, ?)
        """,
        (sid, ctx.account_sid, bundle["sid"], object_sid, ctx.now),
    )
    return Reply(201, serialize.entity_assignment(_reload(ctx, "entity_assignments", sid), kind))


def fetch_entity(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    return Reply(
        200,
        serialize.entity_assignment(_child(ctx, "entity_assignments", "BV", bundle["sid"]), kind),
    )


def delete_entity(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    row = _child(ctx, "entity_assignments", "BV", bundle["sid"])
    if bundle["status"] in review.LOCKED:
        raise errors.status_locked(bundle["status"])
    ctx.conn.execute("DELETE FROM entity_assignments WHERE sid = ?", (row["sid"],))
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
    status, results = evaluate(assigned_objects(ctx.conn, bundle["sid"]), policy)
    sid = new_sid("EL")
    ctx.conn.execute(
        """
        INSERT INTO evaluations (sid, account_sid, bundle_sid, policy_sid, status, results,
            date_created)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        (sid, ctx.account_sid, bundle["sid"], policy_sid, status, json.dumps(results), ctx.now),
    )
    return Reply(201, serialize.evaluation(_reload(ctx, "evaluations", sid), kind))


def fetch_evaluation(kind: BundleKind, ctx: Ctx) -> Reply:
    bundle = _parent(ctx, kind)
    return Reply(200, serialize.evaluation(_child(ctx, "evaluations", "EL", bundle["sid"]), kind))
