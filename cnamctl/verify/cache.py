"""The lookup cache: Twilio Lookup answers kept so a re-run does not pay twice.

Where: ``$CNAMCTL_CACHE_DIR/lookups.json``, else the platform's user cache folder
(``$XDG_CACHE_HOME/cnamctl`` or ``~/.cache/cnamctl`` on Linux and other Unixes,
``~/Library/Caches/cnamctl`` on macOS, ``%LOCALAPPDATA%\\cnamctl\\Cache`` on
Windows). An answer is reused while younger than the run's ``--cache-ttl``
(12 hours by default); older entries are kept 30 days only to let the sample
move on to numbers not looked up lately (``sample.py``).

What it holds, per answer: where the lookup went (``twilio``, the ``--api-url``
without any ``user:password@``, or the embedded emulator's database), the
account SID, the number, and what Lookup answered with its time. Never a
credential, a token or a URL's userinfo.

It is a file a user (or anyone who can write to their home) may have changed, so
it is read as untrusted input: only a regular file (not a link, a FIFO, a
device), at most 16 MiB, JSON of the expected shape; each entry is checked field
by field and a bad one dropped. Whatever is wrong is reported as a warning and
the run goes on as if the cache were empty; the file is then rewritten whole.
Writes go to a new file in the same folder, moved over the old one (so a crash
never leaves half a file, and a link in its place is replaced, not followed),
readable by its owner only.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cnamctl.text import inert
from cnamctl.verify.branding import instant
from cnamctl.verify.model import Answer

CACHE_DIR_ENV = "CNAMCTL_CACHE_DIR"
FILE_NAME = "lookups.json"
FORMAT = "cnamctl-lookup-cache"
VERSION = 1
DEFAULT_TTL = timedelta(hours=12)
KEEP = timedelta(days=30)
MAX_BYTES = 16 * 1024 * 1024
MAX_ENTRIES = 200_000

Key = tuple[str, str, str]  # (target, account SID, E.164)

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_ACCOUNT = re.compile(r"^AC[0-9a-fA-F]{32}$")
_LIMITS = {"target": 300, "caller_name": 256, "caller_type": 32}


def default_dir(env: Mapping[str, str], platform: str = sys.platform) -> Path:
    """The folder of the cache file (see the module docstring)."""
    if env.get(CACHE_DIR_ENV):
        return Path(env[CACHE_DIR_ENV])
    home = Path(env.get("HOME") or Path.home())
    if platform == "darwin":
        return home / "Library" / "Caches" / "cnamctl"
    if platform.startswith("win"):
        local = env.get("LOCALAPPDATA")
        return (Path(local) if local else home / "AppData" / "Local") / "cnamctl" / "Cache"
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache") / "cnamctl"


class LookupCache:
    """The answers of one cache file; ``problems`` are warnings for the user."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self._entries: dict[Key, Answer] = {}
        self._fresh: dict[Key, Answer] = {}  # put by this run

    @classmethod
    def open(cls, path: Path) -> LookupCache:
        cache = cls(path)
        cache._entries, problem = _read(path)
        if problem:
            cache.problems.append(problem)
        return cache

    def fresh(self, key: Key, now: datetime, ttl: timedelta) -> Answer | None:
        """The cached answer for ``key`` if younger than ``ttl`` (marked ``cached``)."""
        answer = self._entries.get(key)
        if answer is None or not (timedelta(0) <= now - answer.looked_up_at < ttl):
            return None
        return Answer(
            answer.caller_name, answer.caller_type, answer.error_code, answer.looked_up_at, True
        )

    def last(self, key: Key) -> datetime | None:
        answer = self._entries.get(key)
        return answer.looked_up_at if answer else None

    def put(self, key: Key, answer: Answer) -> None:
        self._entries[key] = self._fresh[key] = answer

    def save(self, now: datetime) -> None:
        """Merge this run's answers into the file (newest answer wins), drop entries
        older than ``KEEP``; a failure is a warning in ``problems``."""
        if not self._fresh:
            return
        current, _ = _read(self.path)
        merged = {**current}
        for key, answer in self._fresh.items():
            old = merged.get(key)
            if old is None or old.looked_up_at <= answer.looked_up_at:
                merged[key] = answer
        kept = sorted(
            ((k, a) for k, a in merged.items() if now - a.looked_up_at < KEEP),
            key=lambda item: item[1].looked_up_at,
            reverse=True,
        )[:MAX_ENTRIES]
        document = {
            "format": FORMAT,
            "version": VERSION,
            "entries": [_entry(key, answer) for key, answer in kept],
        }
        try:
            _write(self.path, json.dumps(document, indent=1, sort_keys=True) + "\n")
        except OSError as err:
            self.problems.append(
                f"could not save the lookup cache {_shown(self.path)}: {inert(err.strerror or '')}"
            )


def clear(path: Path) -> bool:
    """Remove the cache file; True if there was one."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _shown(path: Path) -> str:
    return inert(str(path), keep_lines=False)


def _ignored(path: Path, why: str) -> str:
    return f"ignoring the lookup cache {_shown(path)}: {why} (this run rewrites it)"


def _read(path: Path) -> tuple[dict[Key, Answer], str | None]:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return {}, None
    except OSError as err:
        return {}, _ignored(path, inert(err.strerror or "unreadable"))
    if not stat.S_ISREG(info.st_mode):
        return {}, _ignored(path, "not a regular file")
    if info.st_size > MAX_BYTES:
        return {}, _ignored(path, f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return {}, _ignored(path, "not a regular file")
            raw = handle.read(MAX_BYTES + 1)
    except OSError as err:
        return {}, _ignored(path, inert(err.strerror or "unreadable"))
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return {}, _ignored(path, "not JSON")
    if not (
        isinstance(document, dict)
        and document.get("format") == FORMAT
        and document.get("version") == VERSION
        and isinstance(document.get("entries"), list)
    ):
        return {}, _ignored(path, f"not a version-{VERSION} cnamctl lookup cache")
    entries: dict[Key, Answer] = {}
    bad = 0
    for item in document["entries"][:MAX_ENTRIES]:
        parsed = _parse(item)
        if parsed is None:
            bad += 1
        else:
            entries[parsed[0]] = parsed[1]
    problem = None
    if bad:
        problem = f"ignored {bad} unreadable entr{'y' if bad == 1 else 'ies'} of the lookup cache"
        problem += f" {_shown(path)}"
    return entries, problem


def _text(value: Any, name: str, *, optional: bool = False) -> bool:
    if value is None:
        return optional
    return isinstance(value, str) and 0 < len(value) <= _LIMITS.get(name, 64)


def _parse(item: Any) -> tuple[Key, Answer] | None:
    if not isinstance(item, dict):
        return None
    target, account, number = item.get("target"), item.get("account_sid"), item.get("phone_number")
    name, kind, code = item.get("caller_name"), item.get("caller_type"), item.get("error_code")
    when = instant(item.get("looked_up_at"))
    if not (_text(target, "target") and isinstance(account, str) and isinstance(number, str)):
        return None
    if not (_ACCOUNT.match(account) and _E164.match(number)) or when is None:
        return None
    if not (
        _text(name, "caller_name", optional=True) and _text(kind, "caller_type", optional=True)
    ):
        return None
    if code is not None and (type(code) is not int or not 0 <= code < 1_000_000):
        return None
    return (str(target), account, number), Answer(name, kind, code, when)


def _entry(key: Key, answer: Answer) -> dict[str, Any]:
    target, account, number = key
    return {
        "target": target,
        "account_sid": account,
        "phone_number": number,
        "caller_name": answer.caller_name,
        "caller_type": answer.caller_type,
        "error_code": answer.error_code,
        "looked_up_at": answer.looked_up_at.isoformat(),
    }


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lookups-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
