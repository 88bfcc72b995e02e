"""Paging that moves forward and ends, for every list read through our HttpClient.

Both cnamctl's own page reader (``live/pages.py``) and the twilio SDK's
``.list()`` calls (apply's read-backs, ``status``) follow the next-page link a
server puts in each page, for as long as there is one. A server that repeats a
link, or makes up fresh ones for ever, would keep them reading (a page whose
``next_page_url`` never ended cost 17,000 requests before this check). So every
GET answer shaped like a page of either API (Trust Hub v1's ``meta``, API 2010's
``next_page_uri``) is checked against what came before it on the same thread,
where one listing's pages are read one after the other:

* a GET of a list resource (a URL not ending in a SID) answers with a page;
* a listing starts with a request that is not the previous page's next link;
* each record is an object with a ``sid`` string, listed once in the listing;
* a page holds at most ``MAX_PAGE_SIZE`` records (Twilio's largest PageSize);
* the reported page number goes up by one;
* the next link stays on the listing's resource (same scheme, host and path),
  is not a page already read, and does not follow two empty pages in a row;
* a listing ends within ``MAX_PAGES`` pages and ``MAX_RECORDS`` records.

Anything else is NotTwilioError naming the server and the page, raised before
the next request: a repeated link costs two requests, not seventeen thousand.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cnamctl.errors import NotTwilioError
from cnamctl.text import inert
from cnamctl.twilio.answers import not_twilio
from cnamctl.twilio.url import server_of

API_2010 = "https://api.twilio.com"
MAX_PAGE_SIZE = 1000
MAX_PAGES = 5_000  # 5 million records at PageSize 1000: far beyond any account
MAX_RECORDS = 2_000_000
# API 2010 page fields other than the records' list (the SDK's ListResource keys).
_META_2010 = frozenset(
    {"end", "first_page_uri", "next_page_uri", "last_page_uri", "page", "page_size",
     "previous_page_uri", "total", "num_pages", "start", "uri"}
)  # fmt: skip


@dataclass(frozen=True)
class Page:
    records: object  # should be a list; checked by the caller that knows the list
    next_link: object  # as given: an absolute URL (v1), a path (2010), None or ""
    index: object  # the page number the page reports, if any
    api_2010: bool


def page_of(body: dict[str, Any]) -> Page | None:
    """The page in an answer's body, or None when the answer is not a page."""
    meta = body.get("meta")
    if isinstance(meta, dict) and ("next_page_url" in meta or "key" in meta):
        records = body.get(meta.get("key") or "results")
        return Page(records, meta.get("next_page_url"), meta.get("page"), api_2010=False)
    if "next_page_uri" in body:
        lists = [k for k in body if k not in _META_2010]
        records = body[lists[0]] if len(lists) == 1 else None
        return Page(records, body.get("next_page_uri"), body.get("page"), api_2010=True)
    return None


_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")


def is_list_url(url: str) -> bool:
    """Whether ``url`` names a list resource: Twilio's instance URLs end with a SID
    (``/v1/TrustProducts/BU...``, ``/2010-04-01/Accounts/AC....json``), lists with
    a collection's name (``/v1/TrustProducts``, ``.../IncomingPhoneNumbers.json``)."""
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    return bool(last) and not _SID.fullmatch(last) and last[:1].isupper()


def next_page_url(page: Page) -> str | None:
    """The absolute URL of the page after ``page`` (None: the last page)."""
    link = page.next_link
    if not isinstance(link, str) or not link:
        return None
    return API_2010 + link if page.api_2010 and link.startswith("/") else link


@dataclass
class _Listing:
    """The pages of one listing read so far."""

    first: tuple[str, str, str]  # scheme, host, path of its first page
    server: str
    name: str
    visited: set[str] = field(default_factory=set)
    sids: set[str] = field(default_factory=set)
    pages: int = 0
    records: int = 0
    empty_run: int = 0
    last_index: int | None = None
    next_url: str | None = None

    def take(self, url: str, page: Page) -> None:
        self.pages += 1
        self.visited.add(url)
        records = page.records if isinstance(page.records, list) else []
        if len(records) > MAX_PAGE_SIZE:
            raise self.fail(
                f"{len(records):,} records on one page (Twilio sends {MAX_PAGE_SIZE:,} at most)"
            )
        self._add_sids(records)
        self.records += len(records)
        self.empty_run = 0 if records else self.empty_run + 1
        self.next_url = self._next(page)
        index = (
            page.index if isinstance(page.index, int) and not isinstance(page.index, bool) else None
        )
        if index is not None and self.last_index is not None and index != self.last_index + 1:
            raise self.fail(f"page number {index} after page number {self.last_index}")
        self.last_index = index

    def _add_sids(self, records: list[Any]) -> None:
        """Each record an object with a ``sid`` string not seen before in this listing.
        (Set operations for the usual page; the record at fault is looked for only then.)"""
        try:
            sids = [record["sid"] for record in records]
        except (TypeError, KeyError, IndexError):
            sids = None
        if sids is not None and all(type(sid) is str and sid for sid in sids):
            fresh = set(sids)
            if len(fresh) == len(sids) and self.sids.isdisjoint(fresh):
                self.sids |= fresh
                return
        seen: set[str] = set()
        for record in records:
            sid = record.get("sid") if isinstance(record, dict) else None
            if not isinstance(sid, str) or not sid:
                raise self.fail("a record that is not an object with a 'sid'")
            if sid in seen or sid in self.sids:
                raise self.fail(f"{inert(sid[:40])} listed a second time")
            seen.add(sid)

    def _next(self, page: Page) -> str | None:
        if page.next_link not in (None, "") and not isinstance(page.next_link, str):
            raise self.fail("a next-page link that is not a string")
        url = next_page_url(page)
        if url is None:
            return None
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc, parts.path) != self.first:
            raise self.fail(f"a next-page link away from this list (to {server_of(url)})")
        if url in self.visited:
            raise self.fail("a link to a page already read")
        if self.empty_run >= 2:
            raise self.fail("empty pages that keep pointing to another page")
        if self.pages >= MAX_PAGES or self.records >= MAX_RECORDS:
            raise self.fail(
                f"more than {self.pages:,} pages ({self.records:,} records) and still a "
                "next page; Twilio's lists end long before"
            )
        return url

    def fail(self, what: str) -> NotTwilioError:
        return not_twilio(self.server, f"page {self.pages} of {self.name}: {what}")


class PagingGuard:
    """The listing each thread is reading (a thread reads one listing at a time). A
    listing may go on in another thread (the numbers' first page is read alone, and
    the rest of the list after it, live/shards.py): a request for a listing's next
    link continues that listing wherever it is sent from."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._next: dict[str, _Listing] = {}  # each unfinished listing, by its next link

    def check(self, url: str, body: dict[str, Any], server: str) -> None:
        """Check the answer ``body`` to a GET of ``url``; NotTwilioError when paging broke."""
        page = page_of(body)
        if page is None:
            if is_list_url(url):
                name = inert(urlsplit(url).path.rsplit("/", 1)[-1], keep_lines=False)
                raise not_twilio(
                    server, f"{name}: a JSON object without paging where a list belongs"
                )
            return
        current: _Listing | None = getattr(self._local, "listing", None)
        with self._lock:
            handed = self._next.pop(url, None)
        if current is None or url != current.next_url:
            current = handed
            if current is None:
                parts = urlsplit(url)
                name = inert(parts.path.rsplit("/", 1)[-1], keep_lines=False)
                current = _Listing((parts.scheme, parts.netloc, parts.path), server, name)
            self._local.listing = current
        current.take(url, page)
        if current.next_url is not None:
            with self._lock:
                self._next[current.next_url] = current
