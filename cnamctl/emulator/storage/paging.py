"""List paging: keyset pagination on SID, in both APIs' envelope styles.

A page is ``ORDER BY sid LIMIT PageSize+1`` after (or before) the SID carried by the
PageToken, so every page costs the same however deep it is. Tokens are ``PA<sid>``
(next: rows after sid) and ``PB<sid>`` (previous: rows before sid). ``Page`` is only
echoed back, as Twilio says it is "simply for client state".

Trust Hub (v1) pages carry ``meta`` with absolute URLs on trusthub.twilio.com; API
2010 pages carry relative ``*_page_uri`` fields plus ``start``/``end``. The twilio
SDK follows either (``Page.next_page_url``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from cnamctl.emulator.domain import errors
from cnamctl.emulator.storage.rendered import Fragments

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

T = TypeVar("T")
Records = list[Any] | Fragments  # resources as dicts, or already encoded


@dataclass(frozen=True)
class PageRequest:
    page_size: int = DEFAULT_PAGE_SIZE
    page: int = 0
    token: str | None = None

    @property
    def after(self) -> str | None:
        return self.token[2:] if self.token and self.token.startswith("PA") else None

    @property
    def before(self) -> str | None:
        return self.token[2:] if self.token and self.token.startswith("PB") else None


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_token: str | None
    previous_token: str | None


def _int_param(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise errors.invalid_param(name, "must be an integer") from None


def parse_page_request(query: Mapping[str, str]) -> PageRequest:
    size = _int_param(query, "PageSize", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise errors.page_size_too_large(size, MAX_PAGE_SIZE)
    if size < 1:
        raise errors.invalid_param("PageSize", "must be at least 1")
    page = _int_param(query, "Page", 0)
    if page < 0:
        raise errors.invalid_param("Page", "must be at least 0")
    token = query.get("PageToken") or None
    if token is not None and (len(token) < 3 or token[:2] not in ("PA", "PB")):
        raise errors.invalid_param("PageToken")
    if page > 0 and token is None:
        raise errors.page_token_required()
    return PageRequest(page_size=size, page=page, token=token)


def sql_page(
    conn: sqlite3.Connection,
    table: str,
    where: str,
    args: Sequence[Any],
    req: PageRequest,
    *,
    columns: str = "*",
    exclude: Collection[str] = (),
) -> Page:
    """``SELECT columns FROM table WHERE where``, one keyset page (``sid`` is the key),
    leaving out the SIDs in ``exclude``."""
    select = f"SELECT {columns} FROM {table}"
    if exclude:
        where = f"{where} AND sid NOT IN ({', '.join('?' * len(exclude))})"
        args = (*args, *exclude)
    if req.before is not None:
        rows = conn.execute(
            f"{select} WHERE {where} AND sid < ? ORDER BY sid DESC LIMIT ?",
            (*args, req.before, req.page_size + 1),
        ).fetchall()
        more_before = len(rows) > req.page_size
        rows = rows[: req.page_size][::-1]
        return _page(list(rows), has_next=True, has_previous=more_before)
    after = req.after
    if after is not None:
        where, args = f"{where} AND sid > ?", (*args, after)
    rows = conn.execute(
        f"{select} WHERE {where} ORDER BY sid LIMIT ?", (*args, req.page_size + 1)
    ).fetchall()
    has_next = len(rows) > req.page_size
    return _page(list(rows[: req.page_size]), has_next=has_next, has_previous=after is not None)


def static_page(items: Sequence[T], sid_of: Callable[[T], str], req: PageRequest) -> Page:
    """The same keyset paging over an in-memory sequence."""
    ordered = sorted(items, key=sid_of)
    if req.before is not None:
        earlier = [item for item in ordered if sid_of(item) < req.before]
        chunk = earlier[-req.page_size :]
        return _page(chunk, has_next=True, has_previous=len(earlier) > req.page_size, sid_of=sid_of)
    after = req.after
    later = [item for item in ordered if after is None or sid_of(item) > after]
    return _page(
        later[: req.page_size],
        has_next=len(later) > req.page_size,
        has_previous=after is not None,
        sid_of=sid_of,
    )


def _row_sid(row: Any) -> str:
    return str(row["sid"])


def _page(
    items: list[Any], *, has_next: bool, has_previous: bool, sid_of: Callable[[Any], str] = _row_sid
) -> Page:
    if not items:
        return Page(items, None, None)
    return Page(
        items,
        next_token=f"PA{sid_of(items[-1])}" if has_next else None,
        previous_token=f"PB{sid_of(items[0])}" if has_previous else None,
    )


def _link(
    base: str, filters: Sequence[tuple[str, str]], size: int, page: int, token: str | None
) -> str:
    params = [*filters, ("PageSize", str(size)), ("Page", str(page))]
    if token:
        params.append(("PageToken", token))
    return f"{base}?{urlencode(params)}"


def v1_envelope(
    url: str, filters: Sequence[tuple[str, str]], req: PageRequest, page: Page, records: Records
) -> dict[str, Any]:
    """A Trust Hub list body: ``results`` plus ``meta`` with absolute URLs."""
    size = req.page_size
    return {
        "results": records,
        "meta": {
            "page": req.page,
            "page_size": size,
            "first_page_url": _link(url, filters, size, 0, None),
            "previous_page_url": (
                _link(url, filters, size, max(req.page - 1, 0), page.previous_token)
                if page.previous_token
                else None
            ),
            "url": _link(url, filters, size, req.page, req.token),
            "next_page_url": (
                _link(url, filters, size, req.page + 1, page.next_token)
                if page.next_token
                else None
            ),
            "key": "results",
        },
    }


def api2010_envelope(
    key: str,
    uri: str,
    filters: Sequence[tuple[str, str]],
    req: PageRequest,
    page: Page,
    records: Records,
) -> dict[str, Any]:
    """An API 2010 list body: ``key`` plus relative ``*_page_uri`` and start/end."""
    size = req.page_size
    start = req.page * size
    return {
        key: records,
        "first_page_uri": _link(uri, filters, size, 0, None),
        "next_page_uri": (
            _link(uri, filters, size, req.page + 1, page.next_token) if page.next_token else None
        ),
        "previous_page_uri": (
            _link(uri, filters, size, max(req.page - 1, 0), page.previous_token)
            if page.previous_token
            else None
        ),
        "page": req.page,
        "page_size": size,
        "start": start,
        "end": start + max(len(page.items) - 1, 0),
        "uri": _link(uri, filters, size, req.page, req.token),
    }
