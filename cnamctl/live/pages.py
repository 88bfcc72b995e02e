"""Twilio list resources read page by page as plain JSON, through the SDK's client.

``Client.request`` is the twilio SDK's own request path (credentials, headers,
our HttpClient with its host rewriting, bounds and GET retries); only the SDK's
record objects are skipped. Building those objects parsed every record's dates
and cost about as much CPU as the rest of planning at 10,000 numbers
(docs/benchmarks.md), and it sat between one page and the request for the next.

Both paging styles are followed: Trust Hub v1's ``meta.next_page_url`` (records
under ``meta.key``) and API 2010's ``next_page_uri`` (records under the
resource's own key).

A server is trusted no further than Twilio's paging contract goes. Our
HttpClient checks that paging moves forward and ends (``twilio/paging.py``,
for every listing, the SDK's too); here each page must be the envelope of the
API asked with a list of records, each record an object with the fields
planning reads (``Shape``). Anything else stops the read with NotTwilioError
naming the server and the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from cnamctl.live import typed as typed_pages
from cnamctl.text import inert
from cnamctl.twilio.answers import not_twilio, parsed_body
from cnamctl.twilio.failures import error_body
from cnamctl.twilio.http import RewritingHttpClient
from cnamctl.twilio.paging import next_page_url, page_of
from cnamctl.twilio.url import server_of

API_2010 = "https://api.twilio.com"
TRUSTHUB = "https://trusthub.twilio.com"
PAGE_SIZE = 1000

Record = dict[str, Any]


@dataclass(frozen=True)
class Shape:
    """What each record of a list must hold: ``required`` keys as non-empty strings,
    ``typed`` keys either absent, null, or of that type."""

    required: tuple[str, ...] = ("sid",)
    typed: Mapping[str, type] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.required, *self.typed)

    @property
    def signature(self) -> typed_pages.Fields:
        return self.required, tuple(self.typed.items())

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
    stop: Callable[[], bool] | None = None,
    project: bool = False,
    **filters: str,
) -> list[Record]:
    """Every record of the list at ``url`` (``key``: the records' key in API 2010;
    ``project``: as in ``read_pages``)."""
    params = {**filters, "PageSize": PAGE_SIZE}
    return read_pages(
        client, url, key=key, shape=shape, params=params, stop=stop, project=project
    ).records


class PageRefused(Exception):
    """A page the caller's own check refused (``read_pages(check=...)``), or a read
    the caller stopped: not a server error, the caller decides what follows."""


@dataclass
class Listing:
    """Pages read from a list: their records, and the next page's URL (None: the end)."""

    records: list[Record]
    next_url: str | None
    pages: int


def read_pages(
    client: Client,
    url: str,
    *,
    key: str | None = None,
    shape: Shape | None = None,
    params: Mapping[str, object] | None = None,
    limit: int | None = None,
    first_number: int = 1,
    check: Callable[[list[Record]], str | None] | None = None,
    stop: Callable[[], bool] | None = None,
    project: bool = False,
) -> Listing:
    """The pages of a list from ``url`` on (``params`` go with the first request only;
    a next page's URL carries every parameter), at most ``limit`` of them.
    ``first_number``: the number of the first page, for messages. ``check``: what
    is wrong with a page's records (PageRefused), checked as each page comes;
    ``stop``: when it says so, PageRefused before the next request. ``project``:
    keep of each record only the shape's fields (a page of numbers is 38 fields a
    record, planning reads four: 100,000 numbers are then a tenth of the memory);
    through our HttpClient such pages are decoded straight into those fields
    (``typed.py``), and go the generic way below whenever that cannot be done."""
    shape = shape or Shape()
    server = _server(client, url)
    name = inert(urlsplit(url).path.rsplit("/", 1)[-1], keep_lines=False)
    if params:
        shown = "&".join(f"{k}={v}" for k, v in params.items() if k != "PageSize")
        name += f" ({inert(shown[:60], keep_lines=False)})" if shown else ""
    records: list[Record] = []
    next_url: str | None = url
    request_params = dict(params) if params else None
    number = first_number - 1
    http = client.http_client
    fast = isinstance(http, RewritingHttpClient) and project
    decode = partial(typed_pages.decode, fields=shape.signature, key=key)
    while next_url and (limit is None or number - first_number + 1 < limit):
        if stop is not None and stop():
            raise PageRefused("stopped")
        number += 1
        with http.decoding(decode) if fast else nullcontext():
            response = client.request("GET", next_url, params=request_params)
        if response.status_code != 200:
            raise _error(response, next_url)
        found = _page(parsed_body(response), key)
        if isinstance(found, str):
            raise not_twilio(server, f"page {number} of {name}: {found}")
        page, next_url = found
        projected = getattr(response, "projected", False)  # checked as it was decoded
        if not projected:
            for record in page:
                problem = shape.problem(record)
                if problem:
                    raise not_twilio(server, f"page {number} of {name}: {problem}")
        refused = check(page) if check is not None else None
        if refused:
            raise PageRefused(refused)
        if project and not projected:
            fields = shape.fields
            page = [{k: r[k] for k in fields if k in r} for r in page]
        records.extend(page)
        request_params = None  # the next page's URL carries every parameter
    return Listing(records, next_url, number - first_number + 1)


def _page(body: object, key: str | None) -> tuple[list[Any], str | None] | str:
    """(records, next page's URL) of the API asked for in ``body``, or what is wrong.
    (The HttpClient has checked that the next page stays on this list.)"""
    if not isinstance(body, dict):
        return f"a JSON {_json_kind(body)} where a page belongs"
    page = page_of(body)
    if page is None or page.api_2010 != (key is not None):
        wanted = "'meta' object" if key is None else "'next_page_uri'"
        return f"a page without its {wanted}"
    records = body.get(key) if key is not None else page.records
    if not isinstance(records, list):
        what = "no" if records is None else f"a JSON {_json_kind(records)} as its"
        return f"a page with {what} list of records"
    return records, next_page_url(page)


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
