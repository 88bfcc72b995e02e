"""The dependency graph of a plan, and ready-set scheduling over it.

Edges come from three places:

* ``Change.depends_on`` as the planner wrote it;
* every ``@address`` reference in ``params`` (a change needs the SID it names);
* ordering rules the Trust Hub API imposes, added here so that a plan that
  forgot one still runs in a safe order (for the products of every policy alike:
  ``ASSIGNS_NUMBER`` and ``UNASSIGNS_NUMBER`` list the actions that put a number on
  a trust product and take it off):
  - a number's unassignments from trust products come before its assignments to
    trust products (it moves from one product of a policy to another),
  - a number is assigned to the business profile before it is assigned to a trust
    product (Twilio only accepts numbers of the profile),
  - a number is assigned to a trust product after the product's entity assignments
    (Twilio checks the number against the product's business profile),
  - everything done to a trust product in an earlier phase (its end user's
    attributes, entity assignments, number (un)assignments, email update) happens
    before it is submitted or deleted.

Which product a change concerns is its ``trust_product`` param (a SID, or the
``@address`` of the change creating it). The planner names the product on every
change that alters what the product's review sees, also where the API call
itself does not need it (an end-user update names the product whose end user it
is); a plan where one of ``NAMES_PRODUCT`` lacks it is refused before any write,
because without it nothing would order that change before the submission. A
new end user reaches its product through the ``assign-entity`` that refers to it.

A change whose dependency failed is skipped, and so are its dependents in turn.
Among ready changes, the lowest ``(phase, address)`` goes first.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator

from cnamctl.errors import ApplyError
from cnamctl.plan.model import ASSIGNS_NUMBER, UNASSIGNS_NUMBER, Action, Change, is_ref

_EARLIER = frozenset(Action)
_SET_UP = frozenset({Action.CREATE_TRUST_PRODUCT, Action.ASSIGN_ENTITY})
# action -> the actions on the same trust product that must come first (if earlier in phase)
_PRODUCT_ORDER: dict[Action, frozenset[Action]] = {
    **dict.fromkeys(ASSIGNS_NUMBER, _SET_UP),
    Action.SUBMIT_FOR_REVIEW: _EARLIER,
    Action.DELETE_TRUST_PRODUCT: _EARLIER,
}


# actions that concern one trust product, which they must name in ``trust_product``
NAMES_PRODUCT = frozenset(
    {
        *UNASSIGNS_NUMBER,
        Action.UPDATE_END_USER,
        Action.UPDATE_TRUST_PRODUCT,
        Action.ASSIGN_ENTITY,
        *ASSIGNS_NUMBER,
        Action.SUBMIT_FOR_REVIEW,
        Action.DELETE_TRUST_PRODUCT,
    }
)


class PlanGraphError(ApplyError):
    """The plan's dependencies cannot be executed (unknown address, cycle)."""


def references(change: Change) -> list[str]:
    """Addresses named by ``@address`` values in ``params`` (one level of lists too)."""
    found: list[str] = []
    for value in change.params.values():
        values = value if isinstance(value, list | tuple) else [value]
        found.extend(v[1:] for v in values if is_ref(v))
    return found


def _product_key(change: Change) -> str | None:
    value = change.params.get("trust_product")
    return str(value) if value else None


def _implicit_edges(changes: list[Change]) -> Iterator[tuple[str, str]]:
    """(before, after) pairs the API's rules require."""
    unassign_by_number: dict[str, list[str]] = defaultdict(list)
    bp_assign_by_number: dict[str, list[str]] = defaultdict(list)
    by_product: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        number = c.params.get("number")
        if c.action in UNASSIGNS_NUMBER and number:
            unassign_by_number[number].append(c.address)
        if c.action is Action.ASSIGN_BUSINESS_PROFILE_NUMBER and number:
            bp_assign_by_number[number].append(c.address)
        key = _product_key(c)
        if key:
            by_product[key].append(c)
        if c.action is Action.CREATE_TRUST_PRODUCT:
            by_product["@" + c.address].append(c)
    for c in changes:
        number = c.params.get("number")
        if c.action in ASSIGNS_NUMBER and number:
            for before in unassign_by_number.get(number, []) + bp_assign_by_number.get(number, []):
                yield before, c.address
        key = _product_key(c)
        first = _PRODUCT_ORDER.get(c.action, frozenset())
        if key and first:
            for other in by_product[key]:
                if other.action in first and other.action.phase < c.action.phase:
                    yield other.address, c.address


class DependencyGraph:
    """Validated edges of a plan; build once, then schedule with ``Schedule``."""

    def __init__(self, changes: Iterable[Change]):
        self.changes: dict[str, Change] = {}
        for change in changes:
            if change.address in self.changes:
                raise PlanGraphError(f"invalid plan: address {change.address!r} appears twice")
            self.changes[change.address] = change
        self.needs: dict[str, set[str]] = {a: set() for a in self.changes}
        self.dependents: dict[str, set[str]] = {a: set() for a in self.changes}
        problems: list[str] = []
        for change in self.changes.values():
            if change.action in NAMES_PRODUCT and not _product_key(change):
                problems.append(f"{change.address} ({change.action}) names no trust_product")
            for dep in (*change.depends_on, *references(change)):
                if dep not in self.changes:
                    problems.append(f"{change.address} depends on unknown change {dep!r}")
                elif dep != change.address:
                    self._add(dep, change.address)
        for before, after in _implicit_edges(list(self.changes.values())):
            if before != after:
                self._add(before, after)
        if problems:
            raise PlanGraphError("invalid plan: " + "; ".join(sorted(problems)))
        cycle = self._find_cycle()
        if cycle:
            raise PlanGraphError("invalid plan: dependency cycle " + " -> ".join(cycle))

    def _add(self, before: str, after: str) -> None:
        self.needs[after].add(before)
        self.dependents[before].add(after)

    def _find_cycle(self) -> list[str] | None:
        white, grey, black = 0, 1, 2
        color = dict.fromkeys(self.changes, white)
        for root in sorted(self.changes):
            if color[root] != white:
                continue
            stack: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(self.dependents[root])))]
            color[root] = grey
            path = [root]
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    color[node] = black
                    stack.pop()
                    path.pop()
                elif color[child] == grey:
                    return [*path[path.index(child) :], child]
                elif color[child] == white:
                    color[child] = grey
                    path.append(child)
                    stack.append((child, iter(sorted(self.dependents[child]))))
        return None

    def schedule(self) -> Schedule:
        return Schedule(self)


class Schedule:
    """Ready-set bookkeeping for one run (not thread-safe: drive it from one thread)."""

    def __init__(self, graph: DependencyGraph):
        self._graph = graph
        self._waiting = {a: len(n) for a, n in graph.needs.items()}
        self._ready: list[tuple[tuple[int, str], str]] = []
        self._settled: set[str] = set()
        for address, count in self._waiting.items():
            if count == 0:
                self._push(address)

    def _push(self, address: str) -> None:
        heapq.heappush(self._ready, (self._graph.changes[address].sort_key, address))

    def pop_ready(self) -> Change | None:
        """The next change whose dependencies all succeeded, lowest phase first."""
        if not self._ready:
            return None
        _, address = heapq.heappop(self._ready)
        return self._graph.changes[address]

    def succeeded(self, address: str) -> None:
        self._settled.add(address)
        for dep in sorted(self._graph.dependents[address]):
            self._waiting[dep] -= 1
            if self._waiting[dep] == 0 and dep not in self._settled:
                self._push(dep)

    def failed(self, address: str) -> list[tuple[Change, str]]:
        """Settle a failure; returns every change skipped because of it, with the
        address of the failed change that caused it, in execution order."""
        self._settled.add(address)
        skipped: list[tuple[Change, str]] = []
        stack = sorted(self._graph.dependents[address])
        while stack:
            dep = stack.pop()
            if dep in self._settled:
                continue
            self._settled.add(dep)
            skipped.append((self._graph.changes[dep], address))
            stack.extend(sorted(self._graph.dependents[dep]))
        skipped.sort(key=lambda pair: pair[0].sort_key)
        return skipped

    def unsettled(self) -> list[Change]:
        """Changes never run (e.g. the run was interrupted), in execution order."""
        rest = [c for a, c in self._graph.changes.items() if a not in self._settled]
        return sorted(rest, key=lambda c: c.sort_key)
