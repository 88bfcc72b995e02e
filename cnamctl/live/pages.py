"""Twilio list resources read page by page as plain JSON, through the SDK's client.

``Client.request`` is the twilio SDK's own request path (credentials, headers,
our HttpClient with its host rewriting, bounds and GET retries); only the SDK's
record objects are skipped. Building those objects parsed every record's dates
and cost about as much CPU as the rest of planning at 10,000 numbers
(docs/benchmarks.md), and it sat between one page and the request for the next.

Both paging styles are followed: Trust Hub v1's ``meta.next_page_url`` (records
under ``meta.key``) and API 2010's ``next_page_uri`` (records under the
resource's own key).

A server is trusted no further than Twilio's paging contract goes. A page must
be the envelope of its API with a list of records, each record an object with
the fields planning reads (``Shape``); the next page is on the same resource of
the same Twilio host; paging moves forward (a next link seen before, a record
SID seen on an earlier page, a page larger than asked for, or two empty pages in
a row that still point further) and ends (at most ``MAX_PAGES`` pages and
``MAX_RECORDS`` records per list). Anything else stops the read with
NotTwilioError naming the server and the page: a page whose next link never
ends costs two requests, not seventeen thousand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from cnamctl.errors import NotTwilioError
from cnamctl.text import inert
from cnamctl.twilio.answers import not_twilio, parsed_body
from cnamctl.twilio.failures import error_body
from cnamctl.twilio.http import RewritingHttpClient
from cnamctl.twilio.url import server_of

API_2010 = "https://api.twilio.com"
TRUSTHUB = "https://trusthub.twilio.com"
PAGE_SIZE = 1000
MAX_PAGES = 5_000  # 5 million records at PageSize 1000: far beyond any account
MAX_RECORDS = 2_000_000

Record = dict[str, Any]


@dataclass(frozen=True)
class Shape:
    """What each record of a list must hold: ``required`` keys as non-empty strings,
    ``typed`` keys either absent, null, or of that type."""

    required: tuple[str, ...] = ("sid",)
    typed: Mapping[str, type] = field(default_factory=dict)

    def problem(self, record: object) -> str | None:
        if not isinstance(record, dict):
            return f"a record is a JSON {_json_kind(record)}, not an object"
        for name in self.required:
            value = record.get(name)
            if not isinstance(value, str) or not value:
                return f"a record has no {name!r} string"
        for name, kind in self.typed.items():
            value = record.get(name)
            if value is not None and not isinstance(value, kind):
                return f"{name!r} of {inert(str(record['sid'])[:40])} is a JSON {_json_kind(value)}"
        return None


def list_all(
    client: Client,
    url: str,
    *,
    key: str | None = None,
    shape: Shape | None = None,
    **filters: str,
) -> list[Record]:
    """Every record of the list at ``url`` (``key``: the records' key in API 2010)."""
    pager = _Pager(url, _server(client, url), key, shape or Shape())
    next_url: str | None = url
    params: dict[str, object] | None = {**filters, "PageSize": PAGE_SIZE}
    while next_url:
        response = client.request("GET", next_url, params=params)
        if response.status_code != 200:
            raise _error(response, next_url)
        next_url = pager.take(parsed_body(response), next_url)
        params = None  # the next page's URL carries every parameter
    return pager.records


class _Pager:
    """The records read so far, and the checks that paging still moves forward."""

    def __init__(self, url: str, server: str, key: str | None, shape: Shape) -> None:
        self.first = urlsplit(url)
        self.server = server
        self.key = key  # None: Trust Hub v1 paging
        self.shape = shape
        self.name = inert(self.first.path.rsplit("/", 1)[-1], keep_lines=False)
        self.records: list[Record] = []
        self.sids: set[str] = set()
        self.visited: set[str] = set()
        self.pages = 0
        self.empty_run = 0
        self.last_index: int | None = None

    def take(self, body: object, url: str) -> str | None:
        """Keep the page's records; the next page's URL, or None at the end."""
        self.pages += 1
        self.visited.add(url)
        if not isinstance(body, dict):
            raise self._fail(f"a JSON {_json_kind(body)} where a page belongs")
        records, next_url, index = self._envelope(body)
        if len(records) > PAGE_SIZE:
            raise self._fail(f"{len(records):,} records where at most {PAGE_SIZE:,} were asked for")
        if isinstance(index, int) and self.last_index is not None and index != self.last_index + 1:
            raise self._fail(f"page number {index} after page number {self.last_index}")
        self.last_index = index if isinstance(index, int) else None
        for record in records:
            problem = self.shape.problem(record)
            if problem:
                raise self._fail(problem)
            sid = record["sid"]
            if sid in self.sids:
                raise self._fail(f"{inert(sid[:40])} again, already listed on an earlier page")
            self.sids.add(sid)
        self.records.extend(records)
        self.empty_run = 0 if records else self.empty_run + 1
        if next_url is None:
            return None
        if next_url in self.visited:
            raise self._fail("a link to a page already read")
        if self.empty_run >= 2:
            raise self._fail("empty pages that keep pointing to another page")
        if self.pages >= MAX_PAGES or len(self.records) >= MAX_RECORDS:
            raise self._fail(
                f"more than {self.pages:,} pages ({len(self.records):,} records) and "
                "still a next page; Twilio's lists end long before"
            )
        return next_url

    def _envelope(self, body: dict[str, Any]) -> tuple[list[Any], str | None, object]:
        """(records, absolute next-page URL or None, the page number the page reports)."""
        if self.key is None:  # Trust Hub v1
            meta = body.get("meta")
            if not isinstance(meta, dict):
                raise self._fail("a page without its 'meta' object")
            records = body.get(meta.get("key") or "results")
            link = meta.get("next_page_url")
            next_url = self._same_list(link, absolute=True)
            index = meta.get("page")
        else:  # API 2010
            records = body.get(self.key)
            link = body.get("next_page_uri")
            next_url = self._same_list(link, absolute=False)
            index = body.get("page")
        if not isinstance(records, list):
            what = "no" if records is None else f"a JSON {_json_kind(records)} as its"
            raise self._fail(f"a page with {what} list of records")
        return records, next_url, index

    def _same_list(self, link: object, *, absolute: bool) -> str | None:
        """``link`` as an absolute URL, when it is a further page of the same list."""
        if link is None or link == "":
            return None
        if not isinstance(link, str):
            raise self._fail(f"a next-page link that is a JSON {_json_kind(link)}")
        url = link if absolute else API_2010 + link
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc, parts.path) != (
            self.first.scheme,
            self.first.netloc,
            self.first.path,
        ):
            raise self._fail(f"a next-page link away from this list (to {server_of(url)})")
        return url

    def _fail(self, what: str) -> NotTwilioError:
        return not_twilio(self.server, f"page {self.pages} of {self.name}: {what}")


def _server(client: Client, url: str) -> str:
    http = client.http_client
    return http.server(url) if isinstance(http, RewritingHttpClient) else server_of(url)


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {dict: "object", list: "list", str: "string", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _error(response: Any, url: str) -> TwilioRestException:
    body = error_body(response.text)
    code = body.get("code")
    return TwilioRestException(
        response.status_code,
        url,
        str(body.get("message", "")),
        code if isinstance(code, int) else None,
        method="GET",
    )
