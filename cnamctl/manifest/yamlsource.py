"""Safe, bounded YAML reading that remembers the line of every key and list item.

pyyaml's parser turns a file into a flat stream of events (start of a mapping, a
scalar, an alias, ...); this module builds plain data from that stream itself,
iteratively, instead of letting pyyaml compose a node tree and construct values
from it recursively. That is what makes loading bounded (see ``limits.py``):

* nesting depth is checked as mappings and lists open, so 10,000 levels (flow or
  block) are refused at level 65, with no recursion anywhere;
* every anchor remembers how many values it expands to, and every alias adds
  that count to a per-file budget, so a "billion laughs" file is refused at the
  alias that crosses the limit, before anything is expanded;
* a recursive alias (an anchor used inside itself) is refused.

While building, the line of every mapping key and sequence item is recorded as a
dotted camelCase path (``phoneNumbers.1``); duplicate keys, which plain loading
silently drops, are reported. Scalars are resolved (``true``, ``12``, ``null``)
and constructed by pyyaml's ``SafeConstructor`` rules; any other tag
(``!!python/...``) is refused. Merge keys (``<<: *base``) work as in pyyaml,
merged keys pointing at the anchor's lines. A document with a problem that makes
its value unusable is dropped and reading goes on with the next one.

libyaml's parser is used when pyyaml has it (several times faster); a file it
finds a syntax error in is parsed again by the pure-Python parser, whose messages
are the ones users see (files above 1 MiB keep libyaml's message, so a huge
broken file is not parsed twice at Python speed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from cnamctl.errors import Location, Problem
from cnamctl.manifest.excerpts import cite, redact
from cnamctl.manifest.limits import DEFAULT_LIMITS, Limits
from cnamctl.text import shorten

_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAGS = (None, "!", "tag:yaml.org,2002:map")
_SEQ_TAGS = (None, "!", "tag:yaml.org,2002:seq")
_FastLoader = getattr(yaml, "CSafeLoader", None)
_REPARSE_BYTES = 1024 * 1024
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_SCALARS = SafeConstructor.yaml_constructors
_READ_AS = {"int": "an integer", "float": "a number", "timestamp": "a date", "binary": "base64"}


@dataclass(frozen=True)
class RawDocument:
    """One non-empty YAML document as plain data, with the lines it came from."""

    file: str
    data: Any
    source: Location
    fields: dict[str, int]
    """The 1-based line of every key and list item, by dotted path (``phoneNumbers.1``)."""


@dataclass
class ParsedFile:
    """What one file yielded; ``complete`` is False when a problem cut it short
    or dropped one of its documents."""

    documents: list[RawDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True


def parse_yaml(file: str, text: str, limits: Limits = DEFAULT_LIMITS) -> ParsedFile:
    """Every document of ``text``; ``file`` is the name used in locations."""
    if _FastLoader is not None:
        parsed, parser_failed = _parse_with(_FastLoader, file, text, limits)
        if not parser_failed or len(text) > _REPARSE_BYTES:
            return parsed
    return _parse_with(yaml.SafeLoader, file, text, limits)[0]


def _parse_with(loader_class: Any, file: str, text: str, limits: Limits) -> tuple[ParsedFile, bool]:
    """The file read with ``loader_class``'s parser, and whether the parser failed."""
    builder = _Builder(file, limits)
    parsed = builder.parsed
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as err:
        return _unreadable(parsed, file, text, err), True
    try:
        builder.run(loader.get_event)
    except yaml.MarkedYAMLError as err:
        parsed.problems.append(_syntax_problem(file, err))
        parsed.complete = False
        return parsed, True
    except yaml.reader.ReaderError as err:
        return _unreadable(parsed, file, text, err), True
    except _LimitReached as limit:
        parsed.problems.append(limit.problem)
        parsed.complete = False
    finally:
        loader.dispose()
    return parsed, False


class _LimitReached(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


@dataclass(eq=False)
class _Anchor:
    value: Any
    values: int  # how many values it expands to
    height: int  # how deep it nests
    line: int
    entries: list[tuple[str, int]]  # its field lines, relative to itself
    text: str | None = None  # the raw text of a scalar (a key may be an alias)
    building: bool = False  # its collection is still open (an alias to it recurses)


_NOTHING = object()
_SEQ, _MAP, _MERGE_SEQ = 0, 1, 2  # frame kinds (a list of mappings to merge: _MERGE_SEQ)
_PLAIN, _MERGE, _DUPLICATE, _IGNORED = 0, 1, 2, 3  # key modes: how a value is stored


class _Frame:
    """A mapping or sequence being built."""

    __slots__ = (
        "anchor",
        "has_key",
        "height",
        "key",
        "key_mode",
        "key_text",
        "kind",
        "line",
        "log",
        "merge_log",
        "merges",
        "prefix",
        "seen",
        "start",
        "value",
        "values",
    )  # fmt: skip

    def __init__(
        self, kind: int, prefix: str, log: list[tuple[str, int]], line: int, anchor: str | None
    ):
        self.kind = kind
        self.value: Any = {} if kind == _MAP else []
        self.prefix = prefix  # path of a child: prefix + key (or index)
        self.log = log  # where (path, line) entries of this subtree go
        self.start = len(log)
        self.line = line
        self.anchor = anchor
        self.values = 1
        self.height = 1
        self.has_key = False  # a key was read, its value not yet
        self.key: Any = None
        self.key_text = ""
        self.key_mode = _PLAIN
        self.seen: dict[str, int] = {}
        self.merges: list[dict[Any, Any]] = []
        self.merge_log: list[tuple[str, int]] = []


class _Builder:
    """Plain data and field lines from a stream of YAML events, within limits."""

    def __init__(self, file: str, limits: Limits):
        self.file = file
        self.limits = limits
        self.parsed = ParsedFile()
        self.aliases = 0
        self.alias_values = 0
        self._new_document()

    def _new_document(self) -> None:
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor] = {}
        self.log: list[tuple[str, int]] = []
        self.root: Any = _NOTHING
        self.root_line = 1
        self.broken: Problem | None = None

    # -- the event loop ------------------------------------------------------------

    def run(self, next_event: Any) -> None:
        while True:
            event = next_event()
            kind = type(event)
            if kind is ScalarEvent:
                if event.tag is None and not event.implicit[0]:  # quoted: a string
                    value: Any = event.value
                else:
                    value = self._scalar(event)
                line = _line(event)
                if event.anchor is not None:
                    self._define(event, _Anchor(value, 1, 0, line, [], event.value))
                self._add(value, line, 1, 0, None, event.value)
            elif kind is SequenceStartEvent or kind is MappingStartEvent:
                self._open(event, kind is MappingStartEvent)
            elif kind is AliasEvent:
                self._alias(event)
            elif kind is DocumentStartEvent:
                self._new_document()
            elif kind is DocumentEndEvent:
                self._end_document()
            elif kind is StreamEndEvent:
                return
            elif self.stack:  # SequenceEndEvent, MappingEndEvent
                self._close()

    # -- values ------------------------------------------------------------------------

    def _scalar(self, event: ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
        if tag == _STR_TAG:
            return event.value
        if tag == _MERGE_TAG:
            return _MergeKey
        construct = _SCALARS.get(tag)
        if construct is None:
            self._break(event, _unknown_tag(tag))
            return None
        node = ScalarNode(tag, event.value)
        try:
            return construct(_CONSTRUCTOR, node)
        except ConstructorError as err:
            self._break(event, f"unsupported YAML value: {err.problem}")
        except (ValueError, OverflowError, TypeError) as err:
            kind = _READ_AS.get(tag.rpartition(":")[2], "a value")
            reason = shorten(str(err), 120)
            self._break(
                event, f"unsupported YAML value: {cite(event.value)} is not {kind} ({reason})"
            )
        return None

    def _open(self, event: Event, is_map: bool) -> None:
        assert isinstance(event, MappingStartEvent | SequenceStartEvent)
        line = _line(event)
        if len(self.stack) >= self.limits.depth:
            self._limit(
                line,
                f"YAML nesting deeper than {self.limits.depth} levels (the limit on "
                "nesting depth; manifests need a handful)",
            )
        if event.tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
            self._break(event, _unknown_tag(event.tag))
        prefix, log = self._child_place()
        kind = _MAP if is_map else _SEQ
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.kind == _MAP and parent.key_mode == _MERGE and not is_map:
            kind = _MERGE_SEQ
        if event.anchor is not None:
            self._define(event, _Anchor(None, 0, 0, line, [], building=True))
        self.stack.append(_Frame(kind, prefix, log, line, event.anchor))

    def _child_place(self) -> tuple[str, list[tuple[str, int]]]:
        """The path prefix and field log of a collection about to open."""
        if not self.stack:
            return "", self.log
        parent = self.stack[-1]
        if parent.kind == _SEQ:
            return f"{parent.prefix}{len(parent.value)}.", parent.log
        if parent.kind == _MERGE_SEQ:
            return parent.prefix, parent.log
        if not parent.has_key or parent.key_mode in (_DUPLICATE, _IGNORED):
            return "", []  # a collection used as a key, or the value of a duplicate key
        if parent.key_mode == _MERGE:
            return parent.prefix, parent.merge_log
        return f"{parent.prefix}{parent.key_text}.", parent.log

    def _close(self) -> None:
        frame = self.stack.pop()
        value = frame.value
        if frame.kind == _MAP and frame.merges:
            value = self._merged(frame)
        entries = frame.log[frame.start :]
        if frame.anchor is not None:
            relative = [(path[len(frame.prefix) :], line) for path, line in entries]
            anchor = _Anchor(value, frame.values, frame.height, frame.line, relative)
            self.anchors[frame.anchor] = anchor
        self._add(value, frame.line, frame.values, frame.height, None, None)

    def _merged(self, frame: _Frame) -> dict[Any, Any]:
        """``<<`` merges: explicit keys win, then earlier merged mappings."""
        merged: dict[Any, Any] = {}
        for source in reversed(frame.merges):
            merged.update(source)
        merged.update(frame.value)
        own = {path for path, _ in frame.log[frame.start :]}
        for path, line in frame.merge_log:
            if path not in own:
                own.add(path)
                frame.log.append((path, line))
        return merged

    def _alias(self, event: AliasEvent) -> None:
        line = _line(event)
        name = event.anchor or ""
        anchor = self.anchors.get(name)
        if anchor is None:
            self._break(
                event, "YAML syntax error: found an alias (*name) with no anchor of that name"
            )
            self._add(None, line, 1, 0, None, None)
            return
        if anchor.building:
            self._break(
                event,
                "unsupported YAML value: an alias is used inside its own anchor "
                "(a recursive structure)",
            )
            self._add(None, line, 1, 0, None, None)
            return
        self.aliases += 1
        self.alias_values += anchor.values
        if self.aliases > self.limits.aliases:
            self._limit(
                line,
                f"more than {self.limits.aliases:,} YAML aliases in this file (the limit on "
                "aliases)",
            )
        if self.alias_values > self.limits.alias_values:
            self._limit(
                line,
                f"YAML aliases in this file expand to more than {self.limits.alias_values:,} "
                "values (the limit on what aliases may expand to; a 'billion laughs' file?)",
            )
        if len(self.stack) + anchor.height > self.limits.depth:
            self._limit(
                line,
                f"YAML nesting deeper than {self.limits.depth} levels through an alias (the "
                "limit on nesting depth)",
            )
        self._add(anchor.value, line, anchor.values, anchor.height, anchor, anchor.text)

    def _add(
        self,
        value: Any,
        line: int,
        values: int,
        height: int,
        alias: _Anchor | None,
        text: str | None,
    ) -> None:
        """Put a finished value where it belongs: the document root, a list, a
        mapping's key or value."""
        if not self.stack:
            if value is _MergeKey:
                self._break_at(line, _unknown_tag(_MERGE_TAG))
            self.root, self.root_line = value, line
            return
        frame = self.stack[-1]
        if value is _MergeKey and (frame.kind != _MAP or frame.has_key):
            self._break_at(line, _unknown_tag(_MERGE_TAG))
            value = None
        frame.values += values
        if height >= frame.height:
            frame.height = height + 1
        if frame.kind == _SEQ:
            path = f"{frame.prefix}{len(frame.value)}"
            frame.value.append(value)
            frame.log.append((path, line))
            if alias is not None:
                _graft(frame.log, f"{path}.", alias.entries)
        elif frame.kind == _MERGE_SEQ:
            if not isinstance(value, dict):
                self._break_at(line, _NOT_MERGEABLE)
            else:
                frame.value.append(value)
                if alias is not None:
                    _graft(frame.log, frame.prefix, alias.entries)
        elif not frame.has_key:
            self._key(frame, value, line, text)
        else:
            self._value(frame, value, line, alias)

    def _key(self, frame: _Frame, key: Any, line: int, text: str | None) -> None:
        frame.has_key, frame.key = True, key
        if key is _MergeKey:
            frame.key_mode = _MERGE
        elif text is None or isinstance(key, list | dict):
            self._break_at(line, "unsupported YAML value: a mapping key must be a plain value")
            frame.key_mode = _IGNORED
        elif text in frame.seen:
            message = f"duplicate key {cite(text)} (first at line {frame.seen[text]})"
            self.parsed.problems.append(Problem(Location(self.file, line), message))
            frame.key_mode = _DUPLICATE  # the later value is kept, as pyyaml does
        else:
            frame.seen[text] = line
            frame.key_text, frame.key_mode = text, _PLAIN
            frame.log.append((f"{frame.prefix}{text}", line))

    def _value(self, frame: _Frame, value: Any, line: int, alias: _Anchor | None) -> None:
        frame.has_key = False
        mode = frame.key_mode
        if mode == _MERGE:
            sources = value if isinstance(value, list) else [value]
            if not all(isinstance(s, dict) for s in sources):
                self._break_at(line, _NOT_MERGEABLE)
                return
            frame.merges.extend(sources)
            if alias is not None:
                entries = alias.entries
                if isinstance(value, list):  # drop the list's own "i" level
                    entries = [(p.partition(".")[2], n) for p, n in entries if "." in p]
                _graft(frame.merge_log, frame.prefix, entries)
        elif mode != _IGNORED:
            frame.value[frame.key] = value
            if alias is not None and mode == _PLAIN:
                _graft(frame.log, f"{frame.prefix}{frame.key_text}.", alias.entries)

    # -- anchors, documents, problems ---------------------------------------------

    def _define(self, event: NodeEvent, anchor: _Anchor) -> None:
        name = event.anchor
        assert name is not None
        if name in self.anchors:
            first = self.anchors[name].line
            self._break(
                event, f"YAML syntax error: found a duplicate anchor (first at line {first})"
            )
        self.anchors[name] = anchor

    def _end_document(self) -> None:
        if self.broken is not None:
            self.parsed.problems.append(self.broken)
            self.parsed.complete = False
        elif self.root is not _NOTHING and self.root is not None:
            source = Location(self.file, self.root_line)
            document = RawDocument(self.file, self.root, source, dict(self.log))
            self.parsed.documents.append(document)
        self._new_document()

    def _break(self, event: Event, message: str) -> None:
        self._break_at(_line(event), message)

    def _break_at(self, line: int, message: str) -> None:
        """This document cannot be used; the first reason is reported."""
        if self.broken is None:
            self.broken = Problem(Location(self.file, line), message)

    def _limit(self, line: int, message: str) -> None:
        raise _LimitReached(Problem(Location(self.file, line), message))


class _MergeKeyType:
    """The ``<<`` key of a merge (a marker, never part of the data)."""


_MergeKey = _MergeKeyType
_NOT_MERGEABLE = "unsupported YAML value: expected a mapping or list of mappings for merging"


def _line(event: Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 1


def _graft(log: list[tuple[str, int]], prefix: str, entries: list[tuple[str, int]]) -> None:
    log.extend((f"{prefix}{path}", line) for path, line in entries)


def _unknown_tag(tag: str | None) -> str:
    # the tag is the file's content, and the file may not be a manifest: not quoted
    return "unsupported YAML value: a tag (!...) cnamctl does not read; manifests are plain YAML"


def _unreadable(
    parsed: ParsedFile, file: str, text: str, err: yaml.reader.ReaderError
) -> ParsedFile:
    line = text.count("\n", 0, err.position) + 1
    message = f"YAML syntax error: unacceptable character #x{err.character:04x}: {err.reason}"
    parsed.problems.append(Problem(Location(file, line), message))
    parsed.complete = False
    return parsed


def _syntax_problem(file: str, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark else 1
    message = f"YAML syntax error: {_unquoted(err.problem or err.context or '')}"
    if err.context and err.problem:
        context = err.context
        if err.context_mark and err.context_mark.line + 1 != line:
            context += f" at line {err.context_mark.line + 1}"
        message += f" ({context})"
    return Problem(Location(file, line), redact(message))


_LONG_QUOTE = re.compile(r"'[^'\s]{9,}'|\"[^\"\s]{9,}\"")


def _unquoted(message: str) -> str:
    """PyYAML's message without the longer pieces of the file it quotes (a tag
    handle, an anchor): the file may be a stray secret, not a manifest."""
    return _LONG_QUOTE.sub("(...)", message)
