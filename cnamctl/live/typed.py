"""Pages decoded with only the fields planning reads, checked as they are decoded.

A page of 1,000 numbers is 1.1 MB of JSON and 38 fields a record; planning keeps
four (``pages.Shape``). Decoded generically, every field of every record became a
Python object first, then the records were checked and projected one by one: at
100,000 numbers that was about a third of cnamctl's CPU in reading the account
(bench/analysis.md, fourth round). msgspec decodes the records' list straight
into dicts of the shape's fields, checking each type as it goes, and skips the
rest of each record without building it.

This is a fast path and nothing more. The result is the page the generic path
would have given after its checks and projection: every envelope key decoded
generically, the records of the list the page itself names (``paging.page_of``)
holding exactly the shape's fields that are present. Whenever that cannot be
said at once — the body is not a JSON object, the page names another list, a
record fails a check — ``decode`` returns None and the answer goes the generic
way, which words the problem as it always has.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, NotRequired, TypedDict

import msgspec
import orjson

from cnamctl.twilio.paging import page_of

_NON_EMPTY = Annotated[str, msgspec.Meta(min_length=1)]
_ENVELOPE = msgspec.json.Decoder(dict[str, msgspec.Raw])


Fields = tuple[tuple[str, ...], tuple[tuple[str, type], ...]]  # a Shape's, hashable


def decode(text: str | bytes, fields: Fields, key: str | None) -> dict[str, Any] | None:
    """The page in ``text`` (or in its UTF-8 bytes) with its records projected onto
    ``fields`` (a Shape's required and typed fields; ``key``: the records' key in API
    2010, else Trust Hub's ``results``), or None: decode it generically."""
    records_key = key or "results"
    try:
        envelope = _ENVELOPE.decode(text)
        raw = envelope.get(records_key)
        if raw is None:
            return None
        body: dict[str, Any] = {
            name: orjson.loads(bytes(value))
            for name, value in envelope.items()
            if name != records_key
        }
        body[records_key] = _records_decoder(fields).decode(raw)
    except (msgspec.MsgspecError, orjson.JSONDecodeError):
        return None
    page = page_of(body)  # read as pages.py reads it: API 2010's records under ``key``,
    if page is None or page.api_2010 != (key is not None):  # Trust Hub's under meta.key
        return None
    if key is None and page.records is not body[records_key]:
        return None  # the page names another list as its records: the generic way
    return body


@cache
def _records_decoder(fields: Fields) -> msgspec.json.Decoder[list[Any]]:
    """A list of records, each an object with the required fields as non-empty
    strings and the typed fields absent, null or of their type."""
    required, typed = fields
    members: dict[str, Any] = {name: _NON_EMPTY for name in required}
    for name, kind in typed:
        value = dict[str, Any] if kind is dict else list[Any] if kind is list else kind
        members[name] = NotRequired[value | None]  # type: ignore[valid-type]
    record = TypedDict("Record", members)  # type: ignore[misc]
    return msgspec.json.Decoder(list[record])  # type: ignore[valid-type]
