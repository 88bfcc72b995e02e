"""The accumulator the diff steps write into: changes, notices, problems.

Addresses built by ``plan/addresses.py`` carry the resource they belong to; it is
recorded on each change and notice, so the plan view groups them by resource.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cnamctl.errors import Location, Problem
from cnamctl.plan.model import Action, Change, Notice, NoticeLevel


@dataclass
class PlanBuilder:
    changes: dict[str, Change] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0

    def add(
        self,
        address: str,
        action: Action,
        *,
        params: dict[str, Any],
        before: Any = None,
        after: Any = None,
        depends_on: tuple[str, ...] | list[str] = (),
        reason: str = "",
        location: Location | None = None,
    ) -> str:
        """Add a change once; a second change at the same address is ignored
        (several diff steps may arrive at the same unassignment)."""
        if address not in self.changes:
            self.changes[address] = Change(
                address=address,
                action=action,
                before=before,
                after=after,
                params=params,
                depends_on=tuple(sorted(set(depends_on))),
                reason=reason,
                location=location,
                resource=getattr(address, "resource", None),
            )
        return address

    def notice(
        self,
        address: str,
        level: NoticeLevel,
        message: str,
        *,
        location: Location | None = None,
        status: str | None = None,
        error_codes: tuple[int, ...] = (),
    ) -> None:
        self.notices.append(
            Notice(
                address,
                level,
                message,
                location,
                status=status,
                error_codes=error_codes,
                resource=getattr(address, "resource", None),
            )
        )

    def problem(self, location: Location | None, message: str) -> None:
        self.problems.append(Problem(location, message))

    def ok(self, count: int = 1) -> None:
        self.unchanged += count
