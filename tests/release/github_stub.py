"""A local stand-in for api.github.com: replays a recorded exchange, or keeps state.

``Replay`` answers each request with the next recorded answer after checking
that the request is the recorded one (method, path with query, JSON body, the
bearer token); anything else is a mismatch the test reports. ``{api}`` in a
recorded answer is the stub's own base URL (Link headers, ``url`` fields).
``Stateful`` is a tiny GitHub holding one pull request's comments, for runs
that must converge whatever happened before.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "ghs_test-token-never-printed"


class Replay:
    def __init__(self, interactions: list[dict[str, Any]]) -> None:
        self.pending = list(interactions)
        self.mismatches: list[str] = []
        self.base = ""

    def answer(
        self, method: str, path: str, auth: str, body: Any
    ) -> tuple[int, dict[str, str], Any]:
        if auth != f"Bearer {TOKEN}":
            self.mismatches.append(f"{method} {path}: Authorization {auth!r}")
        if not self.pending:
            self.mismatches.append(f"unexpected {method} {path}")
            return 599, {}, {"message": "not in the recording"}
        expected = self.pending.pop(0)
        want = expected["request"]
        got = {"method": method, "path": path, **({"body": body} if body is not None else {})}
        if got != want:
            self.mismatches.append(f"expected {want}, got {got}")
        response = json.loads(json.dumps(expected["response"]).replace("{api}", self.base))
        return response["status"], response.get("headers", {}), response.get("body")


class Stateful:
    """Comments of pull request 7 of octo-org/brand-manifests, in memory."""

    def __init__(self) -> None:
        self.comments: list[dict[str, Any]] = []
        self.next_id = 1
        self.base = ""
        self.mismatches: list[str] = []

    def answer(
        self, method: str, path: str, auth: str, body: Any
    ) -> tuple[int, dict[str, str], Any]:
        issue = "/repos/octo-org/brand-manifests/issues/7/comments"
        one = "/repos/octo-org/brand-manifests/issues/comments/"
        if method == "GET" and path.split("?")[0] == issue:
            return 200, {}, self.comments
        if method == "POST" and path == issue:
            made = {
                "id": self.next_id,
                "body": body["body"],
                "user": {"login": "github-actions[bot]"},
                "html_url": f"https://github.com/octo-org/brand-manifests/pull/7#issuecomment-{self.next_id}",
            }
            self.next_id += 1
            self.comments.append(made)
            return 201, {}, made
        if path.startswith(one):
            comment_id = int(path[len(one) :])
            found = next(c for c in self.comments if c["id"] == comment_id)
            if method == "PATCH":
                found["body"] = body["body"]
                return 200, {}, found
            if method == "DELETE":
                self.comments.remove(found)
                return 204, {}, None
        self.mismatches.append(f"unexpected {method} {path}")
        return 404, {}, {"message": "Not Found"}


@contextmanager
def serve(github: Replay | Stateful) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            status, headers, answer = github.answer(
                self.command, self.path, self.headers.get("Authorization", ""), body
            )
            data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    github.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield github.base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
