"""What an answer from Twilio's API looks like, and the error for anything else.

Every answer of the APIs cnamctl uses has a JSON object as its body: a resource,
a page, or an error document (``code``, ``message``, ``more_info``, ``status``),
except ``204 No Content`` to a DELETE. So an HTML page with status 200 (a
captive portal, a web server at a wrong ``--api-url``), a JSON list, a redirect
to a login page or an empty 200 is not Twilio, and is reported as such instead
of being half-understood.

429 and 5xx answers pass whatever their body: load balancers and proxies answer
those with HTML too, and they are retried (reads) or read back (writes) as what
they are.

Bodies are decoded with orjson: a 1,000-item page of numbers is 1.1 MB of JSON,
and decoding was the largest part of cnamctl's CPU in reading a 100,000-number
account (docs/benchmarks.md); orjson takes about 60% of the stdlib's time on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson
from twilio.http.response import Response

from cnamctl.errors import NotTwilioError
from cnamctl.text import inert, quoted, shorten
from cnamctl.twilio.retry import RETRYABLE_STATUS
from cnamctl.twilio.url import server_of

NO_CONTENT = 204
EXCERPT_CHARS = 60


class Answer(Response):
    """The SDK's Response, plus the body already parsed (``None`` when it has none);
    ``projected``: by the caller's decoder (``RewritingHttpClient.decoding``), its
    records already checked and holding only the fields the caller reads.
    ``text`` may be given as a function, called when the text is first read: a page
    decoded from its bytes is seldom read as text."""

    def __init__(
        self,
        status_code: int,
        text: str | Callable[[], str],
        headers: Any,
        body: dict[str, Any] | None,
        *,
        projected: bool = False,
    ) -> None:
        super().__init__(status_code, "", headers)
        self._text = text
        self.body = body
        self.projected = projected

    @property  # type: ignore[override]  # the SDK's Response keeps its text as ``content``
    def content(self) -> str:
        if not isinstance(self._text, str):
            self._text = self._text()
        return self._text

    @content.setter
    def content(self, value: str) -> None:
        self._text = value


def parse_answer(
    server: str, status: int, text: str, headers: Mapping[str, str] | None
) -> dict[str, Any] | None:
    """The JSON object of a Twilio answer; raises NotTwilioError for anything else."""
    if status in RETRYABLE_STATUS or (status == NO_CONTENT and not text.strip()):
        return None
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:  # a ValueError
        body = None
    if isinstance(body, dict):
        return body
    raise not_twilio(server, describe(status, text, headers))


def describe(status: int, text: str, headers: Mapping[str, str] | None) -> str:
    """``HTTP 200, text/html: '<html>…' (5,120 characters)``: a short, inert excerpt."""
    headers = headers or {}
    kind = str(headers.get("Content-Type") or "no content type").split(";")[0].strip()
    parts = [f"HTTP {status}", inert(shorten(kind, 40), keep_lines=False)]
    location = headers.get("Location")
    if location and 300 <= status < 400:
        parts.append(f"redirecting to {server_of(str(location))}")
    stripped = text.strip()
    parts.append(quoted(stripped, EXCERPT_CHARS) if stripped else "empty body")
    return ", ".join(parts)


def not_twilio(server: str, what: str) -> NotTwilioError:
    return NotTwilioError(
        f"the server at {server} answered something that is not Twilio's API ({what})"
    )


def parsed_body(response: Response) -> Any:
    """The parsed body of ``response`` (parsed once, by our HttpClient, when it made it)."""
    if isinstance(response, Answer):
        return response.body
    try:
        return orjson.loads(response.text)
    except orjson.JSONDecodeError:
        return None
