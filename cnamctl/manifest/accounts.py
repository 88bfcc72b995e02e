"""Which Account each document belongs to: the nearest Account up the directory tree.

An ``Account`` document scopes every document in its own directory and below,
so a repository can hold ``customers/a/`` and ``customers/b/`` side by side.
Without any Account document everything belongs to the one account the
environment's credentials name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cnamctl.errors import Problem
from cnamctl.manifest.checks import LoadedDocument
from cnamctl.manifest.model import Account


@dataclass(frozen=True)
class PlacedDocument:
    directory: Path  # resolved directory of the file the document is in
    loaded: LoadedDocument


def _is_account(placed: PlacedDocument) -> bool:
    data = placed.loaded.doc.data
    return isinstance(data, dict) and data.get("kind") == "Account"


def group_by_account(
    docs: Sequence[PlacedDocument],
) -> tuple[dict[Path | None, list[LoadedDocument]], list[Problem]]:
    """Documents grouped by the directory of their Account (None: no Accounts at all)."""
    problems: list[Problem] = []
    scopes: dict[Path, PlacedDocument] = {}
    for placed in docs:
        if not _is_account(placed):
            continue
        first = scopes.setdefault(placed.directory, placed)
        if first is not placed:
            problems.append(
                Problem(
                    placed.loaded.doc.source,
                    "a directory can hold one Account "
                    f"(another is declared at {first.loaded.doc.source})",
                )
            )
    problems.extend(_duplicate_sids([p.loaded for p in scopes.values()]))
    if not scopes:
        return {None: [p.loaded for p in docs]}, problems

    groups: dict[Path | None, list[LoadedDocument]] = {d: [] for d in scopes}
    for placed in docs:
        owner = next(
            (d for d in (placed.directory, *placed.directory.parents) if d in scopes), None
        )
        if owner is None:
            problems.append(
                Problem(
                    placed.loaded.doc.source,
                    "this document belongs to no Account: with Account documents in the "
                    "manifests, every document must sit in an Account's directory or below",
                )
            )
        else:
            groups[owner].append(placed.loaded)
    return groups, problems


def _duplicate_sids(accounts: Sequence[LoadedDocument]) -> list[Problem]:
    first: dict[str, LoadedDocument] = {}
    problems = []
    for loaded in accounts:
        account = loaded.resource
        if not isinstance(account, Account):
            continue
        other = first.setdefault(account.sid, loaded)
        if other is not loaded:
            problems.append(
                Problem(
                    account.loc("sid"),
                    f"account {account.sid} is already declared at {other.doc.source}",
                )
            )
    return problems
