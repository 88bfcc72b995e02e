"""The one view of a Plan that every format draws: resources, their steps, notices.

Formats decide only how to draw. Everything else is decided here once: which
object each change belongs to (its ``Resource``, from its address), what that
object's block says in words (``summaries.py``), how its API steps are grouped
(many numbers with the same step become one step with a number list), which
notices are summarised by kind, the safety verdict, drift, order and headline.

A plan is shown as **blocks**, one per object: each declared BusinessProfile,
trust profile (CnamProfile, ShakenStirProfile, VoiceIntegrityProfile),
OutgoingCallerId and the number settings, plus undeclared objects the plan
changes. ``by_resource`` groups blocks into sections (a business profile with the
products under it and, where trusted calling is in use, its **trust stack**: which
of its numbers are in which of its CNAM, SHAKEN/STIR and Voice Integrity products;
then caller IDs, ...), ``by_action`` groups the changes by action: both are
functions over the view.

Text from manifests and servers stays marked as such (``Value`` in a ``Phrase``,
or a whole notice message): each format quotes and neutralises it its own way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

from cnamctl.plan import addresses as address_of
from cnamctl.plan.addresses import PRODUCTS, PROFILES, SPEC_OF_KIND, Address, Kind, Resource, parse
from cnamctl.plan.context import PlanContext, ResourceInfo, StackProduct, TrustStack
from cnamctl.plan.model import Action, Change, Notice, NoticeLevel, Plan
from cnamctl.plan.render.rows import (
    ACTION_VERBS,
    ATTENTION,
    KIND_TITLES,
    LIST_UNCHANGED_UP_TO,
    NO_CHANGES,
    RESOURCE_SYMBOLS,
    SELF_PARTS,
    SEVERITY,
    UNMANAGED_PRODUCT_NOTICES,
    VERB_SYMBOLS,
    Group,
    NoticeKind,
    NoticeRow,
    Phrase,
    ResourceAction,
    Row,
    Value,
    count_of,
    numbers_summary,
    show_value,
)
from cnamctl.plan.render.summaries import summarise
from cnamctl.plan.review import REJECTED, Drift, drift_of
from cnamctl.plan.safety import SafetyVerdict, verdict_of
from cnamctl.policies import SPECS

PHASES = {action: i for i, action in enumerate(Action)}  # Action.phase, looked up once

__all__ = [
    "ACTION_VERBS",
    "NO_CHANGES",
    "Block",
    "PlanView",
    "Row",
    "Value",
    "ViewOptions",
    "build_view",
    "by_action",
    "by_resource",
    "show_value",
]


@dataclass(frozen=True)
class Step:
    """One API step of a block, or the same step on many numbers."""

    action: Action
    part: str  # the address inside the object: ``end-user``, ``number[*]``
    rows: tuple[Row, ...]
    numbers: tuple[str, ...] = ()  # the numbers of a step on several, sorted

    @property
    def symbol(self) -> str:
        return self.rows[0].symbol

    @property
    def values(self) -> str:
        first = self.rows[0]
        if not self.numbers:
            return first.values
        listed = numbers_summary(self.numbers)
        return f"{first.values} on {listed}" if first.before is not None else listed

    @property
    def reason(self) -> str:
        first = self.rows[0]
        if len(self.rows) == 1:
            return first.reason
        return _generalise(first.reason, first.structure)

    @property
    def locations(self) -> tuple[str, ...]:
        return tuple(r.location for r in self.rows if r.location)


@dataclass(frozen=True)
class NoticeLine:
    """One notice of a block, or the same notice about several of its numbers."""

    level: NoticeLevel
    text: str
    location: str | None
    rows: tuple[NoticeRow, ...]
    numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    resource: Resource
    info: ResourceInfo | None
    action: ResourceAction
    summary: Phrase
    location: str | None
    steps: tuple[Step, ...]
    notices: tuple[NoticeLine, ...]
    drift: tuple[Drift, ...]

    @property
    def symbol(self) -> str:
        if self.action is ResourceAction.NOOP and self.attention:
            return ATTENTION
        return RESOURCE_SYMBOLS[self.action]

    @property
    def attention(self) -> bool:
        return bool(self.drift) or any(n.level is NoticeLevel.ERROR for n in self.notices)

    @property
    def quiet(self) -> bool:
        """Nothing to change and nothing to say: one line is enough."""
        return self.action is ResourceAction.NOOP and not self.notices and not self.drift

    @property
    def title(self) -> Phrase:
        """``CnamProfile acme-sales``; undeclared products by their name, SID after."""
        kind = KIND_TITLES[self.resource.kind]
        if self.resource.kind in PRODUCTS:
            name = self.info.title if self.info and self.info.title else None
            return (
                (f"{kind} ", Value(name), f" ({self.resource.name})")
                if name
                else (f"{kind} {self.resource.name}",)
            )
        if not self.resource.name:
            return (kind,)
        return (f"{kind} ", Value(self.resource.name, quote=False))

    @property
    def changes(self) -> tuple[Row, ...]:
        return tuple(r for s in self.steps for r in s.rows)

    @property
    def business_profile(self) -> str | None:
        return self.info.business_profile if self.info else None


@dataclass(frozen=True)
class NoticeGroup:
    """Notices of one kind about what no manifest declares, with one line of advice."""

    kind: NoticeKind
    level: NoticeLevel
    advice: str
    rows: tuple[NoticeRow, ...]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def summarised(self) -> bool:
        """A kind counted with advice; otherwise one notice shown as it is."""
        return self.kind is not NoticeKind.RESOURCE


@dataclass(frozen=True)
class StackRow:
    """Numbers of a business profile that are in the same products: per kind of
    product (``StackView.columns``), the name of the profile holding them, or None;
    ``gap``: in no product of a kind the business profile uses."""

    numbers: tuple[str, ...]
    holders: tuple[str | None, ...]
    gap: bool = False


@dataclass(frozen=True)
class StackColumn:
    label: str  # CNAM, SHAKEN/STIR, Voice Integrity
    kind: str  # the manifest kind: CnamProfile, ShakenStirProfile, VoiceIntegrityProfile
    products: tuple[StackProduct, ...]  # the business profile's declared profiles of it
    ineligible: frozenset[str] = frozenset()  # numbers no product of this kind may take


@dataclass(frozen=True)
class StackView:
    """A business profile's trust stack: its products by kind, and its numbers grouped
    by the products they are in, numbers missing from a kind first."""

    business_profile: str
    columns: tuple[StackColumn, ...]  # every kind of cnamctl.policies.SPECS
    rows: tuple[StackRow, ...]

    @property
    def numbers(self) -> int:
        return sum(len(r.numbers) for r in self.rows)

    @property
    def missing(self) -> dict[str, tuple[str, ...]]:
        """Per kind in use (label), its numbers in no product of that kind, where any are."""
        out: dict[str, list[str]] = {c.label: [] for c in self.columns}
        for row in self.rows:
            for column, holder in zip(self.columns, row.holders, strict=True):
                if holder is None and column.products:
                    out[column.label] += [n for n in row.numbers if n not in column.ineligible]
        return {label: tuple(sorted(numbers)) for label, numbers in out.items() if numbers}


@dataclass(frozen=True)
class Section:
    title: Phrase
    blocks: tuple[Block, ...]
    stack: StackView | None = None  # a business profile's, where trusted calling is in use


@dataclass(frozen=True)
class ViewOptions:
    full: bool = False  # every notice, number and unchanged object, not summaries
    review_max_age: timedelta | None = None  # longer in review counts as drift
    now: datetime | None = None  # for review ages (default: the current time)


@dataclass(frozen=True)
class PlanView:
    account_sid: str
    rows: tuple[Row, ...]  # every change, in execution order
    blocks: tuple[Block, ...]  # in section order (``by_resource``)
    notices: tuple[NoticeRow, ...]  # every notice, errors first
    notice_groups: tuple[NoticeGroup, ...]  # those in no block, by kind
    verdict: SafetyVerdict
    drift: tuple[Drift, ...]
    unchanged: int
    options: ViewOptions = field(default_factory=ViewOptions)
    stacks: tuple[StackView, ...] = ()  # per business profile using trusted calling

    @property
    def has_changes(self) -> bool:
        return bool(self.rows)

    @property
    def drifted(self) -> bool:
        """Not as declared: something to change, or a product rejected or overdue."""
        return self.has_changes or bool(self.drift)

    def summary(self) -> dict[str, int]:
        """Count per action value, in phase order."""
        return {group.action.value: len(group.rows) for group in by_action(self)}

    def verb_counts(self) -> dict[str, int]:
        """Count per verb, in the summary line's order, only verbs present."""
        counts = dict.fromkeys(VERB_SYMBOLS, 0)
        for row in self.rows:
            counts[row.verb] += 1
        return {verb: n for verb, n in counts.items() if n}

    @property
    def headline(self) -> str:
        """``Plan: 3 to create, 1 to delete; 5 unchanged.`` or the no-changes sentence,
        and what else is not as declared."""
        drift = _drift_sentence(self.drift)
        if not self.has_changes:
            return f"No changes to make, but not as declared: {drift}." if drift else NO_CHANGES
        counts = ", ".join(f"{n} to {verb}" for verb, n in self.verb_counts().items())
        unchanged = f"; {self.unchanged} unchanged" if self.unchanged else ""
        tail = f" Not as declared: {drift}." if drift else ""
        return f"Plan: {counts}{unchanged}.{tail}"

    @property
    def shown_blocks(self) -> tuple[Block, ...]:
        """Blocks to draw in full; quiet ones (unchanged, nothing to say) are listed
        up to ``LIST_UNCHANGED_UP_TO`` unless the view is full."""
        quiet = [b for b in self.blocks if b.quiet]
        keep = set(map(id, quiet if self.options.full else quiet[:LIST_UNCHANGED_UP_TO]))
        return tuple(b for b in self.blocks if not b.quiet or id(b) in keep)

    @property
    def quiet_left_out(self) -> int:
        return sum(b.quiet for b in self.blocks) - sum(b.quiet for b in self.shown_blocks)


def by_action(view: PlanView) -> tuple[Group, ...]:
    """The changes grouped by action, in execution (phase) order."""
    return tuple(
        Group(action, tuple(same)) for action, same in groupby(view.rows, key=lambda r: r.action)
    )


def by_resource(view: PlanView, blocks: Iterable[Block] | None = None) -> tuple[Section, ...]:
    """Blocks (``view.blocks``, or some of them) in sections: each business profile
    with everything under it (its own block first) and its trust stack, then
    outgoing caller IDs, number settings, and the rest."""
    return _sections(view.blocks if blocks is None else blocks, view.stacks)


def _sections(blocks: Iterable[Block], stacks: tuple[StackView, ...] = ()) -> tuple[Section, ...]:
    sections: dict[tuple[int, str], list[Block]] = {}
    titles: dict[tuple[int, str], Phrase] = {}
    for block in blocks:
        key, title = _section_of(block)
        sections.setdefault(key, []).append(block)
        titles[key] = title
    stack_of = {(0, s.business_profile): s for s in stacks}
    return tuple(
        Section(titles[key], tuple(sections[key]), stack_of.get(key)) for key in sorted(sections)
    )


_UNDER_A_BUSINESS_PROFILE = frozenset({Kind.BUSINESS_PROFILE}) | PROFILES | PRODUCTS


def _section_of(block: Block) -> tuple[tuple[int, str], Phrase]:
    kind = block.resource.kind
    if block.business_profile and kind in _UNDER_A_BUSINESS_PROFILE:
        name = block.business_profile
        return (0, name), ("Business profile ", Value(name, quote=False))
    if kind is Kind.CALLER_ID:
        return (1, ""), ("Outgoing caller IDs",)
    if kind is Kind.NUMBER_SETTINGS:
        return (2, ""), ("Number settings",)
    return (3, ""), ("Other objects",)


# --- building the view --------------------------------------------------------------------


def build_view(plan: Plan, options: ViewOptions | None = None) -> PlanView:
    options = options or ViewOptions()
    context = plan.context or PlanContext()
    changes = sorted(plan.changes, key=lambda c: (PHASES[c.action], c.address))
    rows = tuple(_row(c) for c in changes)
    notices = tuple(
        _notice_row(n, context)
        for n in sorted([*plan.notices, *_unmanaged_numbers(context)], key=_notice_order)
    )
    now = options.now or datetime.now(UTC)
    drift = tuple(drift_of(plan, max_review_age=options.review_max_age, now=now))
    unordered = _blocks(rows, notices, drift, context, plan.context is not None)
    blocks = tuple(b for section in _sections(unordered) for b in section.blocks)
    in_blocks = {id(r) for b in blocks for n in b.notices for r in n.rows}
    groups = _notice_groups([n for n in notices if id(n) not in in_blocks], context)
    return PlanView(
        plan.account_sid,
        rows,
        blocks,
        notices,
        groups,
        verdict_of(plan),
        drift,
        plan.unchanged,
        options,
        tuple(stack_view(s) for s in context.stacks),
    )


def _by_eligibility(
    grouped: dict[tuple[str | None, ...], list[str]], columns: tuple[StackColumn, ...]
) -> Iterable[tuple[tuple[str | None, ...], list[str]]]:
    """Groups of numbers split where some may not join a kind they are missing from
    (a toll-free number is not missing from CNAM: it may not be on a CNAM product)."""
    for key, numbers in grouped.items():
        split: dict[tuple[bool, ...], list[str]] = {}
        for n in numbers:
            split.setdefault(tuple(n in c.ineligible for c in columns), []).append(n)
        for part in split.values():
            yield key, part


def stack_view(stack: TrustStack) -> StackView:
    """The numbers of ``stack`` grouped by the products they are in: rows where a
    kind of product misses them first, then the complete rows; each by its first
    number."""
    columns = tuple(
        StackColumn(
            spec.label,
            spec.kind,
            tuple(p for p in stack.products if p.kind == spec.key),
            frozenset(stack.ineligible.get(spec.key, ())),
        )
        for spec in SPECS
    )
    holder: dict[tuple[int, str], str] = {}
    for i, column in enumerate(columns):
        for product in column.products:
            for number in product.numbers:
                holder.setdefault((i, number), product.name)
    grouped: dict[tuple[str | None, ...], list[str]] = {}
    for number in stack.numbers:
        key = tuple(holder.get((i, number)) for i in range(len(columns)))
        grouped.setdefault(key, []).append(number)
    rows = sorted(
        (
            StackRow(
                tuple(numbers),
                key,
                any(
                    h is None and c.products and numbers[0] not in c.ineligible
                    for h, c in zip(key, columns, strict=True)
                ),
            )
            for key, numbers in _by_eligibility(grouped, columns)
        ),
        key=lambda r: (not r.gap, r.numbers[0]),
    )
    return StackView(stack.business_profile, columns, tuple(rows))


def _row(change: Change) -> Row:
    verb = ACTION_VERBS[change.action]
    return Row(
        symbol=VERB_SYMBOLS[verb],
        verb=verb,
        address=change.address,
        action=change.action,
        before=change.before,
        after=change.after,
        depends_on=tuple(sorted(change.depends_on)),
        reason=change.reason,
        location=str(change.location) if change.location else None,
        structure=parse(change.address, change.resource),
    )


def _notice_order(notice: Notice) -> tuple[int, tuple[str, str, str]]:
    """Errors first, then warnings, then information; each by address."""
    return (SEVERITY.index(notice.level), notice.sort_key)


def _notice_row(notice: Notice, context: PlanContext) -> NoticeRow:
    structure = parse(notice.address, notice.resource)
    return NoticeRow(
        level=notice.level,
        address=notice.address,
        message=notice.message,
        location=str(notice.location) if notice.location else None,
        status=notice.status,
        error_codes=tuple(notice.error_codes),
        kind=_notice_kind(structure, context),
        structure=structure,
    )


def _unmanaged_numbers(context: PlanContext) -> list[Notice]:
    """The numbers no manifest mentions, as the notices they are shown as."""
    return [
        Notice(
            address_of.account_number(n.phone_number),
            NoticeLevel.INFO,
            f"{n.phone_number} ({n.sid}, {'on a CNAM product' if n.branded else 'not branded'})"
            " is in no manifest; left alone",
            resource=Resource(Kind.PHONE_NUMBER, ""),
        )
        for n in context.unmanaged_numbers
    ]


def _notice_kind(structure: Address | None, context: PlanContext) -> NoticeKind:
    if structure is None:
        return NoticeKind.RESOURCE
    kind = structure.resource.kind
    if kind is Kind.PHONE_NUMBER:
        return NoticeKind.UNMANAGED_NUMBER
    if kind in UNMANAGED_PRODUCT_NOTICES:
        return UNMANAGED_PRODUCT_NOTICES[kind]
    if kind is Kind.CALLER_ID:
        info = context.info(structure.resource)
        if info is not None and not info.declared:
            return NoticeKind.UNMANAGED_CALLER_ID
    return NoticeKind.RESOURCE


def _blocks(
    rows: tuple[Row, ...],
    notices: tuple[NoticeRow, ...],
    drift: tuple[Drift, ...],
    context: PlanContext,
    described: bool,
) -> tuple[Block, ...]:
    """One block per declared object (all of them when the plan describes them),
    and per other object a change or a block notice is about."""
    order: dict[Resource, None] = {}
    if described:
        order.update((i.resource, None) for i in context.resources if i.declared)
    by_resource: dict[Resource, list[Row]] = {}
    for row in rows:
        resource = row.resource or Resource(Kind.PHONE_NUMBER, row.address)
        by_resource.setdefault(resource, []).append(row)
        order.setdefault(resource, None)
    notes: dict[Resource, list[NoticeRow]] = {}
    for notice in notices:
        if notice.kind is NoticeKind.RESOURCE and notice.resource is not None:
            info = context.info(notice.resource)
            if described and (info is None or not info.declared) and notice.resource not in order:
                continue  # about an undeclared object the plan leaves alone
            notes.setdefault(notice.resource, []).append(notice)
            order.setdefault(notice.resource, None)
    drift_of_resource: dict[Resource, list[Drift]] = {}
    for item in drift:
        drift_of_resource.setdefault(item.resource, []).append(item)
        order.setdefault(item.resource, None)
    return tuple(
        _block(
            resource,
            context.info(resource),
            by_resource.get(resource, []),
            notes.get(resource, []),
            drift_of_resource.get(resource, []),
        )
        for resource in order
    )


def _block(
    resource: Resource,
    info: ResourceInfo | None,
    rows: list[Row],
    notices: list[NoticeRow],
    drift: list[Drift],
) -> Block:
    steps = _steps(rows)
    action = _resource_action(rows)
    summary = summarise(resource, info, rows, action)
    location = str(info.location) if info and info.location else _first_location(rows, notices)
    return Block(
        resource,
        info,
        action,
        summary,
        location,
        steps,
        _notice_lines(notices),
        tuple(d for d in drift if d.status != REJECTED),  # rejections are error notices
    )


def _first_location(rows: list[Row], notices: list[NoticeRow]) -> str | None:
    return next((r.location for r in rows if r.location), None) or next(
        (n.location for n in notices if n.location), None
    )


def _resource_action(rows: list[Row]) -> ResourceAction:
    if not rows:
        return ResourceAction.NOOP
    own = [r for r in rows if r.structure is not None and not r.structure.path]
    if any(
        r.action is Action.CREATE_TRUST_PRODUCT and r.structure and r.structure.is_replacement
        for r in rows
    ):
        return ResourceAction.REPLACE
    if any(r.verb in ("create", "verify") for r in own):
        return ResourceAction.CREATE
    if any(r.verb == "delete" for r in own):
        return ResourceAction.DELETE
    return ResourceAction.UPDATE


def _steps(rows: list[Row]) -> tuple[Step, ...]:
    """Rows in execution order; rows of one action on several numbers that differ
    only in the number become one step, where the first of them was."""
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for i, row in enumerate(rows):
        if row.structure is not None and row.structure.number is not None:
            key: tuple[Any, ...] = (
                row.action,
                _part(row),
                _same(row.before),
                _same(row.after),
            )
        else:
            key = (i,)
        groups.setdefault(key, []).append(row)
    return tuple(
        Step(same[0].action, _part(same[0]), tuple(same), _numbers(same))
        if len(same) > 1
        else Step(same[0].action, _part(same[0], generic=False), tuple(same))
        for same in groups.values()
    )


def _same(value: Any) -> Any:
    """A value as a grouping key: itself when hashable, else its JSON."""
    return value if isinstance(value, str | bool | int | float | None) else show_value(value)


def _numbers(rows: Iterable[Row | NoticeRow]) -> tuple[str, ...]:
    return tuple(sorted(r.structure.number for r in rows if r.structure and r.structure.number))


def _part(row: Row, *, generic: bool = True) -> str:
    """The address inside the object; ``generic``: any number written ``[*]``."""
    structure = row.structure
    if structure is None:
        return row.address
    if not structure.path:
        return SELF_PARTS.get(structure.resource.kind, "")
    text = structure.part
    number = structure.number
    return text.replace(f'["{number}"]', "[*]") if number and generic else text


def _generalise(text: str, structure: Address | None) -> str:
    """A message about one number, said of each number of a group."""
    number = structure.number if structure else None
    if not number or number not in text:
        return text
    if text.startswith(number):
        return "Each number" + text[len(number) :]
    return text.replace(number, "each number")


def _notice_lines(notices: list[NoticeRow]) -> tuple[NoticeLine, ...]:
    """A block's notices; those saying the same of several numbers become one line."""
    groups: dict[tuple[Any, ...], list[NoticeRow]] = {}
    for i, notice in enumerate(notices):
        if notice.structure is not None and notice.structure.number is not None:
            key: tuple[Any, ...] = (notice.level, _generalise(notice.text, notice.structure))
        else:
            key = (i,)
        groups.setdefault(key, []).append(notice)
    lines = []
    for same in groups.values():
        first = same[0]
        if len(same) == 1:
            lines.append(NoticeLine(first.level, first.text, first.location, (first,)))
        else:
            text = _generalise(first.text, first.structure)
            lines.append(NoticeLine(first.level, text, None, tuple(same), _numbers(same)))
    return tuple(lines)


def _notice_groups(notices: list[NoticeRow], context: PlanContext) -> tuple[NoticeGroup, ...]:
    """Notices no block shows: about undeclared objects, by kind with advice; any
    other is a group of its own."""
    groups: list[NoticeGroup] = []
    by_kind: dict[tuple[NoticeKind, NoticeLevel], list[NoticeRow]] = {}
    for notice in notices:
        if notice.kind is NoticeKind.RESOURCE:
            groups.append(NoticeGroup(notice.kind, notice.level, notice.text, (notice,)))
        else:
            by_kind.setdefault((notice.kind, notice.level), []).append(notice)
    for (kind, level), rows in sorted(by_kind.items(), key=lambda kv: _group_order(kv[0])):
        groups.append(NoticeGroup(kind, level, _advice(kind, len(rows), context), tuple(rows)))
    return tuple(sorted(groups, key=lambda g: SEVERITY.index(g.level)))


def _group_order(key: tuple[NoticeKind, NoticeLevel]) -> tuple[int, int]:
    return (SEVERITY.index(key[1]), list(NoticeKind).index(key[0]))


def _advice(kind: NoticeKind, n: int, context: PlanContext) -> str:
    if kind is NoticeKind.UNMANAGED_CALLER_ID:
        return f"{count_of(n, 'unmanaged caller ID')} left alone (prune.outgoingCallerIds is off)"
    product = next((k for k, notice in UNMANAGED_PRODUCT_NOTICES.items() if notice is kind), None)
    if product is not None:
        spec = SPEC_OF_KIND[product]
        what = count_of(n, f"unmanaged {spec.label} product")
        setting = f"prune.{spec.prune_products}"
        if context.prune.products(spec):
            return f"{what} left alone while in review ({setting} deletes them once it ends)"
        return f"{what} left alone ({setting} is off)"
    if kind is NoticeKind.UNMANAGED_NUMBER:
        return (
            f"{count_of(n, 'number')} of the account in no manifest, left alone "
            "(declare them in a CnamProfile to brand them)"
        )
    raise AssertionError(kind)


def _drift_sentence(drift: tuple[Drift, ...]) -> str:
    rejected = sum(d.status == REJECTED for d in drift)
    waiting = len(drift) - rejected
    parts = []
    if rejected:
        parts.append(f"{count_of(rejected, 'product')} rejected by Twilio")
    if waiting:
        parts.append(f"{count_of(waiting, 'product')} in review too long")
    return " and ".join(parts)


# --- what each block says in words ----------------------------------------------------------
