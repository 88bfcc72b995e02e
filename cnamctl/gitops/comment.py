"""Keep ONE pull-request comment up to date: ``python -m cnamctl.gitops.comment``.

Used by the repository's GitHub Action (action.yml) and usable from any
workflow. Standard library only: the GitHub REST API over urllib.

The comment is recognised by a hidden marker on its first line
(``<!-- cnamctl-plan -->`` by default; ``--marker NAME`` for several plans in
one pull request). Each run lists the pull request's comments (ascending IDs,
so the oldest first), then:

- none carries the marker: create one;
- one does: update it, unless its body is already the same (no edit, no noise);
- several do (two first runs raced): update the oldest and delete the younger
  ones written by the same author, so the pull request converges to one comment.
  Comments by anyone else are never touched.

Environment: GITHUB_TOKEN (required), GITHUB_REPOSITORY, GITHUB_API_URL, and
GITHUB_EVENT_PATH for the pull-request number; GITHUB_OUTPUT, if set, receives
``comment-id``, ``comment-url`` and ``comment-action`` (created, updated,
unchanged). Errors name the request and GitHub's message, never the token.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cnamctl.text import inert, shorten

MAX_BODY = 65_536
"""GitHub refuses longer comment bodies: 422 "Body is too long (maximum is 65536
characters)" (docs/github-action.md names the source)."""

PER_PAGE = 100
MAX_PAGES = 100  # 10,000 comments: a bound, not a limit anyone meets
READ_ATTEMPTS = 3
TIMEOUT = 30.0
TRUNCATED = (
    "\n\n… the plan is longer than a comment may be ({length:,} characters); the whole "
    "plan is in the workflow run's log and artifact.\n"
)


class CommentError(Exception):
    """The comment could not be written; the message says which request and why."""


@dataclass(frozen=True)
class Outcome:
    action: str  # created | updated | unchanged
    comment_id: int
    url: str
    deleted: tuple[int, ...] = ()


def marker_line(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,100}", name):
        raise CommentError(f"marker {name!r}: letters, digits, '.', '_', ':' and '-' only")
    return f"<!-- {name} -->"


def compose(marker: str, text: str) -> str:
    """The comment body: marker line, then the text, cut to GitHub's limit."""
    body = f"{marker}\n{text}"
    if len(body) <= MAX_BODY:
        return body
    note = TRUNCATED.format(length=len(text))
    return body[: MAX_BODY - len(note)] + note


class GitHub:
    """The few REST calls needed, with bounded retries of reads."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        sleep: Callable[[float], None] | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self._api = api_url.rstrip("/")
        self._token = token
        self._sleep = sleep or time.sleep
        self._timeout = timeout

    def request(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """``path`` is under the API URL, or an absolute URL GitHub gave (next pages)."""
        url = path if path.startswith(("http://", "https://")) else self._api + path
        attempts = READ_ATTEMPTS if method == "GET" else 1  # a write is never repeated
        for attempt in range(1, attempts + 1):
            try:
                return self._once(method, url, body)
            except _Retryable as err:
                if attempt == attempts:
                    raise CommentError(err.message) from None
                self._sleep(err.wait or float(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def pages(self, path: str) -> list[dict[str, Any]]:
        """Every item of a paged list, following the Link header's rel="next"."""
        items: list[dict[str, Any]] = []
        url: str | None = f"{path}?per_page={PER_PAGE}"
        for _ in range(MAX_PAGES):
            if url is None:
                return items
            page, url = self.request("GET", url)
            items.extend(page)
        raise CommentError(f"more than {MAX_PAGES * PER_PAGE} comments on {path}; giving up")

    def _once(self, method: str, url: str, body: Mapping[str, Any] | None) -> Any:
        if not url.startswith(self._api):
            raise CommentError(f"GitHub sent a next-page link off its API: {shorten(url, 80)}")
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self._token}")
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("User-Agent", "cnamctl-pr-comment")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        where = f"{method} {urlsplit(url).path}"
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as answer:
                raw = answer.read()
                link = answer.headers.get("Link")
        except urllib.error.HTTPError as err:
            message = _github_message(err.read())
            text = f"GitHub answered {err.code} to {where}: {message}{_hint(err.code)}"
            if err.code >= 500 or err.code == 429 or err.headers.get("Retry-After"):
                raise _Retryable(text, _retry_after(err.headers.get("Retry-After"))) from None
            raise CommentError(text) from None
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise _Retryable(f"cannot reach GitHub for {where}: {inert(str(reason))}") from None
        parsed = json.loads(raw) if raw else None
        if method == "GET" and isinstance(parsed, list):
            return parsed, _next_link(link)
        return parsed


class _Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.wait = wait


def upsert(github: GitHub, repo: str, number: int, marker: str, text: str) -> Outcome:
    """Create, update or leave the marked comment (module docstring)."""
    body = compose(marker, text)
    comments = github.pages(f"/repos/{repo}/issues/{number}/comments")
    mine = sorted(
        (c for c in comments if str(c.get("body") or "").startswith(marker)),
        key=lambda c: int(c["id"]),
    )
    if not mine:
        made = github.request("POST", f"/repos/{repo}/issues/{number}/comments", {"body": body})
        return Outcome("created", int(made["id"]), str(made.get("html_url", "")))
    kept = mine[0]
    author = (kept.get("user") or {}).get("login")
    deleted = []
    for extra in mine[1:]:
        if (extra.get("user") or {}).get("login") == author:
            github.request("DELETE", f"/repos/{repo}/issues/comments/{extra['id']}")
            deleted.append(int(extra["id"]))
    if kept.get("body") == body:
        return Outcome("unchanged", int(kept["id"]), str(kept.get("html_url", "")), tuple(deleted))
    updated = github.request("PATCH", f"/repos/{repo}/issues/comments/{kept['id']}", {"body": body})
    return Outcome("updated", int(updated["id"]), str(updated.get("html_url", "")), tuple(deleted))


def pull_request_number(env: Mapping[str, str]) -> int | None:
    """The pull request of a ``pull_request``/``pull_request_target`` event, if any."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    number = (event.get("pull_request") or {}).get("number") or event.get("number")
    return int(number) if isinstance(number, int) else None


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    parser = argparse.ArgumentParser(
        prog="python -m cnamctl.gitops.comment",
        description="Create or update the one pull-request comment carrying a marker.",
    )
    parser.add_argument("--body-file", required=True, type=Path, help="Markdown to post.")
    parser.add_argument("--marker", default="cnamctl-plan", help="Hidden marker name.")
    parser.add_argument("--pr", type=int, help="Pull-request number (default: the event's).")
    parser.add_argument("--repo", default=env.get("GITHUB_REPOSITORY"), help="owner/name.")
    parser.add_argument("--api-url", default=env.get("GITHUB_API_URL", "https://api.github.com"))
    args = parser.parse_args(argv)
    try:
        token = env.get("GITHUB_TOKEN", "").strip()
        if not token:
            raise CommentError("GITHUB_TOKEN is not set (give the step `env: GITHUB_TOKEN`)")
        if not args.repo or not re.fullmatch(r"[\w.-]+/[\w.-]+", args.repo):
            raise CommentError("no repository: pass --repo owner/name or set GITHUB_REPOSITORY")
        number = args.pr or pull_request_number(env)
        if number is None:
            raise CommentError("no pull request: pass --pr or run on a pull_request event")
        try:
            text = args.body_file.read_text(encoding="utf-8")
        except OSError as err:
            raise CommentError(f"cannot read {args.body_file}: {err.strerror}") from None
        marker = marker_line(args.marker)
        outcome = upsert(GitHub(args.api_url, token), args.repo, number, marker, text)
    except CommentError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{outcome.action} comment {outcome.comment_id} on #{number}: {outcome.url}")
    for extra in outcome.deleted:
        print(f"deleted duplicate comment {extra}")
    _write_outputs(env, outcome)
    return 0


def _write_outputs(env: Mapping[str, str], outcome: Outcome) -> None:
    path = env.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"comment-id={outcome.comment_id}\n")
        out.write(f"comment-url={outcome.url}\n")
        out.write(f"comment-action={outcome.action}\n")


def _github_message(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except ValueError:
        return "(no JSON error document)"
    message = str(data.get("message", "")) if isinstance(data, dict) else ""
    details = data.get("errors") if isinstance(data, dict) else None
    if isinstance(details, list):
        message += "".join(f"; {d.get('message', '')}" for d in details if isinstance(d, dict))
    return shorten(inert(message), 300) or "(no message)"


def _hint(status: int) -> str:
    if status in (401, 403):
        return (
            " (the job needs `permissions: pull-requests: write`; pull requests from forks "
            "get a read-only token)"
        )
    if status == 404:
        return " (is the repository or pull request right, and can the token see it?)"
    return ""


def _retry_after(value: str | None) -> float | None:
    try:
        return min(float(value), 60.0) if value else None
    except ValueError:
        return None


def _next_link(header: str | None) -> str | None:
    for part in (header or "").split(","):
        match = re.match(r'\s*<([^>]+)>\s*;\s*rel="next"', part)
        if match:
            return match.group(1)
    return None


if __name__ == "__main__":
    sys.exit(main())
