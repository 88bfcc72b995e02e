"""Twilio list resources read page by page as plain JSON, through the SDK's client.

``Client.request`` is the twilio SDK's own request path (credentials, headers,
our HttpClient with its host rewriting and GET retries); only the SDK's record
objects are skipped. Building those objects parsed every record's dates and cost
about as much CPU as the rest of planning at 10,000 numbers (docs/benchmarks.md),
and it sat between one page and the request for the next.

Both paging styles are followed: Trust Hub v1's ``meta.next_page_url`` (records
under ``meta.key``) and API 2010's ``next_page_uri`` (records under the
resource's own key).
"""

from __future__ import annotations

import json
from typing import Any

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from cnamctl.twilio.failures import error_body

API_2010 = "https://api.twilio.com"
TRUSTHUB = "https://trusthub.twilio.com"
PAGE_SIZE = 1000

Record = dict[str, Any]


def list_all(client: Client, url: str, *, key: str | None = None, **filters: str) -> list[Record]:
    """Every record of the list at ``url`` (``key``: the records' key in API 2010)."""
    records: list[Record] = []
    next_url: str | None = url
    params: dict[str, object] | None = {**filters, "PageSize": PAGE_SIZE}
    while next_url:
        response = client.request("GET", next_url, params=params)
        if response.status_code != 200:
            raise _error(response, next_url)
        body = json.loads(response.text)
        meta = body.get("meta")
        if isinstance(meta, dict):  # Trust Hub v1
            records.extend(body[meta.get("key") or "results"])
            next_url = meta.get("next_page_url")
        else:  # API 2010
            records.extend(body[key or ""])
            uri = body.get("next_page_uri")
            next_url = API_2010 + uri if uri else None
        params = None  # the next page's URL carries every parameter
    return records


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
