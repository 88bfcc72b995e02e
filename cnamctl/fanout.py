"""The accounts a manifest tree declares, laid out as CI jobs (``cnamctl accounts``).

An ISV with hundreds of subaccounts outgrows one CI job: the workflows in
docs/gitops/ fan out, one job per account or per shard of accounts, each planning
and applying only its own. This module says what each job is given:

* **Paths per account**: what to give ``cnamctl plan``/``apply`` so that they load
  that account's documents and no other's. The account's directory (the one its
  Account document is in) when the tree was walked from above it and no other
  Account's directory lies below it (the usual layout, ``customers/acme/``);
  otherwise the account's own files (those whose nearest Account is this one), so
  a nested account's documents stay out. Without Account documents there is one
  unnamed account, and its paths are the paths given.
* **Shards** (``jobs(accounts, shards=N)``): N balanced groups. Heaviest account
  first, each onto the lightest shard so far (longest-processing-time greedy), so
  no shard outweighs another by more than the heaviest account. The weight is the
  documents plus the phone numbers an account declares, what plan reads and apply
  writes grow with. Balanced, not stable: adding an account can move others to
  another shard, which is why the fan-out apply workflows keep one apply run at a
  time besides each job's own concurrency group.

Every path is printed as it can be typed again (relative stays relative); a path
that cannot be (a control character in a directory name) is refused at the
Account document's line, as ``validate`` reports problems.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cnamctl.errors import ManifestError, Problem
from cnamctl.manifest.model import ManifestSet

FORMAT_VERSION = 1
DEFAULT_KEY = "default"  # the job key of the unnamed account (no Account documents)
GITHUB_MATRIX_LIMIT = 256  # jobs a GitHub Actions matrix may generate (docs/many-accounts.md)


@dataclass(frozen=True)
class ListedAccount:
    """One account of the tree, and what a job for it alone is given."""

    name: str | None  # None: the unnamed account (the environment's credentials)
    sid: str | None
    directory: str | None  # where its Account document is; None for the unnamed account
    paths: tuple[str, ...]  # to give plan/apply for this account alone
    weight: int

    @property
    def key(self) -> str:
        return self.name or DEFAULT_KEY

    def to_document(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sid": self.sid,
            "directory": self.directory,
            "paths": list(self.paths),
            "weight": self.weight,
        }


@dataclass(frozen=True)
class Job:
    """One CI job: an account, or a shard of accounts (in name order)."""

    key: str  # artifact names, concurrency groups: letters, digits, '.', '_', '-'
    accounts: tuple[ListedAccount, ...]
    sharded: bool

    @property
    def paths(self) -> list[str]:
        return [p for a in self.accounts for p in a.paths]

    @property
    def weight(self) -> int:
        return sum(a.weight for a in self.accounts)

    @property
    def title(self) -> str:
        """For people, in job names: ``acme (AC...)``, ``shard-2 (3 accounts)``."""
        if not self.sharded:
            (account,) = self.accounts
            return f"{account.name} ({account.sid})" if account.name else DEFAULT_KEY
        noun = "account" if len(self.accounts) == 1 else "accounts"
        return f"{self.key} ({len(self.accounts)} {noun})"

    def to_document(self) -> dict[str, Any]:
        """One entry of the matrix (``include``)."""
        return {
            "key": self.key,
            "title": self.title,
            "accounts": [a.key for a in self.accounts],
            "sids": [a.sid for a in self.accounts if a.sid],
            "paths": self.paths,
            "path_lines": "\n".join(self.paths),  # for a shell: mapfile -t paths <<< "..."
            "weight": self.weight,
        }


def list_accounts(sets: Sequence[ManifestSet], given: Sequence[str]) -> list[ListedAccount]:
    """Every account of ``sets`` (from ``load_workspace(given)``), in name order."""
    if len(sets) == 1 and sets[0].account is None:
        return [ListedAccount(None, None, None, tuple(given), _weight(sets[0]))]
    roots = [os.path.realpath(p) for p in given if os.path.isdir(p)]
    homes = {id(s): _home(s) for s in sets}
    real = {key: os.path.realpath(home) for key, home in homes.items()}
    listed = []
    for manifests in sets:
        assert manifests.account is not None
        home = homes[id(manifests)]
        mine = real[id(manifests)]
        walked = any(_within(mine, root) for root in roots)
        nested = any(_within(other, mine) and other != mine for other in real.values())
        paths = (home,) if walked and not nested else _files(manifests)
        account = manifests.account
        listed.append(ListedAccount(account.name, account.sid, home, paths, _weight(manifests)))
    return listed


def jobs(accounts: Sequence[ListedAccount], *, shards: int = 0) -> list[Job]:
    """One job per account (``shards=0``), or ``shards`` balanced groups (fewer when
    there are fewer accounts). Deterministic: the same accounts in any order give
    the same jobs."""
    ordered = sorted(accounts, key=lambda a: a.key)
    if shards <= 0:
        return [Job(a.key, (a,), sharded=False) for a in ordered]
    count = min(shards, len(ordered))
    loads = [0] * count
    members: list[list[ListedAccount]] = [[] for _ in range(count)]
    for account in sorted(ordered, key=lambda a: (-a.weight, a.key)):
        lightest = min(range(count), key=lambda i: (loads[i], len(members[i]), i))
        loads[lightest] += account.weight
        members[lightest].append(account)
    width = len(str(count))
    return [
        Job(f"shard-{i + 1:0{width}d}", tuple(sorted(group, key=lambda a: a.key)), sharded=True)
        for i, group in enumerate(members)
    ]


def listing_document(accounts: Sequence[ListedAccount], jobs: Sequence[Job]) -> dict[str, Any]:
    """``cnamctl accounts --format json``: the accounts, and the jobs as a matrix's
    ``include`` list (GitHub: ``matrix: {include: ${{ fromJSON(...).include }}}``)."""
    job_of = {a.key: j.key for j in jobs for a in j.accounts}
    return {
        "format_version": FORMAT_VERSION,
        "sharded": any(j.sharded for j in jobs),
        "accounts": [{**a.to_document(), "job": job_of[a.key]} for a in accounts],
        "include": [j.to_document() for j in jobs],
    }


# --- where an account's documents are ------------------------------------------------


def _resources(manifests: ManifestSet) -> Iterator[Any]:
    """Every document of the set, whatever its kind (the set's fields hold them
    keyed by name, or alone)."""
    for name in type(manifests).model_fields:
        value = getattr(manifests, name)
        items = value.values() if isinstance(value, dict) else [value]
        yield from (item for item in items if hasattr(item, "source") and hasattr(item, "kind"))


def _weight(manifests: ManifestSet) -> int:
    """Documents plus declared phone numbers (at least 1)."""
    total = 0
    for resource in _resources(manifests):
        numbers = getattr(resource, "phone_numbers", None)
        total += 1 + (len(numbers) if isinstance(numbers, list | tuple) else 0)
    return max(1, total)


def _home(manifests: ManifestSet) -> str:
    account = manifests.account
    assert account is not None and account.source is not None
    home = os.path.dirname(account.source.file) or "."
    _typeable(home, manifests)
    return home


def _files(manifests: ManifestSet) -> tuple[str, ...]:
    """The account's own files, in the order they were found (``manifests.files``)."""
    mine = {r.source.file for r in _resources(manifests) if r.source is not None}
    order = {file: i for i, file in enumerate(manifests.files)}
    files = tuple(sorted(mine, key=lambda f: (order.get(f, len(order)), f)))
    for file in files:
        _typeable(file, manifests)
    return files


def _typeable(path: str, manifests: ManifestSet) -> None:
    """Refuse a path that the loader had to print with escapes (it names no file)."""
    if os.path.lexists(path):
        return
    account = manifests.account
    assert account is not None
    raise ManifestError(
        [
            Problem(
                account.source,
                f"account {account.name}: the path {path} holds characters that cannot be "
                "printed as they are, so no CI job could be given it: rename it",
            )
        ]
    )


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
