"""Safe YAML reading that remembers the line of every key and list item.

Each file is composed document by document with pyyaml's SafeLoader; the node
tree gives 1-based lines for every mapping key and sequence item (recorded as
dotted camelCase paths such as ``phoneNumbers.1``) and reveals duplicate keys,
which plain loading silently drops. Values are then built by a fresh
SafeConstructor per document, so one bad document does not spoil the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cnamctl.errors import Location, Problem

_MERGE_TAG = "tag:yaml.org,2002:merge"
# libyaml's loader when pyyaml has it: several times faster on large manifests,
# with the same nodes and marks.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RawDocument:
    """One non-empty YAML document as plain data, with the lines it came from."""

    file: str
    data: Any
    source: Location
    fields: dict[str, Location]


@dataclass
class ParsedFile:
    """What one file yielded; ``complete`` is False when a syntax error cut it short."""

    documents: list[RawDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True


def parse_yaml(file: str, text: str) -> ParsedFile:
    """Parse every document of ``text``; ``file`` is the name used in locations.

    libyaml reads the file when pyyaml has it; a file it finds fault with is read
    again by the pure-Python loader, whose messages are the ones users see."""
    if _FastLoader is not yaml.SafeLoader:
        parsed = _parse_with(_FastLoader, file, text)
        if not parsed.problems:
            return parsed
    return _parse_with(yaml.SafeLoader, file, text)


def _parse_with(loader_class: Any, file: str, text: str) -> ParsedFile:
    parsed = ParsedFile()
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as err:
        return _unreadable(parsed, file, text, err)
    try:
        while loader.check_node():
            _add_document(parsed, file, loader.get_node())
    except yaml.MarkedYAMLError as err:
        parsed.problems.append(_syntax_problem(file, err))
        parsed.complete = False
    except yaml.reader.ReaderError as err:
        _unreadable(parsed, file, text, err)
    finally:
        loader.dispose()
    return parsed


def _unreadable(
    parsed: ParsedFile, file: str, text: str, err: yaml.reader.ReaderError
) -> ParsedFile:
    line = text.count("\n", 0, err.position) + 1
    message = f"YAML syntax error: unacceptable character #x{err.character:04x}: {err.reason}"
    parsed.problems.append(Problem(Location(file, line), message))
    parsed.complete = False
    return parsed


def _add_document(parsed: ParsedFile, file: str, node: Node) -> None:
    source = Location(file, node.start_mark.line + 1)
    fields: dict[str, Location] = {}
    _index(node, "", file, fields, parsed.problems, set())
    try:
        data = SafeConstructor().construct_document(node)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else source.line
        parsed.problems.append(
            Problem(Location(file, line), f"unsupported YAML value: {err.problem}")
        )
        return
    if data is not None:
        parsed.documents.append(RawDocument(file, data, source, fields))


def _index(
    node: Node,
    prefix: str,
    file: str,
    fields: dict[str, Location],
    problems: list[Problem],
    active: set[int],
) -> None:
    """Record the line of every key and item under ``node``; report duplicate keys."""
    if id(node) in active:  # a recursive alias
        return
    active.add(id(node))
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                continue
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in seen:
                message = f"duplicate key '{key}' (first at line {seen[key]})"
                problems.append(Problem(Location(file, line), message))
                continue
            seen[key] = line
            fields[prefix + key] = Location(file, line)
            _index(value_node, f"{prefix}{key}.", file, fields, problems, active)
        for source in merged:  # keys from `<<: *anchor` point at the anchor's lines
            for mapping in source.value if isinstance(source, SequenceNode) else [source]:
                sub: dict[str, Location] = {}
                _index(mapping, prefix, file, sub, [], active)
                for path, location in sub.items():
                    fields.setdefault(path, location)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            fields[f"{prefix}{i}"] = Location(file, item.start_mark.line + 1)
            _index(item, f"{prefix}{i}.", file, fields, problems, active)
    active.discard(id(node))


def _syntax_problem(file: str, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark else 1
    message = f"YAML syntax error: {err.problem or err.context}"
    if err.context and err.problem:
        context = err.context
        if err.context_mark and err.context_mark.line + 1 != line:
            context += f" at line {err.context_mark.line + 1}"
        message += f" ({context})"
    return Problem(Location(file, line), message)
