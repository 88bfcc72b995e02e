"""``load_manifests``: files -> YAML documents -> validated models -> ManifestSet.

Nothing stops at the first problem: every file is read, every document
validated and every cross-document rule checked, and all problems are raised
together in one ManifestError, sorted by file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cnamctl.errors import ManifestError, Problem
from cnamctl.manifest.checks import LoadedDocument, cross_document_problems
from cnamctl.manifest.documents import build_resource
from cnamctl.manifest.files import find_manifest_files, read_text
from cnamctl.manifest.model import (
    BusinessProfile,
    CnamProfile,
    ManifestSet,
    OutgoingCallerId,
    Settings,
    _Resource,
)
from cnamctl.manifest.yamlsource import parse_yaml


def load_manifests(paths: Sequence[str | Path]) -> ManifestSet:
    """Load and validate every manifest under ``paths`` (files or directories).

    Raises ManifestError carrying every problem found. On success every phone
    number in the result is E.164 and every resource knows its ``file:line``.
    """
    discovery = find_manifest_files(paths)
    problems: list[Problem] = list(discovery.problems)
    docs: list[LoadedDocument] = []
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
        for doc in parsed.documents:
            resource, doc_problems = build_resource(doc)
            problems.extend(doc_problems)
            docs.append(LoadedDocument(doc, resource))
    problems.extend(cross_document_problems(docs, all_files_parsed=all_parsed))
    if problems:
        raise ManifestError(problems)
    return _manifest_set(
        [d.resource for d in docs if d.resource is not None],
        [m.display for m in discovery.files],
    )


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
    return result
