"""``load_manifests``: files -> YAML documents -> validated models -> ManifestSet.

Nothing stops at the first problem: every file is read, every document
validated and every cross-document rule checked, and all problems are raised
together in one ManifestError, sorted by file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cnamctl.errors import ManifestError, Problem, UsageError
from cnamctl.manifest.accounts import PlacedDocument, group_by_account
from cnamctl.manifest.checks import LoadedDocument, cross_document_problems
from cnamctl.manifest.documents import build_resource
from cnamctl.manifest.files import find_manifest_files, read_text
from cnamctl.manifest.model import (
    Account,
    BusinessProfile,
    CnamProfile,
    ManifestSet,
    OutgoingCallerId,
    Settings,
    _Resource,
)
from cnamctl.manifest.yamlsource import parse_yaml


def load_manifests(paths: Sequence[str | Path]) -> ManifestSet:
    """Load and validate every manifest under ``paths`` for one account.

    Raises ManifestError carrying every problem found, also when the manifests
    declare several Accounts (use :func:`load_workspace` for those). On success
    every phone number in the result is E.164 and every resource knows its
    ``file:line``.
    """
    sets = load_workspace(paths)
    if len(sets) > 1:
        raise UsageError(
            f"these manifests declare {len(sets)} accounts; this command handles one "
            "account at a time (give the paths of one account)"
        )
    return sets[0]


def load_workspace(paths: Sequence[str | Path]) -> list[ManifestSet]:
    """Load and validate every manifest under ``paths``: one ManifestSet per Account
    (sorted by account name), or a single set when no Account is declared."""
    discovery = find_manifest_files(paths)
    problems: list[Problem] = list(discovery.problems)
    placed: list[PlacedDocument] = []
    all_parsed = True
    for manifest in discovery.files:
        text = read_text(manifest)
        if isinstance(text, Problem):
            problems.append(text)
            all_parsed = False
            continue
        parsed = parse_yaml(manifest.display, text)
        problems.extend(parsed.problems)
        all_parsed = all_parsed and parsed.complete
        directory = manifest.path.resolve().parent
        for doc in parsed.documents:
            resource, doc_problems = build_resource(doc)
            problems.extend(doc_problems)
            placed.append(PlacedDocument(directory, LoadedDocument(doc, resource)))
    groups, scope_problems = group_by_account(placed)
    problems.extend(scope_problems)
    for docs in groups.values():
        problems.extend(cross_document_problems(docs, all_files_parsed=all_parsed))
    if problems:
        raise ManifestError(problems)
    files = [m.display for m in discovery.files]
    sets = [
        _manifest_set([d.resource for d in docs if d.resource is not None], files)
        for docs in groups.values()
    ]
    return sorted(sets, key=lambda s: s.account.name if s.account else "")


def _manifest_set(resources: list[_Resource], files: list[str]) -> ManifestSet:
    result = ManifestSet(files=files)
    for r in resources:
        if isinstance(r, BusinessProfile):
            result.business_profiles.setdefault(r.name, r)
        elif isinstance(r, CnamProfile):
            result.cnam_profiles.setdefault(r.name, r)
        elif isinstance(r, OutgoingCallerId):
            result.caller_ids.setdefault(r.phone_number, r)
        elif isinstance(r, Settings) and result.settings is None:
            result.settings = r
        elif isinstance(r, Account):
            result.account = r
    return result
