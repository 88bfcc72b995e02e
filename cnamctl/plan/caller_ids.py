"""Outgoing caller IDs: rename, delete undeclared ones when pruning, and report the
ones waiting for a person.

A caller ID exists once a person answers Twilio's verification call and enters
the code Twilio gave (docs/apply.md, "Caller IDs"). That is not something a plan
can do: a declared caller ID that is not verified yet is a Notice with status
``unverified`` ("waiting for a person"), never a change, so ``apply`` never
phones anyone, and a drift check does not count it as drift. ``cnamctl
verify-caller-ids`` places the call, in a terminal, when a person asks.
"""

from __future__ import annotations

from cnamctl.live.model import Snapshot
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan import addresses as addr
from cnamctl.plan.builder import PlanBuilder
from cnamctl.plan.model import Action, NoticeLevel, Plan

UNVERIFIED = "unverified"
"""``Notice.status`` of a declared caller ID that waits for a person to verify it."""


def awaiting_verification(plan: Plan) -> list[str]:
    """Addresses of the declared caller IDs that wait for a person, in plan order."""
    return [n.address for n in plan.notices if n.status == UNVERIFIED]


def plan_caller_ids(desired: ManifestSet, live: Snapshot, out: PlanBuilder) -> None:
    for e164, manifest in sorted(desired.caller_ids.items()):
        current = live.caller_id_by_e164(e164)
        if current is None:
            out.notice(
                addr.caller_id(e164),
                NoticeLevel.WARNING,
                "waiting for a person: not verified yet; `cnamctl verify-caller-ids` has "
                "Twilio call the number and shows the code to enter (apply never calls)",
                location=manifest.source,
                status=UNVERIFIED,
            )
        elif manifest.friendly_name is not None and manifest.friendly_name != current.friendly_name:
            out.add(
                addr.caller_id(e164),
                Action.UPDATE_CALLER_ID,
                params={"caller_id": current.sid, "friendly_name": manifest.friendly_name},
                before=current.friendly_name,
                after=manifest.friendly_name,
                reason="friendly name differs",
                location=manifest.loc("friendlyName"),
            )
        else:
            out.ok()

    undeclared = sorted(
        (c for c in live.caller_ids.values() if c.phone_number not in desired.caller_ids),
        key=lambda c: (c.phone_number, c.sid),
    )
    for caller in undeclared:
        if desired.prune.outgoing_caller_ids:
            out.add(
                addr.caller_id(caller.phone_number),
                Action.DELETE_CALLER_ID,
                params={"caller_id": caller.sid, "phone_number": caller.phone_number},
                before=caller.friendly_name,
                after=None,
                reason="not declared (prune.outgoingCallerIds)",
                location=desired.settings.loc("prune.outgoingCallerIds")
                if desired.settings
                else None,
            )
        else:
            out.notice(
                addr.caller_id(caller.phone_number),
                NoticeLevel.INFO,
                f"unmanaged outgoing caller ID {caller.friendly_name!r} ({caller.sid}) is left "
                "alone (prune.outgoingCallerIds is off)",
            )
