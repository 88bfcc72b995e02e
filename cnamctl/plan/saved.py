"""Saved plans: every account's plan written by ``plan -o FILE``, read back by ``apply FILE``.

A saved plan is one JSON file (docs/plan-format.md, "Saved plans") holding, per
account: the Account it is for, the plan with the params apply executes, and
each live object the plan was computed from, as it was (its fields and their
fingerprint). ``apply`` compares those objects with what is live then: any that
changed or disappeared make that account's plan stale, and the reason names
the object and each field that moved (``status: "draft" -> "in-review"``,
compared with ``deepdiff``).

**Integrity.** The file ends with a digest of everything else in it (canonical
JSON: sorted keys, no spaces, UTF-8), so apply refuses a file that was changed
after ``plan`` wrote it: a hand-edited email, raised safety thresholds, a
truncated copy. Without a key the digest is SHA-256: it detects accidents and
edits by hand, not an attacker, who can compute a new one. With
``CNAMCTL_PLAN_KEY`` in the environment (a secret of 16+ characters, e.g. a CI
secret given to the plan and apply jobs) it is an HMAC-SHA256, which nobody
without the key can forge; and an ``apply`` that has the key refuses files
without a valid HMAC, so stripping the signature does not help either. It holds
no credentials: an Account names the environment variables of its credentials,
never their values.

Every way a file can be unusable is a ``PlanFileError`` that says
"FILE is not a usable cnamctl plan: ..." and what is wrong with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from deepdiff import DeepDiff
from deepdiff.helper import notpresent
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from cnamctl import __version__
from cnamctl.errors import PlanFileError, UsageError
from cnamctl.live.model import (
    LiveBusinessProfile,
    LiveCallerId,
    LiveEndUser,
    LiveNumber,
    LiveTrustProduct,
    Snapshot,
    fingerprint,
)
from cnamctl.manifest.model import Account
from cnamctl.plan.model import Plan
from cnamctl.text import inert, quoted, shorten

SAVED_KIND = "cnamctl-saved-plan"
SAVED_FORMAT_VERSION = 3  # 3: params name every product's policy and end-user type
KEY_ENV = "CNAMCTL_PLAN_KEY"
MIN_KEY_LENGTH = 16
MAX_PLAN_BYTES = 128 * 1024 * 1024  # a first plan of 100,000 numbers takes 73 MB (bench)
SHA256 = "sha256"
HMAC_SHA256 = "hmac-sha256"
_MAX_ERRORS_SHOWN = 5
_PLAN = TypeAdapter(Plan)


# --- what a saved plan holds ---------------------------------------------------------


@dataclass(frozen=True)
class SavedObject:
    """A live object a plan was computed from, as it was then."""

    kind: str  # "trust product", "number", ... (for people)
    name: str  # its friendly name or phone number
    fingerprint: str
    fields: dict[str, Any] = field(default_factory=dict)

    def label(self, sid: str) -> str:
        return f"{self.kind} {quoted(self.name)} ({sid})"


@dataclass(frozen=True)
class SavedAccount:
    """One account of a saved plan: its plan, or why it could not be planned."""

    name: str
    account: Account | None  # None: the account the environment's credentials name
    plan: Plan | None
    error: str | None = None
    objects: dict[str, SavedObject] = field(default_factory=dict)  # by SID

    @classmethod
    def planned(
        cls, name: str, account: Account | None, plan: Plan, live: Snapshot
    ) -> SavedAccount:
        """The objects are those of ``plan.fingerprints``, taken from ``live``."""
        objects = {}
        for sid in plan.fingerprints:
            record = live.find(sid)
            if record is not None:
                kind, label = describe_record(record)
                objects[sid] = SavedObject(kind, label, fingerprint(record), record_fields(record))
        return cls(name, account, plan, None, objects)

    @classmethod
    def failed(cls, name: str, account: Account | None, error: str) -> SavedAccount:
        return cls(name, account, None, error)


@dataclass(frozen=True)
class SavedPlan:
    path: str
    accounts: list[SavedAccount]
    command: str | None = None  # the `cnamctl plan ...` that wrote it, for hints
    integrity: str = SHA256  # how it was protected: sha256 or hmac-sha256


def describe_record(record: Any) -> tuple[str, str]:
    """``("trust product", "acme-sales")``: a live record's kind and name, for people."""
    if isinstance(record, LiveNumber):
        return "number", record.phone_number
    if isinstance(record, LiveCallerId):
        return "caller ID", record.phone_number
    if isinstance(record, LiveBusinessProfile):
        return "business profile", record.friendly_name
    if isinstance(record, LiveTrustProduct):
        return "trust product", record.friendly_name
    if isinstance(record, LiveEndUser):
        return "end user", record.friendly_name
    return type(record).__name__, getattr(record, "sid", "?")


def record_fields(record: Any) -> dict[str, Any]:
    """A live record's fields as JSON values (tuples become lists)."""
    fields: dict[str, Any] = json.loads(json.dumps(vars(record), default=list))
    return fields


# --- writing -------------------------------------------------------------------------


def save_plans(
    accounts: Sequence[SavedAccount],
    path: str | os.PathLike[str],
    *,
    command: str | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """Write every account's plan to ``path`` atomically, mode 0600; returns the
    integrity method used (``hmac-sha256`` when ``CNAMCTL_PLAN_KEY`` is set)."""
    key = plan_key(os.environ if env is None else env)
    body = {
        "kind": SAVED_KIND,
        "format_version": SAVED_FORMAT_VERSION,
        "planned_with": {"cnamctl": __version__, "command": command},
        "accounts": [_account_document(a) for a in accounts],
    }
    method, digest = _digest(body, key)
    document = {**body, "integrity": {"method": method, "digest": digest}}
    # compact: a plan of 100,000 numbers is about half the size it would be indented
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    _write_atomically(Path(path), text)
    return method


def _account_document(saved: SavedAccount) -> dict[str, Any]:
    plan = None
    if saved.plan is not None:
        plan = _PLAN.dump_python(saved.plan, mode="json")
        safety = saved.plan.safety
        plan["safety"] = safety.model_dump(mode="json") if safety else None
    account = (
        saved.account.model_dump(mode="json", by_alias=True, exclude_none=True)
        if saved.account
        else None
    )
    return {
        "name": saved.name,
        "account": account,
        "error": saved.error,
        "plan": plan,
        "objects": {
            sid: {"kind": o.kind, "name": o.name, "fingerprint": o.fingerprint, "fields": o.fields}
            for sid, o in sorted(saved.objects.items())
        },
    }


def plan_key(env: Mapping[str, str]) -> bytes | None:
    value = env.get(KEY_ENV, "")
    if not value:
        return None
    if len(value) < MIN_KEY_LENGTH:
        raise UsageError(
            f"{KEY_ENV} is shorter than {MIN_KEY_LENGTH} characters; use a random secret, "
            "e.g. the output of `openssl rand -hex 32`"
        )
    return value.encode("utf-8", "surrogateescape")


def _digest(body: Mapping[str, Any], key: bytes | None) -> tuple[str, str]:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data = canonical.encode("utf-8", "surrogatepass")
    if key is None:
        return SHA256, hashlib.sha256(data).hexdigest()
    return HMAC_SHA256, hmac.new(key, data, hashlib.sha256).hexdigest()


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


# --- reading -------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Integrity(_Model):
    method: Literal["sha256", "hmac-sha256"]
    digest: str


class _Envelope(_Model):
    """What must be right before the digest can be checked."""

    kind: Literal["cnamctl-saved-plan"]
    format_version: int
    integrity: _Integrity


class _Object(_Model):
    kind: str
    name: str
    fingerprint: str
    fields: dict[str, Any]


class _PlannedWith(_Model):
    command: str | None = None


class _AccountEntry(_Model):
    name: str
    account: Account | None
    error: str | None = None
    plan: Plan | None
    objects: dict[str, _Object] = {}


class _Document(_Model):
    planned_with: _PlannedWith = _PlannedWith()
    accounts: list[_AccountEntry]


def load_saved_plan(
    path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None
) -> SavedPlan:
    """Read and check a saved plan; every way it can be unusable is a PlanFileError."""
    name = str(path)
    try:
        document = _parse(Path(path), name)
        envelope = _envelope(document, name)
        _check_integrity(document, envelope.integrity, name, env)
        parsed = _structure(document, name)
    except RecursionError:
        raise _unusable(name, "its JSON is nested too deeply to be a plan") from None
    accounts = []
    for entry in parsed.accounts:
        planned_for = entry.plan.account_sid if entry.plan else None
        if entry.account is not None and planned_for not in (None, entry.account.sid):
            raise _unusable(
                name, f"the plan of {entry.name} is for {planned_for}, not {entry.account.sid}"
            )
        objects = {
            sid: SavedObject(o.kind, o.name, o.fingerprint, o.fields)
            for sid, o in entry.objects.items()
        }
        accounts.append(SavedAccount(entry.name, entry.account, entry.plan, entry.error, objects))
    return SavedPlan(name, accounts, parsed.planned_with.command, envelope.integrity.method)


def _unusable(name: str, why: str) -> PlanFileError:
    return PlanFileError(f"{inert(name)} is not a usable cnamctl plan: {why}")


def _parse(path: Path, name: str) -> Any:
    try:
        info = path.stat()
    except OSError as err:
        raise _unusable(name, f"cannot read it ({err.strerror or err})") from None
    if not stat.S_ISREG(info.st_mode):
        what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise _unusable(name, f"it is {what}")
    if info.st_size > MAX_PLAN_BYTES:
        raise _unusable(
            name, f"it is {info.st_size:,} bytes, more than the {MAX_PLAN_BYTES:,} a plan may have"
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PLAN_BYTES + 1)
    except OSError as err:
        raise _unusable(name, f"cannot read it ({err.strerror or err})") from None
    if not raw.strip():
        raise _unusable(name, "it is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _unusable(name, f"it is not UTF-8 text (byte {err.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        if _ends_early(text, err):
            why = f"its JSON ends early at line {err.lineno} (a truncated file?)"
        else:
            why = f"it is not JSON (line {err.lineno}, column {err.colno}: {err.msg})"
        raise _unusable(name, why) from None
    except ValueError as err:
        raise _unusable(name, f"it is not JSON ({shorten(str(err))})") from None


def _envelope(document: Any, name: str) -> _Envelope:
    if not isinstance(document, dict):
        raise _unusable(name, f"expected a JSON object, found {_json_type(document)}")
    version = document.get("format_version")
    if document.get("kind") != SAVED_KIND:
        if isinstance(version, int) and "changes" in document and "fingerprints" in document:
            raise _unusable(
                name,
                f"it has format_version {version}, the single-account format of an older "
                f"cnamctl; this cnamctl reads format_version {SAVED_FORMAT_VERSION}: "
                "save the plan again with `cnamctl plan -o`",
            )
        raise _unusable(name, f'it has no "kind": "{SAVED_KIND}" (is it another JSON file?)')
    if type(version) is int and version == 2:
        raise _unusable(
            name,
            "it has format_version 2, written by a cnamctl from before SHAKEN/STIR and "
            f"Voice Integrity (its changes do not name their policy); this cnamctl reads "
            f"format_version {SAVED_FORMAT_VERSION}: save the plan again with this version",
        )
    if type(version) is not int or version != SAVED_FORMAT_VERSION:
        raise _unusable(
            name,
            f"it has format_version {shorten(repr(version))}, but this cnamctl reads "
            f"format_version {SAVED_FORMAT_VERSION}: save the plan again with this version",
        )
    try:
        return _Envelope.model_validate(document)
    except ValidationError as err:
        raise _unusable(name, "\n" + _describe(err)) from None


def _check_integrity(
    document: dict[str, Any], integrity: _Integrity, name: str, env: Mapping[str, str] | None
) -> None:
    key = plan_key(os.environ if env is None else env)
    if integrity.method == HMAC_SHA256 and key is None:
        raise _unusable(
            name,
            f"it is signed (hmac-sha256), and {KEY_ENV} is not set: set it to the key "
            "the plan was saved with",
        )
    if integrity.method == SHA256 and key is not None:
        raise _unusable(
            name,
            f"it is not signed, and {KEY_ENV} is set, which requires a signed plan: save "
            f"it again with {KEY_ENV} set",
        )
    body = {k: v for k, v in document.items() if k != "integrity"}
    _method, expected = _digest(body, key)
    if not hmac.compare_digest(expected, integrity.digest):
        what = "its signature does not match" if key else "its sha256 digest does not match"
        raise _unusable(
            name,
            f"it was changed after `cnamctl plan` wrote it ({what} its content); "
            "save the plan again and review it",
        )


def _structure(document: dict[str, Any], name: str) -> _Document:
    try:
        return _Document.model_validate(document)
    except ValidationError as err:
        raise _unusable(name, "\n" + _describe(err)) from None


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _describe(err: ValidationError) -> str:
    errors = err.errors(include_url=False, include_input=False)
    lines = [
        f"  {'.'.join(str(part) for part in e['loc']) or '(top level)'}: {e['msg']}"
        for e in errors[:_MAX_ERRORS_SHOWN]
    ]
    if len(errors) > _MAX_ERRORS_SHOWN:
        lines.append(f"  ... and {len(errors) - _MAX_ERRORS_SHOWN} more")
    return inert("\n".join(lines))


# --- stale objects -------------------------------------------------------------------


@dataclass(frozen=True)
class StaleObject:
    """A live object a plan was computed from that changed (or went) since.

    Its fields are compared only when ``changes`` is first read, so a plan whose
    every object moved costs one comparison per object listed, not per object."""

    sid: str
    label: str  # "trust product 'acme-sales' (BU...)"
    before: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    now: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    deleted: bool = False

    @cached_property
    def changes(self) -> tuple[str, ...]:
        """One line per field that moved: ``status: "draft" -> "in-review"``."""
        if self.deleted:
            return ()
        if self.before is None or self.now is None:
            return ("changed",)
        return tuple(field_changes(self.before, self.now)) or ("changed",)

    def lines(self, limit: int = 10) -> list[str]:
        """For people: the object, then at most ``limit`` of its fields."""
        if self.deleted:
            return [f"{self.label}: deleted"]
        shown = [f"  {line}" for line in self.changes[:limit]]
        if len(self.changes) > limit:
            shown.append(f"  ... and {len(self.changes) - limit} more fields")
        return [f"{self.label}:", *shown]


def stale_objects(saved: SavedAccount, live: Snapshot) -> list[StaleObject]:
    """Every object the plan was computed from that changed or disappeared, by SID.

    Objects that appeared since are not stale: the plan does not act on them, and
    apply's read-backs tell them apart from what it creates.
    """
    assert saved.plan is not None
    stale = []
    for sid, planned in sorted(saved.plan.fingerprints.items()):
        record = live.find(sid)  # only what the plan used is hashed again
        before = saved.objects.get(sid)
        label = before.label(sid) if before else sid
        if record is None:
            stale.append(StaleObject(sid, label, deleted=True))
        elif fingerprint(record) != planned:
            if before is None:
                kind, name = describe_record(record)
                stale.append(StaleObject(sid, f"{kind} {quoted(name)} ({sid})"))
            else:
                stale.append(StaleObject(sid, label, before.fields, record_fields(record)))
    return stale


def field_changes(before: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """``field: before -> now`` for each field that differs (deepdiff), sorted by field."""
    # threshold 0: always down to the field that moved, never a whole mapping at once
    diff = DeepDiff(dict(before), dict(now), verbose_level=2, threshold_to_diff_deeper=0)
    lines = []
    for levels in diff.tree.values():
        for level in levels:
            path = _path(level.path(output_format="list"))
            lines.append((path, f"{path}: {_value(level.t1)} -> {_value(level.t2)}"))
    return [line for _, line in sorted(lines)]


def _path(parts: list[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not out:
            out = str(part)
        elif str(part).isidentifier():
            out += f".{part}"
        else:
            out += f"[{json.dumps(str(part))}]"
    return inert(out or "(the object)", keep_lines=False)


def _value(value: Any) -> str:
    if value is notpresent or value is None:
        return "(none)"
    return inert(shorten(json.dumps(value, sort_keys=True, ensure_ascii=False)), keep_lines=False)


_NUMBER_PREFIX = re.compile(r"-?\d*(\.\d*)?([eE][+-]?\d*)?")


def _ends_early(text: str, err: json.JSONDecodeError) -> bool:
    """Whether the JSON error is the file's end cutting a document short: at the very
    end, inside a string, or inside its last literal (``nul``, ``tr``, ``12.``)."""
    if err.msg.startswith("Unterminated string"):
        return True
    tail = text[err.pos :].rstrip()
    if not tail:
        return True
    literal = any(word.startswith(tail) for word in ("null", "true", "false"))
    return literal or _NUMBER_PREFIX.fullmatch(tail) is not None
