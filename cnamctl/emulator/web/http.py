"""Reading Twilio requests (query and form, bounded) and writing the answers."""

from __future__ import annotations

import io
import json
from typing import Any

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request

from cnamctl.emulator.domain import errors
from cnamctl.emulator.domain.context import Reply
from cnamctl.emulator.domain.sids import new_sid
from cnamctl.emulator.storage.rendered import Fragments

_SPLICE = "\u0000fragments\u0000"
_SPLICED = json.dumps(_SPLICE).encode()


def buffer_unsized_body(environ: dict[str, Any], limit: int) -> None:
    """Read a body sent without Content-Length (chunked), refusing more than ``limit``.

    werkzeug would cut such a body at its ``max_content_length`` without a word and
    parse the truncated form; buffering it here turns "too large" into a 413 and
    gives the body a Content-Length for the parser.
    """
    if environ.get("CONTENT_LENGTH") or "wsgi.input_terminated" not in environ:
        return
    stream, data = environ["wsgi.input"], bytearray()
    while len(data) <= limit:
        piece = stream.read(min(64 * 1024, limit + 1 - len(data)))
        if not piece:
            break
        data += piece
    if len(data) > limit:
        raise errors.too_large(limit)
    environ["wsgi.input"] = io.BytesIO(bytes(data))
    environ["CONTENT_LENGTH"] = str(len(data))


def parse(environ: dict[str, Any], method: str, limit: int) -> tuple[Any, Any]:
    """Query and form of a request, outside the database lock (bodies can be slow)."""
    buffer_unsized_body(environ, limit)
    request = Request(environ)
    request.max_content_length = limit
    request.max_form_memory_size = limit
    if request.content_length is not None and request.content_length > limit:
        raise errors.too_large(limit)
    try:
        query = request.args
        form = request.form if method == "POST" else {}
    except RequestEntityTooLarge:
        raise errors.too_large(limit) from None
    except (HTTPException, ValueError, UnicodeDecodeError):
        raise errors.bad_request("Malformed request body") from None
    return query, form


def encode(body: Any) -> bytes:
    """JSON of ``body``; a top-level :class:`Fragments` value is spliced in as is."""
    if body is None:
        return b""
    if isinstance(body, dict):
        spliced = [(k, v) for k, v in body.items() if isinstance(v, Fragments)]
        if spliced:
            key, fragments = spliced[0]
            head = json.dumps({**body, key: _SPLICE}).encode("utf-8")
            return head.replace(_SPLICED, fragments.encoded(), 1)
    return json.dumps(body).encode("utf-8")


def respond(start_response: Any, reply: Reply) -> list[bytes]:
    body = encode(reply.body)
    headers = [("Content-Length", str(len(body))), ("Twilio-Request-Id", new_sid("RQ"))]
    if reply.body is not None:
        headers.append(("Content-Type", "application/json"))
    headers.extend(reply.headers.items())
    start_response(f"{reply.status} {HTTP_STATUS_CODES.get(reply.status, 'Unknown')}", headers)
    return [body]
