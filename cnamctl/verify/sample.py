"""Which branded numbers a run looks up (pure): a sample per profile, then the budget.

Lookups are billed per request, so a run looks at a few numbers of each profile
(``per_profile``; None: every number), chosen so that re-runs cost nothing and
successive runs cover the fleet:

1. within a profile, numbers with a fresh cached answer come first (free, or, with
   ``--no-cache``, looked up again: the same sample), then numbers never looked
   up, then those looked up longest ago (so the sample moves on once the cache
   expires), each group in declaration order;
2. the first ``per_profile`` of that order are the sample;
3. the sample's numbers without a fresh answer are granted lookups round-robin
   across profiles (every profile's first, then every profile's second, ...) until
   ``budget`` lookups are granted: the budget is counted here, before any request,
   and a profile with many numbers cannot starve the others.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import zip_longest

SAMPLE = "sample"  # not in the sample
BUDGET = "budget"  # in the sample, past the budget


@dataclass(frozen=True)
class Candidate:
    profile: Hashable  # which profile (of which account) it is declared in
    phone_number: str
    cached: bool = False  # a fresh cached answer will be used: no lookup needed
    last_looked_up: datetime | None = None  # the newest cached answer, fresh or not
    recent: bool = False  # a fresh cached answer exists (used or not)


@dataclass(frozen=True)
class Selection:
    from_cache: list[Candidate] = field(default_factory=list)
    to_look_up: list[Candidate] = field(default_factory=list)
    skipped: dict[tuple[Hashable, str], str] = field(default_factory=dict)  # -> SAMPLE | BUDGET


def _order(candidate: Candidate) -> tuple[int, float]:
    if candidate.cached or candidate.recent:
        return 0, 0.0
    if candidate.last_looked_up is None:
        return 1, 0.0
    return 2, candidate.last_looked_up.timestamp()


def select(candidates: Sequence[Candidate], per_profile: int | None, budget: int) -> Selection:
    by_profile: dict[Hashable, list[Candidate]] = {}
    for candidate in candidates:
        by_profile.setdefault(candidate.profile, []).append(candidate)
    selection = Selection()
    queues: list[list[Candidate]] = []
    for group in by_profile.values():
        ordered = sorted(group, key=_order)  # stable: declaration order within a group
        picked = ordered if per_profile is None else ordered[:per_profile]
        for left_out in ordered[len(picked) :]:
            selection.skipped[(left_out.profile, left_out.phone_number)] = SAMPLE
        selection.from_cache.extend(c for c in picked if c.cached)
        queues.append([c for c in picked if not c.cached])
    granted = 0
    for round_ in zip_longest(*queues):
        for candidate in round_:
            if candidate is None:
                continue
            if granted < budget:
                selection.to_look_up.append(candidate)
                granted += 1
            else:
                selection.skipped[(candidate.profile, candidate.phone_number)] = BUDGET
    return selection
