"""Saved plans: a Plan written by ``plan -o`` and read back by ``apply``.

A saved plan is JSON with everything apply needs (docs/plan-format.md): the
changes with their params, the notices, the fingerprint of every live object the
plan was computed from, and the safety thresholds it was made under. It holds no
credentials: nothing in a Plan is one.

The Plan dataclasses are (de)serialised by one pydantic TypeAdapter, so the file
and the types cannot drift apart, and a damaged file is reported field by field.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from cnamctl.errors import UsageError
from cnamctl.live.model import Snapshot, fingerprint
from cnamctl.manifest.model import SafetySettings
from cnamctl.plan.model import FORMAT_VERSION, Plan

_PLAN = TypeAdapter(Plan)
REQUIRED_KEYS = ("format_version", "account_sid", "changes", "fingerprints")
_MAX_ERRORS_SHOWN = 5


def save_plan(
    plan: Plan, path: str | os.PathLike[str], *, safety: SafetySettings | None = None
) -> None:
    """Write ``plan`` atomically (temp file + rename), readable by the owner only.

    ``safety`` overrides the plan's own thresholds; without either, ``null`` is
    saved and apply uses the defaults.
    """
    document = _PLAN.dump_python(plan, mode="json")
    document["format_version"] = FORMAT_VERSION
    safety = safety or plan.safety
    document["safety"] = safety.model_dump(mode="json") if safety else None
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _write_atomically(Path(path), text)


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a saved plan; every way it can be unusable is a UsageError naming the file."""
    document = _read_json(Path(path))
    if not isinstance(document, dict):
        raise UsageError(f"{path} is not a saved cnamctl plan: expected a JSON object")
    missing = [key for key in REQUIRED_KEYS if key not in document]
    if missing:
        raise UsageError(
            f"{path} is not a saved cnamctl plan: missing {', '.join(repr(k) for k in missing)}"
        )
    version = document["format_version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise UsageError(
            f"{path} has plan format_version {version!r}, but this cnamctl reads "
            f"format_version {FORMAT_VERSION}: run `cnamctl plan` again with this version"
        )
    try:
        return _PLAN.validate_python(document)
    except ValidationError as err:
        raise UsageError(f"{path} is not a valid saved cnamctl plan:\n{_describe(err)}") from None


def stale_objects(plan: Plan, live: Snapshot) -> list[str]:
    """One line per object the plan was computed from that changed or disappeared.

    Objects that appeared since are not stale: the plan does not act on them, and
    apply's read-backs tell them apart from what it creates.
    """
    stale = []
    for sid, planned in sorted(plan.fingerprints.items()):
        record = live.find(sid)  # only what the plan used is hashed again
        if record is None:
            stale.append(f"{sid}: {_kind_by_prefix(sid)} was deleted")
        elif fingerprint(record) != planned:
            stale.append(f"{sid}: {_describe_live(live, sid)} changed")
    return stale


def _describe_live(live: Snapshot, sid: str) -> str:
    """``trust product 'acme-sales'``: the kind of a live object and its name."""
    if sid in live.numbers:
        return f"number {live.numbers[sid].phone_number}"
    if sid in live.caller_ids:
        return f"caller ID {live.caller_ids[sid].phone_number}"
    if sid in live.business_profiles:
        return f"business profile '{live.business_profiles[sid].friendly_name}'"
    if sid in live.trust_products:
        return f"trust product '{live.trust_products[sid].friendly_name}'"
    return f"end user '{live.end_users[sid].friendly_name}'"


def _kind_by_prefix(sid: str) -> str:
    """A deleted object is in no Snapshot dict; its SID prefix narrows the kind down."""
    kinds = {
        "PN": "number or caller ID",
        "BU": "trust product or business profile",
        "IT": "end user",
    }
    return kinds.get(sid[:2], "object")


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise UsageError(f"cannot read saved plan {path}: {reason}") from None
    try:
        return json.loads(text)
    except ValueError as err:
        raise UsageError(f"{path} is not a saved cnamctl plan: not valid JSON ({err})") from None


def _describe(err: ValidationError) -> str:
    errors = err.errors(include_url=False)
    lines = [
        f"  {'.'.join(str(part) for part in e['loc']) or '(top level)'}: {e['msg']}"
        for e in errors[:_MAX_ERRORS_SHOWN]
    ]
    if len(errors) > _MAX_ERRORS_SHOWN:
        lines.append(f"  ... and {len(errors) - _MAX_ERRORS_SHOWN} more")
    return "\n".join(lines)


def _write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the whole new one, never a part; mode 0600."""
    directory = path.parent
    try:
        # mkstemp creates the file with mode 0600, before anything is written to it.
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise UsageError(f"cannot write plan to {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError):
            raise UsageError(f"cannot write plan to {path}: {err.strerror or err}") from None
        raise
