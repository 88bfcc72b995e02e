"""Outgoing caller IDs: verify new ones, rename, and delete undeclared ones when pruning."""

from __future__ import annotations

from cnamctl.live.model import Snapshot
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan import addresses as addr
from cnamctl.plan.builder import PlanBuilder
from cnamctl.plan.model import Action, NoticeLevel


def plan_caller_ids(desired: ManifestSet, live: Snapshot, out: PlanBuilder) -> None:
    for e164, manifest in sorted(desired.caller_ids.items()):
        current = live.caller_id_by_e164(e164)
        if current is None:
            out.add(
                addr.caller_id(e164),
                Action.CREATE_VALIDATION_REQUEST,
                params={"phone_number": e164, "friendly_name": manifest.friendly_name},
                after={"friendly_name": manifest.friendly_name},
                reason="not verified yet: Twilio calls the number with a validation code",
                location=manifest.source,
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
