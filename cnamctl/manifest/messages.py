"""Pydantic validation errors as manifest problems: one plain sentence each,
located at the offending key or list item."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from cnamctl.errors import Problem
from cnamctl.manifest.excerpts import cite
from cnamctl.manifest.locations import nearest_location
from cnamctl.manifest.model import NAME_PATTERN, SID_PATTERN
from cnamctl.manifest.suggest import close_match
from cnamctl.manifest.yamlsource import RawDocument
from cnamctl.text import shorten

_EXPECTED = {
    "string_type": "a string",
    "bool_type": "a boolean (true or false)",
    "int_type": "an integer",
    "float_type": "a number",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_PATTERNS = {
    NAME_PATTERN: "letters, digits, '.', '_' and '-', starting with a letter or digit",
    SID_PATTERN: "'BU' followed by 32 hexadecimal digits",
}
_PHONE_KEYS = {"phoneNumber", "phoneNumbers"}


def describe(value: Any) -> str:
    """A YAML-minded description of a value: ``the string 'yes'``, ``a list``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {shorten(str(value))}"
    if isinstance(value, str):
        return f"the string {cite(value)}"
    return kind_of(value)


def kind_of(value: Any) -> str:
    """What kind of value this is, without quoting it: ``a string``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return {"datetime": "a date and time", "date": "a date", "bytes": "binary data"}.get(
        type(value).__name__, "a value"
    )


def validation_problems(
    errors: Iterable[ErrorDetails], doc: RawDocument, model: type[BaseModel]
) -> list[Problem]:
    """The problems for the pydantic errors raised validating ``doc`` as ``model``.

    A missing key that an unknown key was suggested for (``displayname`` ->
    ``displayName``) is not reported twice.
    """
    problems: list[Problem] = []
    suggested: set[tuple[str, ...]] = set()
    missing: list[list[str]] = []
    for error in errors:
        loc = [str(part) for part in error["loc"]]
        path, parent = ".".join(loc), ".".join(loc[:-1])
        where = f" in {cite(parent)}" if parent else ""
        location = nearest_location(doc.fields, path, doc.source)
        if error["type"] == "missing":
            missing.append(loc)
        elif error["type"] == "invalid_key":
            message = f"unknown key {cite(loc[-1])}{where} (keys are strings)"
            problems.append(Problem(location, message))
        elif error["type"] == "extra_forbidden":
            match = close_match(loc[-1], _keys(model, loc[:-1]))
            hint = f" (did you mean '{match}'?)" if match else ""
            if match:
                suggested.add((*loc[:-1], match))
            problems.append(Problem(location, f"unknown key {cite(loc[-1])}{where}{hint}"))
        else:
            detail = _detail(error, loc)
            problems.append(Problem(location, f"{path}: {detail}" if path else detail))
    for loc in missing:
        if tuple(loc) not in suggested:
            parent = ".".join(loc[:-1])
            where = f" in '{parent}'" if parent else ""
            location = nearest_location(doc.fields, parent, doc.source)
            problems.append(Problem(location, f"missing required key '{loc[-1]}'{where}"))
    return problems


def _detail(error: ErrorDetails, loc: list[str]) -> str:
    kind, value, ctx = error["type"], error["input"], error.get("ctx", {})
    if kind in _EXPECTED:
        detail = f"expected {_EXPECTED[kind]}, got {describe(value)}"
        if isinstance(value, int) and _PHONE_KEYS.intersection(loc):
            detail += ' (quote phone numbers: "+14155550100")'
        return detail
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"too long ({len(value):,} characters, at most {ctx['max_length']})"
    if kind == "string_pattern_mismatch":
        rule = _PATTERNS.get(ctx.get("pattern", ""), f"must match {ctx.get('pattern')}")
        return f"{cite(value)} is not valid: {rule}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']:g}, got {value:g}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']:g}, got {value:g}"
    return str(error["msg"])


def _keys(model: type[BaseModel], loc: list[str]) -> list[str]:
    """The keys allowed at ``loc`` inside ``model`` (empty if not a nested model)."""
    current: type[BaseModel] | None = model
    for part in loc:
        by_alias = {f.alias or n: f for n, f in current.model_fields.items()} if current else {}
        field = by_alias.get(part)
        annotation = field.annotation if field else None
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        current = annotation if is_model else None  # type: ignore[assignment]
    if current is None:
        return []
    return [f.alias or n for n, f in current.model_fields.items()]
