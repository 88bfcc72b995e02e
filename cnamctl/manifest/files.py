"""Finding manifest files under the paths a user gave, and reading them safely.

The paths often come from a pull request (CI runs ``cnamctl validate`` on forks),
so what a directory holds is not trusted:

* Only regular files are read. A FIFO, socket or device named ``*.yaml`` is
  refused with a message (reading a FIFO would wait forever, ``/dev/zero`` never
  ends); files are opened non-blocking and checked again once open, and at most
  ``Limits.file_bytes`` are read from any of them.
* Symbolic links are resolved without following loops. A link whose target
  stays inside the manifest paths is read (a link to a directory inside is not
  walked: its files are read where they are). A link leading outside the
  manifest paths, to a file or a directory, is refused unless the caller allows
  it (``--allow-outside-links``): otherwise a pull request adding
  ``m/x.yaml -> /var/run/secrets/.../token`` would make cnamctl read, and maybe
  quote, a file of the CI machine.
* A broken link or a link loop named ``*.yaml`` is refused with a message.

"The manifest paths" are the directories given (resolved) and the files given
(a file given by name may itself be a link, and must then lead into its own
directory or into one of the other paths).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cnamctl.errors import Location, Problem
from cnamctl.manifest.limits import DEFAULT_LIMITS, Limits, size_text
from cnamctl.text import inert

SUFFIXES = (".yaml", ".yml")
OUTSIDE_LINKS_OPTION = "--allow-outside-links"


class ManifestPaths(tuple[str, ...]):
    """The PATHS of a command, carrying how links in them are treated.

    A tuple of the paths as given, so commands keep passing it on as they do a
    plain tuple; ``load_workspace`` reads ``allow_outside_links`` from it."""

    allow_outside_links: bool

    def __new__(cls, paths: Iterable[str], *, allow_outside_links: bool = False) -> ManifestPaths:
        self = super().__new__(cls, paths)
        self.allow_outside_links = allow_outside_links
        return self


@dataclass(frozen=True)
class ManifestFile:
    path: Path
    """The file to read: its resolved path."""
    display: str
    """The path as the user would write it (relative stays relative), made inert."""


@dataclass
class Discovery:
    files: list[ManifestFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _shown(path: str | Path) -> str:
    return inert(str(path), keep_lines=False)


def _inside(real: str, roots: Iterable[str]) -> bool:
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def _resolve(path: str, shown: str | None = None) -> str | Problem:
    """The real path of ``path`` (every link followed), or why it has none
    (``shown``: how the path is named in the message)."""
    name = _shown(path if shown is None else shown)
    try:
        return os.path.realpath(path, strict=True)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return Problem(None, f"{name}: a symbolic link loop")
        if os.path.islink(path):
            return Problem(None, f"{name}: a broken symbolic link")
        return Problem(None, f"{name}: {err.strerror or err}")
    except RuntimeError:  # some Pythons raise this for loops
        return Problem(None, f"{name}: a symbolic link loop")


def _outside(display: str, target: str, within: str) -> Problem:
    return Problem(
        None,
        f"{display}: a symbolic link to {_shown(target)}, outside {within}: refused (links "
        f"leaving the manifest paths are not followed; pass {OUTSIDE_LINKS_OPTION} to "
        "follow them)",
    )


class _Finder:
    def __init__(self, paths: Sequence[str | Path], allow_outside_links: bool):
        self.allow_outside_links = allow_outside_links
        self.found = Discovery()
        self.seen: set[str] = set()
        # Where links may lead: the directories given, and the files given that
        # are in their own directory (not a link named on the command line that
        # leads elsewhere).
        resolved = {str(given): _resolve(str(given)) for given in paths}
        self.roots = [r for r in resolved.values() if isinstance(r, str) and os.path.isdir(r)]
        self.roots.extend(
            real
            for given, real in resolved.items()
            if isinstance(real, str) and not os.path.isdir(real) and self.at_home(given, real)
        )

    def at_home(self, given: str, real: str) -> bool:
        """Whether a file given by name is where it says, or in a directory given."""
        home = os.path.realpath(os.path.dirname(os.path.abspath(given)))
        dirs = [r for r in self.roots if os.path.isdir(r)]
        return _inside(real, [home, *dirs])

    def add(self, given: str) -> None:
        real = _resolve(given)
        if isinstance(real, Problem):
            if not os.path.lexists(given):
                real = Problem(None, f"{_shown(given)}: no such file or directory")
            self.found.problems.append(real)
            return
        if os.path.isdir(real):
            before = len(self.found.files), len(self.found.problems)
            self.walk(real, given)
            if (len(self.found.files), len(self.found.problems)) == before:
                self.found.problems.append(
                    Problem(None, f"{_shown(given)}: no .yaml or .yml files found")
                )
            return
        if not self.allow_outside_links and not self.at_home(given, real):
            home = os.path.dirname(os.path.abspath(given))
            self.found.problems.append(_outside(_shown(given), real, _shown(home)))
            return
        self.file(real, _shown(given))

    def file(self, real: str, display: str) -> None:
        if real in self.seen:
            return
        self.seen.add(real)
        try:
            mode = os.stat(real).st_mode
        except OSError as err:
            self.found.problems.append(Problem(None, f"{display}: {err.strerror or err}"))
            return
        if not stat.S_ISREG(mode):
            message = f"{display}: {_kind(mode)}, not a regular file: refused"
            self.found.problems.append(Problem(None, message))
            return
        self.found.files.append(ManifestFile(Path(real), display))

    def walk(self, root: str, given: str) -> None:
        """Every manifest file under ``root``, sorted by path components, hidden
        entries skipped; iterative, and each real directory is walked once."""
        walked = {root}
        pending: list[tuple[str, tuple[str, ...]]] = [(root, ())]
        files: list[tuple[tuple[str, ...], str]] = []
        while pending:
            directory, parts = pending.pop()
            try:
                entries = list(os.scandir(directory))
            except OSError as err:
                shown = _shown(os.path.join(given, *parts))
                self.found.problems.append(Problem(None, f"{shown}: cannot list: {err.strerror}"))
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                here = (*parts, entry.name)
                is_manifest = entry.name.endswith(SUFFIXES)
                if entry.is_symlink():
                    shown = os.path.join(given, *here)
                    target = self.link(entry.path, shown, root, is_manifest)
                    if target is None:
                        continue
                    if os.path.isdir(target):
                        if target not in walked:
                            walked.add(target)
                            pending.append((target, here))
                    elif is_manifest:
                        files.append((here, target))
                elif entry.is_dir(follow_symlinks=False):
                    walked.add(entry.path)
                    pending.append((entry.path, here))
                elif is_manifest:
                    files.append((here, entry.path))
        for parts, real in sorted(files):
            self.file(real, _shown(os.path.join(given, *parts)))

    def link(self, path: str, shown: str, root: str, is_manifest: bool) -> str | None:
        """Where a link found while walking leads, when it is to be followed."""
        target = _resolve(path, shown)
        if isinstance(target, Problem):
            if is_manifest:
                self.found.problems.append(target)
            return None
        if _inside(target, [root, *self.roots]):
            return None if os.path.isdir(target) else target  # directories: walked in place
        if self.allow_outside_links:
            return target
        if is_manifest or os.path.isdir(target):
            self.found.problems.append(_outside(_shown(shown), target, _shown(root)))
        return None


def find_manifest_files(
    paths: Sequence[str | Path], *, allow_outside_links: bool = False
) -> Discovery:
    """Files named on the command line, plus ``*.yaml``/``*.yml`` under directories
    (walked recursively in sorted order, hidden files and directories skipped).
    A file reached twice is read once."""
    finder = _Finder(paths, allow_outside_links)
    if not paths:
        finder.found.problems.append(Problem(None, "no manifest paths given"))
    for given in paths:
        finder.add(str(given))
    return finder.found


def read_text(manifest: ManifestFile, limits: Limits = DEFAULT_LIMITS) -> str | Problem:
    """The file's text (UTF-8, BOM allowed), or a problem saying why it cannot be read.

    Opened without following a link and without blocking, checked to be a regular
    file once open (it may have been swapped since it was found), and read up to
    the size limit only."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(manifest.path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        return Problem(None, f"{manifest.display}: cannot read: {err.strerror or err}")
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return Problem(None, f"{manifest.display}: {_kind(mode)}, not a regular file: refused")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            raw = stream.read(limits.file_bytes + 1)
    except OSError as err:
        return Problem(None, f"{manifest.display}: cannot read: {err.strerror or err}")
    finally:
        os.close(fd)
    if len(raw) > limits.file_bytes:
        limit = size_text(limits.file_bytes)
        message = f"larger than {limit} (the limit on the size of one manifest file)"
        return Problem(Location(manifest.display, 1), message)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return Problem(Location(manifest.display, line), "not valid UTF-8 text")
