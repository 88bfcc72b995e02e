"""Rows to the JSON Twilio answers: snake_case fields, typed as in the OpenAPI specs.

v1 resources carry ISO 8601 dates and absolute ``url``/``links`` on
trusthub.twilio.com; API 2010 resources carry RFC 2822 dates and a relative ``uri``.
Where the seeds' printed responses (Twilio's own examples) differ from the specs,
the printed responses win: an IncomingPhoneNumber's unset SMS URLs, status callback
and application SIDs are ``""`` (the spec's patterns say a SID or null) and
``beta`` is null.
"""

from __future__ import annotations

import json
from typing import Any

from cnamctl.emulator.domain.kinds import TRUSTHUB, BundleKind
from cnamctl.emulator.domain.timefmt import iso8601, rfc2822
from cnamctl.emulator.storage.db import Row

API_2010 = "/2010-04-01"


def bundle(row: Row, kind: BundleKind) -> dict[str, Any]:
    sid = row["sid"]
    prefix = kind.links_prefix
    return {
        "sid": sid,
        "account_sid": row["account_sid"],
        "policy_sid": row["policy_sid"],
        "friendly_name": row["friendly_name"],
        "status": row["status"],
        "email": row["email"],
        "status_callback": row["status_callback"],
        "valid_until": iso8601(row["valid_until"]),
        "date_created": iso8601(row["date_created"]),
        "date_updated": iso8601(row["date_updated"]),
        "url": kind.url(sid),
        "links": {
            f"{prefix}_entity_assignments": kind.url(sid, "EntityAssignments"),
            f"{prefix}_evaluations": kind.url(sid, "Evaluations"),
            f"{prefix}_channel_endpoint_assignment": kind.url(sid, "ChannelEndpointAssignments"),
        },
        "errors": json.loads(row["errors"]) if row["errors"] else None,
    }


def channel_assignment(row: Row, kind: BundleKind) -> dict[str, Any]:
    return {
        "sid": row["sid"],
        kind.sid_field: row["bundle_sid"],
        "account_sid": row["account_sid"],
        "channel_endpoint_type": row["channel_endpoint_type"],
        "channel_endpoint_sid": row["channel_endpoint_sid"],
        "date_created": iso8601(row["date_created"]),
        "url": kind.url(row["bundle_sid"], "ChannelEndpointAssignments", row["sid"]),
    }


def entity_assignment(row: Row, kind: BundleKind) -> dict[str, Any]:
    return {
        "sid": row["sid"],
        kind.sid_field: row["bundle_sid"],
        "account_sid": row["account_sid"],
        "object_sid": row["object_sid"],
        "date_created": iso8601(row["date_created"]),
        "url": kind.url(row["bundle_sid"], "EntityAssignments", row["sid"]),
    }


def evaluation(row: Row, kind: BundleKind) -> dict[str, Any]:
    return {
        "sid": row["sid"],
        "account_sid": row["account_sid"],
        "policy_sid": row["policy_sid"],
        kind.sid_field: row["bundle_sid"],
        "status": row["status"],
        "results": json.loads(row["results"]),
        "date_created": iso8601(row["date_created"]),
        "url": kind.url(row["bundle_sid"], "Evaluations", row["sid"]),
    }


def end_user(row: Row) -> dict[str, Any]:
    return {
        "sid": row["sid"],
        "account_sid": row["account_sid"],
        "friendly_name": row["friendly_name"],
        "type": row["type"],
        "attributes": json.loads(row["attributes"]),
        "date_created": iso8601(row["date_created"]),
        "date_updated": iso8601(row["date_updated"]),
        "url": f"{TRUSTHUB}/v1/EndUsers/{row['sid']}",
    }


def incoming_number(row: Row) -> dict[str, Any]:
    """An IncomingPhoneNumber. Fields the emulator does not model hold Twilio's defaults."""
    account, sid = row["account_sid"], row["sid"]
    return {
        "account_sid": account,
        "address_requirements": "none",
        "address_sid": None,
        "api_version": "2010-04-01",
        "beta": None,
        "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
        "date_created": rfc2822(row["date_created"]),
        "date_updated": rfc2822(row["date_updated"]),
        "emergency_status": "Inactive",
        "emergency_address_sid": None,
        "emergency_address_status": "unregistered",
        "friendly_name": row["friendly_name"],
        "identity_sid": None,
        "origin": "twilio",
        "phone_number": row["phone_number"],
        "sid": sid,
        "sms_application_sid": "",
        "sms_fallback_method": "POST",
        "sms_fallback_url": "",
        "sms_method": "POST",
        "sms_url": "",
        "status_callback": "",
        "status_callback_method": "POST",
        "trunk_sid": None,
        "uri": f"{API_2010}/Accounts/{account}/IncomingPhoneNumbers/{sid}.json",
        "voice_application_sid": "",
        "voice_caller_id_lookup": bool(row["voice_caller_id_lookup"]),
        "voice_fallback_method": "POST",
        "voice_fallback_url": None,
        "voice_method": "POST",
        "voice_url": None,
        "bundle_sid": None,
        "voice_receive_mode": "voice",
        "status": "in-use",
        "type": row["number_type"],
    }


def caller_id(row: Row) -> dict[str, Any]:
    account, sid = row["account_sid"], row["sid"]
    return {
        "sid": sid,
        "date_created": rfc2822(row["date_created"]),
        "date_updated": rfc2822(row["date_updated"]),
        "friendly_name": row["friendly_name"],
        "account_sid": account,
        "phone_number": row["phone_number"],
        "uri": f"{API_2010}/Accounts/{account}/OutgoingCallerIds/{sid}.json",
    }


def validation_request(row: Row) -> dict[str, Any]:
    return {
        "account_sid": row["account_sid"],
        "call_sid": row["call_sid"],
        "friendly_name": row["friendly_name"],
        "phone_number": row["phone_number"],
        "validation_code": row["validation_code"],
    }
