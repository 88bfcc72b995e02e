"""A stand-in of the GitLab API for the docs/gitops/ pipeline tests: answers the calls
the pipelines' inline helpers make (fixed answers per path), redirects artifact
downloads to an artifact store on another host, and records every request."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROJECT = "/api/v4/projects/7"

Answer = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class Seen:
    server: str  # "api" or "store"
    method: str
    path: str
    token: str | None  # the PRIVATE-TOKEN header
    body: Any  # the JSON body of a POST or PUT


class FakeGitLab:
    """``answers``: JSON answers by path under the project (``/merge_requests/5/notes?...``);
    ``artifacts``: archive bytes by job id, served by the store after a redirect."""

    def __init__(self, answers: dict[str, Any], artifacts: dict[int, bytes] | None = None):
        self.answers = answers
        self.artifacts = artifacts or {}
        self.seen: list[Seen] = []
        self.api = self._server("api", self._api)
        self.store = self._server("store", self._store)

    def _server(self, label: str, route: Callable[[str, str], Answer]) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                token = self.headers.get("PRIVATE-TOKEN")
                fake.seen.append(Seen(label, self.command, self.path, token, body))
                status, headers, answer = route(self.command, self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args: Any) -> None:
                return None

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def url(self, server: ThreadingHTTPServer) -> str:
        return f"http://127.0.0.1:{server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.url(self.api)}/api/v4"

    def _api(self, method: str, path: str) -> Answer:
        if not path.startswith(PROJECT):
            return 404, {}, b"{}"
        local = path.removeprefix(PROJECT)
        for job, _ in self.artifacts.items():
            if method == "GET" and local == f"/jobs/{job}/artifacts":
                location = f"{self.url(self.store)}/archive/{job}.zip?signed=1"
                return 302, {"Location": location}, b""
        if method in ("POST", "PUT"):
            return 201, {"Content-Type": "application/json"}, b"{}"
        if local in self.answers:
            body = json.dumps(self.answers[local]).encode()
            return 200, {"Content-Type": "application/json"}, body
        return 404, {}, b"{}"

    def _store(self, method: str, path: str) -> Answer:
        job = int(path.split("/archive/", 1)[1].split(".zip", 1)[0])
        return 200, {"Content-Type": "application/zip"}, self.artifacts[job]

    def close(self) -> None:
        for server in (self.api, self.store):
            server.shutdown()
            server.server_close()


@contextmanager
def gitlab(
    answers: dict[str, Any], artifacts: dict[int, bytes] | None = None
) -> Iterator[FakeGitLab]:
    fake = FakeGitLab(answers, artifacts)
    try:
        yield fake
    finally:
        fake.close()
