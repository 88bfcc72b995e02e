"""``load_manifests``: files -> YAML documents -> validated models -> ManifestSet.

Nothing stops at the first problem: every file is read, every document
validated and every cross-document rule checked, and all problems are raised
together in one ManifestError, sorted by file and line. Every message is made
inert and bounded in length before it leaves (``excerpts.safe_message``).

A file that declares nothing (empty, only comments, only ``---``) is not an
error, but it is rarely meant: a warning naming it goes to the
``cnamctl.manifest`` logger, which the CLI prints on stderr (``-q`` hides it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from cnamctl.errors import Location, ManifestError, Problem, UsageError
from cnamctl.manifest.accounts import PlacedDocument, group_by_account
from cnamctl.manifest.checks import LoadedDocument, cross_document_problems
from cnamctl.manifest.documents import build_resource
from cnamctl.manifest.excerpts import safe_message
from cnamctl.manifest.files import ManifestPaths, find_manifest_files, read_text
from cnamctl.manifest.limits import DEFAULT_LIMITS, Limits
from cnamctl.manifest.model import (
    Account,
    BusinessProfile,
    CnamProfile,
    ManifestSet,
    OutgoingCallerId,
    Settings,
    ShakenStirProfile,
    VoiceIntegrityProfile,
    _Resource,
)
from cnamctl.manifest.yamlsource import parse_yaml
from cnamctl.policies import BY_KIND

logger = logging.getLogger("cnamctl.manifest")
EMPTY_FILE = (
    "declares nothing: the file is empty or holds only comments, '---' or null "
    "(delete it, or add a manifest document)"
)


def load_manifests(
    paths: Sequence[str | Path],
    *,
    allow_outside_links: bool | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ManifestSet:
    """Load and validate every manifest under ``paths`` for one account.

    Raises ManifestError carrying every problem found, also when the manifests
    declare several Accounts (use :func:`load_workspace` for those). On success
    every phone number in the result is E.164 and every resource knows its
    ``file:line``.
    """
    sets = load_workspace(paths, allow_outside_links=allow_outside_links, limits=limits)
    if len(sets) > 1:
        raise UsageError(
            f"these manifests declare {len(sets)} accounts; this command handles one "
            "account at a time (give the paths of one account)"
        )
    return sets[0]


def load_workspace(
    paths: Sequence[str | Path],
    *,
    allow_outside_links: bool | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[ManifestSet]:
    """Load and validate every manifest under ``paths``: one ManifestSet per Account
    (sorted by account name), or a single set when no Account is declared.

    Symbolic links leading outside ``paths`` are refused unless
    ``allow_outside_links`` (default: what ``paths`` carries when it is the
    :class:`ManifestPaths` of a command, else False)."""
    if allow_outside_links is None:
        allow_outside_links = isinstance(paths, ManifestPaths) and paths.allow_outside_links
    discovery = find_manifest_files(paths, allow_outside_links=allow_outside_links)
    problems: list[Problem] = list(discovery.problems)
    placed: list[PlacedDocument] = []
    all_parsed = not discovery.problems
    for manifest in discovery.files:
        text = read_text(manifest, limits)
        if isinstance(text, Problem):
            problems.append(text)
            all_parsed = False
            continue
        parsed = parse_yaml(manifest.display, text, limits)
        problems.extend(parsed.problems)
        all_parsed = all_parsed and parsed.complete
        if not parsed.documents and not parsed.problems:
            logger.warning("%s", Problem(Location(manifest.display, 1), EMPTY_FILE))
        directory = manifest.path.parent
        for doc in parsed.documents:
            resource, doc_problems = build_resource(doc)
            problems.extend(doc_problems)
            placed.append(PlacedDocument(directory, LoadedDocument(doc, resource)))
    groups, scope_problems = group_by_account(placed)
    problems.extend(scope_problems)
    for docs in groups.values():
        problems.extend(cross_document_problems(docs, all_files_parsed=all_parsed))
    if problems:
        raise ManifestError([_printable(p) for p in problems])
    files = [m.display for m in discovery.files]
    sets = [
        _manifest_set([d.resource for d in docs if d.resource is not None], files)
        for docs in groups.values()
    ]
    return sorted(sets, key=lambda s: s.account.name if s.account else "")


def _printable(problem: Problem) -> Problem:
    return Problem(problem.location, safe_message(problem.message))


def _manifest_set(resources: list[_Resource], files: list[str]) -> ManifestSet:
    result = ManifestSet(files=files)
    for r in resources:
        if isinstance(r, BusinessProfile):
            result.business_profiles.setdefault(r.name, r)
        elif isinstance(r, CnamProfile | ShakenStirProfile | VoiceIntegrityProfile):
            result.profiles(BY_KIND[r.kind]).setdefault(r.name, r)
        elif isinstance(r, OutgoingCallerId):
            result.caller_ids.setdefault(r.phone_number, r)
        elif isinstance(r, Settings) and result.settings is None:
            result.settings = r
        elif isinstance(r, Account):
            result.account = r
    return result
