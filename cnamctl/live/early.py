"""Reading the live account while the manifests load.

The two do not depend on each other: the read needs credentials, the manifests
need the disk and the CPU. So `cnamctl plan --read-early` starts the read first and
loads the manifests meanwhile, which hides the YAML and the validation behind the
read's round trips (docs/benchmarks.md). It is not the default: then a bad manifest
makes no request at all (issue 11), where here read requests will have been sent.

Which account to read is the one thing the manifests could change: Account
documents name each account and where its credentials are. So the read starts
early only for the account the environment names (or the embedded emulator's),
and only when no manifest file can hold an Account document: the files under
PATHS are searched for the word ``Account`` first (bytes, no YAML, stopping at
the first one), and any file holding it, a symbolic link, a file that cannot be
read or more than ``SCAN_LIMIT`` bytes in all mean no early read. The loaded
manifests still decide: when they name accounts after all (an Account document
written without the word, with YAML escapes), the early read is stopped and
dropped unused (``abandon``), and every account is read as it would have been.
So do manifests that manage trust-product policies beyond the default's (a
ShakenStirProfile, a VoiceIntegrityProfile: ``plan/scope.py``): the early read
reads the default policies (``policies``), which it cannot know to widen.
An early read that fails keeps its error for the account, to be raised where a
read's error always was, after the manifests have loaded: a manifest problem
still comes first and says what to fix.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from cnamctl.errors import CnamctlError
from cnamctl.policies import DEFAULT_POLICIES

if TYPE_CHECKING:
    from twilio.rest import Client

    from cnamctl.live.model import Snapshot
    from cnamctl.twilio.target import Endpoint

SCAN_LIMIT = 64 * 1024 * 1024  # bytes searched before giving up on starting early
MARKER = b"Account"
SUFFIXES = (".yaml", ".yml")  # the loader's (manifest/files.py; a test holds them equal)


def may_hold_accounts(paths: Iterable[str], *, limit: int = SCAN_LIMIT) -> bool:
    """Whether the manifests under ``paths`` might declare Account documents: True
    when a file holds the word, or when not everything could be searched."""
    budget = limit
    for given in paths:
        for file in _files(Path(given)):
            if file is None:
                return True
            try:
                size = file.stat().st_size
                if size > budget:
                    return True
                budget -= size
                if MARKER in file.read_bytes():
                    return True
            except OSError:
                return True
    return False


def _files(path: Path) -> Iterable[Path | None]:
    """The files the loader would read under ``path`` (``manifest/files.py``: a file
    given, or ``*.yaml``/``*.yml`` under a directory, hidden ones skipped); None
    for anything else it could follow (a link, a special file, a directory that
    cannot be listed): the caller then gives up."""
    if path.is_symlink():
        yield None
        return
    if path.is_file():
        yield path
        return
    if not path.is_dir():
        yield None
        return
    problems: list[OSError] = []
    for root, dirs, files in os.walk(path, onerror=problems.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            entry = Path(root, name)
            if name.startswith(".") or not name.endswith(SUFFIXES):
                continue
            yield entry if entry.is_file() and not entry.is_symlink() else None
        if any(Path(root, d).is_symlink() for d in dirs):
            yield None
    if problems:
        yield None


class EarlyRead:
    """The environment's account, read in a thread of its own from ``start``."""

    policies: tuple[str, ...] = DEFAULT_POLICIES  # the trust products it reads

    def __init__(self, endpoint: Endpoint) -> None:
        self._stop = threading.Event()
        self._done: Future[tuple[Client, Snapshot]] = Future()
        self._thread = threading.Thread(
            target=self._read, args=(endpoint,), name="cnamctl-early-read", daemon=True
        )
        self._thread.start()

    @classmethod
    def start(cls, paths: Iterable[str], endpoint: Endpoint) -> EarlyRead | None:
        """The read, started; None when it may not start before the manifests load."""
        try:
            endpoint.default_credentials()
        except CnamctlError:
            return None  # no credentials in the environment: the usual error, later
        if may_hold_accounts(paths):
            return None
        return cls(endpoint)

    def _read(self, endpoint: Endpoint) -> None:
        from cnamctl.live.reader import read_snapshot

        try:
            client = endpoint.client_for(None)
            self._done.set_result(
                (client, read_snapshot(client, policies=self.policies, stop=self._stop))
            )
        except BaseException as err:  # kept for take(), raised in the command's thread
            self._done.set_exception(err)

    def take(self) -> tuple[Client, Snapshot]:
        """The client and its snapshot, once read (the read's error, if it failed)."""
        return self._done.result()

    def abandon(self) -> None:
        """Not needed after all: no new request is sent; its result is dropped."""
        self._stop.set()
