"""Servers that misbehave (``--api-url``, proxies, a broken Twilio): every case is
one clear error naming the server, exit code 1, no traceback, no hang, no flood.

The servers are small stubs (stubs.py) that answer like Twilio except where a
test tells them otherwise. Classes covered, each from the class, not one example:

* answers that are not Twilio's API, where any list is read: every kind of body
  (generated: any JSON value, any bytes, page envelopes holding any records);
* paging that does not end or goes backwards: one link repeated, records
  repeated, page numbers jumping, empty pages, links to other hosts, no end;
* a malformed ``--api-url`` and credentials that cannot be sent: usage errors;
* silence and trickles: bounded by the read timeout and the request deadline;
* a server that cannot be reached, also while a subaccount's token is read
  with several accounts: that account fails, the others are still planned;
* a Standard API key where a subaccount needs a Main key: what to give instead.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnamctl.cli.app import main
from cnamctl.errors import NotTwilioError, UnreachableError, UsageError
from cnamctl.live.reader import read_snapshot
from cnamctl.twilio import Credentials, Timeouts, make_client, paging
from cnamctl.twilio.credentials import check_sendable
from cnamctl.twilio.http import ReadRetries
from cnamctl.twilio.url import ApiUrl

from .live import token_env
from .stubs import (
    Answer,
    Drop,
    FakeTwilio,
    Seen,
    Silent,
    Trickle,
    api2010_page,
    closed_port,
    html_answer,
    json_answer,
    trusthub_page,
)

ACCOUNT = "AC" + "5" * 32
TOKEN = "tok-SERVERS-SECRET-5e0c2b"
FAST = Timeouts(connect=0.5, read=0.5, total=1.5)  # for the tests of timeouts
PATIENT = Timeouts(connect=2.0, read=5.0, total=10.0)  # the others: a busy machine is no failure
NOT_TWILIO = "answered something that is not Twilio's API ("
ESC = "\x1b]0;owned\x07\x1b[2J"

LISTS = {
    "numbers": (f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json", "incoming_phone_numbers"),
    "caller-ids": (f"/2010-04-01/Accounts/{ACCOUNT}/OutgoingCallerIds.json", "outgoing_caller_ids"),
    "profiles": ("/v1/CustomerProfiles", None),
    "products": ("/v1/TrustProducts", None),
    "end-users": ("/v1/EndUsers", None),
}  # fmt: skip


@pytest.fixture(scope="module")
def shared() -> Iterator[FakeTwilio]:
    with FakeTwilio({ACCOUNT: TOKEN}).running() as stub:
        yield stub


@pytest.fixture
def stub(shared: FakeTwilio) -> FakeTwilio:
    shared.clear()
    return shared


def client(stub: FakeTwilio, timeouts: Timeouts = PATIENT) -> Any:
    return make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), stub.base_url, timeout=timeouts)


def page_of(kind: str, records: list[Any], next_link: str | None = None, page: int = 0) -> dict:
    key = LISTS[kind][1]
    if key is None:
        return trusthub_page(records, next_link, page)
    return api2010_page(key, records, next_link, page)


def assert_not_twilio(err: BaseException, stub: FakeTwilio) -> None:
    message = str(err)
    assert isinstance(err, NotTwilioError), repr(err)
    assert message.startswith(f"the server at {stub.server_name} {NOT_TWILIO}"), message
    assert "\x1b" not in message and "\x07" not in message
    assert len(message) < 400, message
    assert TOKEN not in message


# --- 1. answers that are not Twilio's API -----------------------------------------------

BODIES: dict[str, Answer] = {
    "html-200": html_answer(f"<html><title>{ESC}Wi-Fi login</title>{'x' * 50_000}</html>"),
    "json-list": json_answer([]),
    "json-list-of-records": json_answer([{"sid": "PN1", "phone_number": "+14155550100"}]),
    "empty-object": json_answer({}),
    "json-null": json_answer(None),
    "json-number": json_answer(42),
    "json-string": json_answer("ok"),
    "empty-200": Answer(200, b"", {"Content-Type": "application/json"}),
    "truncated-json": Answer(200, b'{"meta": {"key": "results"', {}),
    "not-utf8": Answer(200, b"\xff\xfe\x00\x1b[2Jgarbage", {"Content-Type": "text/plain"}),
    "login-redirect": html_answer("<a href=/login>", 302, Location="https://login.example/x"),
    "proxy-404-html": html_answer("<h1>404 Not Found</h1><hr>nginx", 404),
    "proxy-407-html": html_answer("<h1>Proxy Authentication Required</h1>", 407),
}


def bad_pages(kind: str) -> dict[str, dict]:
    """Envelopes of the right API whose records (or links) are not Twilio's."""
    other = "numbers" if LISTS[kind][1] is None else "profiles"  # the other API's envelope
    wrong_type = {"sid": "XX1", "phone_number": "+14155550100", "friendly_name": {"a": 1}}
    return {
        "other-apis-envelope": page_of(other, []),
        "records-not-a-list": {**page_of(kind, []), **_records(kind, {"a": 1})},
        "records-not-objects": page_of(kind, [1, 2]),
        "record-without-sid": page_of(kind, [{"friendly_name": "x", "phone_number": "+1"}]),
        "sid-not-a-string": page_of(kind, [{"sid": 5, "phone_number": "+14155550100"}]),
        "field-of-wrong-type": page_of(kind, [wrong_type]),
        "too-many-records": page_of(
            kind, [{"sid": f"XX{i}", "phone_number": "+1"} for i in range(1001)]
        ),
        "next-link-a-number": _with_next(page_of(kind, []), kind, 7),
    }


def _records(kind: str, value: Any) -> dict:
    return {LISTS[kind][1] or "results": value}


def _with_next(page: dict, kind: str, link: Any) -> dict:
    if LISTS[kind][1] is None:
        return {**page, "meta": {**page["meta"], "next_page_url": link}}
    return {**page, "next_page_uri": link}


CASES = [(k, n, BODIES[n]) for k in LISTS for n in BODIES] + [
    (k, n, json_answer(body)) for k in LISTS for n, body in bad_pages(k).items()
]


@pytest.mark.parametrize(("kind", "name", "answer"), CASES, ids=[f"{k}-{n}" for k, n, _ in CASES])
def test_a_list_answered_by_something_else_is_named_as_such(stub, kind, name, answer):
    stub.on(LISTS[kind][0], answer)
    with pytest.raises(NotTwilioError) as info:
        read_snapshot(client(stub))
    assert_not_twilio(info.value, stub)


def test_the_excerpt_is_short_inert_and_says_what_came(stub):
    stub.on(LISTS["profiles"][0], BODIES["html-200"])
    with pytest.raises(NotTwilioError) as info:
        read_snapshot(client(stub))
    message = str(info.value)
    assert "(HTTP 200, text/html, '<html><title>\\x1b]0;owned\\x07\\x1b[2JWi-Fi" in message
    assert f"({len(BODIES['html-200'].payload().decode()):,} characters)" in message


def test_a_redirect_names_where_it_leads_without_following_it(stub):
    stub.on(LISTS["products"][0], BODIES["login-redirect"])
    with pytest.raises(NotTwilioError, match=r"redirecting to login\.example"):
        read_snapshot(client(stub))
    assert stub.count() <= 5, "read once each, never followed"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)  # fmt: skip


def _kind_and(body: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, Any]]:
    return st.tuples(st.sampled_from(sorted(LISTS)), body)


def _envelope(draw_kind_records: tuple[str, list[Any]]) -> tuple[str, dict]:
    kind, records = draw_kind_records
    return kind, page_of(kind, records)


_GENERATED = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read_or_not_twilio(stub: FakeTwilio) -> None:
    """The property: a snapshot, or NotTwilioError naming the server; nothing else."""
    try:
        read_snapshot(client(stub))
    except NotTwilioError as err:
        assert_not_twilio(err, stub)


@_GENERATED
@given(case=_kind_and(JSON))
def test_any_json_value_where_a_page_belongs(stub, case):
    kind, body = case
    stub.clear()
    stub.on(LISTS[kind][0], json_answer(body))
    _read_or_not_twilio(stub)


@_GENERATED
@given(case=_kind_and(st.binary(max_size=64)))
def test_any_bytes_where_a_page_belongs(stub, case):
    kind, body = case
    stub.clear()
    stub.on(LISTS[kind][0], Answer(200, body, {"Content-Type": "application/json"}))
    _read_or_not_twilio(stub)


@_GENERATED
@given(case=_kind_and(st.lists(JSON, max_size=3)).map(_envelope))
def test_a_page_envelope_holding_any_records(stub, case):
    kind, body = case
    stub.clear()
    stub.on(LISTS[kind][0], json_answer(body))
    _read_or_not_twilio(stub)


# --- 2. paging that does not end ----------------------------------------------------------


def _numbers_url(query: str) -> str:
    return f"https://api.twilio.com{LISTS['numbers'][0]}?{query}"


def test_the_same_next_link_for_ever_costs_two_requests(stub):
    path = LISTS["products"][0]
    again = f"https://trusthub.twilio.com{path}?PageSize=1000&Page=1&PageToken=PAX"
    stub.on(path, json_answer(trusthub_page([], again)))
    with pytest.raises(NotTwilioError, match="a link to a page already read"):
        read_snapshot(client(stub))
    assert stub.count(path) == 2


def test_a_page_that_repeats_earlier_records_stops_the_read(stub):
    """Fresh links and page numbers, the same records: caught on the second page."""
    path = LISTS["numbers"][0]
    record = {"sid": "PN" + "1" * 32, "phone_number": "+14155550100"}

    def endless(seen: Seen) -> Answer:
        page = int(seen.query.get("Page", ["0"])[0])
        uri = f"{path}?PageSize=1000&Page={page + 1}&PageToken=PA{page}"
        return json_answer(api2010_page("incoming_phone_numbers", [record], uri, page))

    stub.on(path, endless)
    with pytest.raises(NotTwilioError, match="listed a second time"):
        read_snapshot(client(stub))
    assert stub.count(path) == 2


def test_paging_without_end_stops_at_the_page_bound(stub, monkeypatch):
    """Fresh records on every page, for ever: stopped at MAX_PAGES (made small here)."""
    monkeypatch.setattr(paging, "MAX_PAGES", 25)
    path = LISTS["end-users"][0]

    def fresh(seen: Seen) -> Answer:
        page = int(seen.query.get("Page", ["0"])[0])
        link = f"https://trusthub.twilio.com{path}?PageSize=1000&Page={page + 1}&PageToken=PA{page}"
        record = {"sid": f"IT{page:032d}", "type": "cnam_information"}
        return json_answer(trusthub_page([record], link, page))

    stub.on(path, fresh)
    with pytest.raises(NotTwilioError, match="more than 25 pages"):
        read_snapshot(client(stub))
    assert stub.count(path) == 25


@pytest.mark.parametrize(
    ("name", "pages_", "expected"),
    [
        ("page numbers jump", [(0, 1), (5, 2)], "page number 5 after page number 0"),
        ("empty pages that go on", [(0, 1), (1, 2), (2, 3)], "empty pages that keep pointing"),
    ],
)
def test_paging_must_move_forward_page_by_page(stub, name, pages_, expected):
    path = LISTS["profiles"][0]
    script = iter(pages_)

    def scripted(seen: Seen) -> Answer:
        page, following = next(script)
        link = f"https://trusthub.twilio.com{path}?Page={following}&PageToken=PA{following}"
        records = [{"sid": f"BU{page:032d}"}] if name == "page numbers jump" else []
        return json_answer(trusthub_page(records, link, page))

    stub.on(path, scripted)
    with pytest.raises(NotTwilioError, match=expected):
        read_snapshot(client(stub))


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/v1/CustomerProfiles?Page=1",
        "https://trusthub.twilio.com.evil.example/v1/CustomerProfiles?Page=1",
        "http://trusthub.twilio.com/v1/CustomerProfiles?Page=1",
        "https://trusthub.twilio.com/v1/EndUsers?Page=1",  # another list
        "https://api.twilio.com/v1/CustomerProfiles?Page=1",  # another host
    ],
)
def test_a_next_link_away_from_the_list_is_refused_and_never_followed(stub, link):
    path = LISTS["profiles"][0]
    stub.on(path, json_answer(trusthub_page([], link)))
    with pytest.raises(NotTwilioError, match="a next-page link away from this list"):
        read_snapshot(client(stub))
    assert stub.count(path) == 1


def test_an_api_2010_link_elsewhere_is_refused(stub):
    path = LISTS["caller-ids"][0]
    stub.on(path, json_answer(api2010_page("outgoing_caller_ids", [], "/2010-04-01/Accounts.json")))
    with pytest.raises(NotTwilioError, match="away from this list"):
        read_snapshot(client(stub))


# --- 3. the CLI meets them: one error line, exit 1 ------------------------------------------


def manifests(tmp_path: Path) -> str:
    directory = tmp_path / "m"
    directory.mkdir(exist_ok=True)
    doc = {"apiVersion": "cnamctl/v1", "kind": "OutgoingCallerId", "phoneNumber": "+14155550177"}
    (directory / "ids.yaml").write_text(yaml.safe_dump(doc))
    return str(directory)


def env_for(base_url: str, **extra: str) -> dict[str, str]:
    """The CLI's environment against ``base_url``: this file's account."""
    mine = {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN}
    return {**token_env(base_url), **mine, "CNAMCTL_HTTP_TIMEOUT": "10", **extra}


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(main, args, env=env)


def assert_one_clean_error(result: Result, *fragments: str) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything
    assert "\x1b" not in everything and "\x07" not in everything
    assert TOKEN not in everything
    assert len(result.stderr) < 2000, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    return result.stderr


COMMANDS = {
    "plan": lambda m, tmp: ["plan", m],
    "apply": lambda m, tmp: ["apply", "--auto-approve", m],
    "status": lambda m, tmp: ["status", m],
    "import": lambda m, tmp: ["import", "--out", str(tmp / "imported")],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("body", ["html-200", "json-list", "empty-object", "proxy-404-html"])
def test_every_command_reports_a_server_that_is_not_twilio(stub, tmp_path, command, body):
    stub.on(LISTS["products"][0], BODIES[body])
    stub.on(r"/v1/TrustProducts.*", BODIES[body])  # status reads products too
    result = run(COMMANDS[command](manifests(tmp_path), tmp_path), env_for(stub.base_url))
    assert_one_clean_error(result, f"the server at {stub.server_name} {NOT_TWILIO}")
    assert not (tmp_path / "imported").exists() or not any((tmp_path / "imported").iterdir())
    assert not any(s.method == "POST" for s in stub.seen), "nothing was written"


def test_endless_paging_through_the_cli_ends_at_once(stub, tmp_path):
    path = LISTS["numbers"][0]
    uri = f"{path}?PageSize=1000&Page=1&PageToken=PAX"
    stub.on(path, json_answer(api2010_page("incoming_phone_numbers", [], uri)))
    result = run(["plan", manifests(tmp_path)], env_for(stub.base_url))
    assert_one_clean_error(result, "a link to a page already read")
    assert stub.count(path) == 2


# --- 4. usage errors: the URL, the credentials ----------------------------------------------

BAD_URLS = [
    "http://[::1",
    "http://[::1]:99999",
    "http://127.0.0.1:port",
    "http://",
    "http:///v1",
    "ftp://127.0.0.1",
    "http://127.0.0.1:4010/base?x=1",
    "http://user:url-PASSWORD-1@[::1",
    "http://h\u00e9st:4010",
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("given_as", ["option", "environment"])
def test_a_malformed_api_url_is_a_usage_error(tmp_path, url, given_as):
    env = env_for("")
    if given_as == "option":
        args = ["plan", "--api-url", url, manifests(tmp_path)]
        del env["CNAMCTL_API_URL"]
    else:
        args, env["CNAMCTL_API_URL"] = ["plan", manifests(tmp_path)], url
    result = run(args, env)
    assert result.exit_code == 1, result.output
    assert "Invalid value for '--api-url'" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert "url-PASSWORD-1" not in result.output


URL_PASSWORD = "url-PASSWORD-9f3"


@settings(max_examples=200, deadline=None)
@given(value=st.text(max_size=40))
def test_api_url_parsing_is_total(value):
    """Any text: a URL, or a UsageError; never anything else."""
    try:
        url = ApiUrl.parse(value)
    except UsageError:
        return
    assert url.scheme in ("http", "https") and url.server and "@" not in url.base


@settings(max_examples=200, deadline=None)
@given(
    host=st.sampled_from(["127.0.0.1", "[::1]", "emu.example", "[::1", "h:99999", ""]),
    port=st.sampled_from(["", ":4010", ":x"]),
    rest=st.sampled_from(["", "/", "/base", "?q=1", "#f", "/p?q"]),
)
def test_a_password_in_the_api_url_shows_nowhere(host, port, rest):
    value = f"http://proxy:{URL_PASSWORD}@{host}{port}{rest}"
    try:
        url = ApiUrl.parse(value)
    except UsageError as err:
        assert URL_PASSWORD not in str(err)
        return
    for shown in (url.display, url.base, url.server, repr(url)):
        assert URL_PASSWORD not in shown


NOT_SENDABLE = ["t\u00f6ken", "tok\u20acn", "tok\u00a0en", "tok en", "tok\u200ben", "tok\nen"]


@pytest.mark.parametrize("token", NOT_SENDABLE)
@pytest.mark.parametrize(
    "variable", ["TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_API_SECRET"]
)
def test_credentials_that_cannot_be_sent_are_a_usage_error(stub, tmp_path, token, variable):
    extra = {"TWILIO_API_KEY": "SK" + "1" * 32} if variable == "TWILIO_API_SECRET" else {}
    env = env_for(stub.base_url, **extra)
    env[variable] = (env[variable] or "x") + token if variable != "TWILIO_API_SECRET" else token
    result = run(["plan", manifests(tmp_path)], env)
    stderr = assert_one_clean_error(result, f"{variable} holds a character")
    assert token not in stderr
    assert stub.count() == 0, "refused before any request"


def test_an_account_documents_token_variable_is_checked_too(stub, tmp_path):
    root = tmp_path / "repo" / "a"
    root.mkdir(parents=True)
    (root / "account.yaml").write_text(
        f"apiVersion: cnamctl/v1\nkind: Account\nname: a\nsid: {ACCOUNT}\n"
        "credentials:\n  authTokenEnv: TOKEN_A\n"
    )
    result = run(["plan", str(tmp_path / "repo")], env_for(stub.base_url, TOKEN_A="t\u00f6k"))
    assert_one_clean_error(result, "TOKEN_A holds a character")
    assert stub.count() == 0


SECRET_PART = "Qz7-secret-part"


@settings(max_examples=300, deadline=None)
@given(before=st.text(max_size=15), after=st.text(max_size=15))
def test_a_checked_secret_can_always_be_sent_and_is_never_quoted(before, after):
    value = before + SECRET_PART + after
    try:
        check_sendable("X", value)
    except UsageError as err:
        assert SECRET_PART not in str(err)
        return
    value.encode("latin-1")  # what requests does with Basic credentials
    assert value.isascii() and " " not in value


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf", "99999"])
def test_a_bad_http_timeout_is_a_usage_error(stub, tmp_path, value):
    result = run(["plan", manifests(tmp_path)], env_for(stub.base_url, CNAMCTL_HTTP_TIMEOUT=value))
    assert_one_clean_error(result, "CNAMCTL_HTTP_TIMEOUT=")
    assert stub.count() == 0


@pytest.mark.parametrize("value", ["0", "-1", "many", "101", "3.5", "\uff13\uff12"])
def test_a_bad_read_concurrency_is_a_usage_error(stub, tmp_path, value):
    env = env_for(stub.base_url, CNAMCTL_READ_CONCURRENCY=value)
    assert_one_clean_error(run(["plan", manifests(tmp_path)], env), "CNAMCTL_READ_CONCURRENCY=")
    assert stub.count() == 0


# --- 5. silence, trickles, closed ports -----------------------------------------------------


def _finishes(call: Callable[[], Any], within: float = 30.0) -> BaseException | None:
    """Run ``call`` on a thread; the exception it raised (it must finish)."""
    box: list[BaseException | None] = [None]

    def target() -> None:
        try:
            call()
        except BaseException as err:  # collected for the test
            box[0] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), "still running: not bounded"
    return box[0]


def test_a_server_that_never_answers_is_bounded_by_the_read_timeout(stub):
    path = LISTS["profiles"][0]
    stub.on(path, Silent())
    err = _finishes(lambda: read_snapshot(client(stub, FAST)))
    assert isinstance(err, UnreachableError), repr(err)
    assert str(err) == (
        f"no answer from the server at {stub.server_name}: nothing for 0.5 s (read timeout)"
    )
    assert stub.count(path) == 2, "a timed-out read is tried once more, no more"


def test_a_server_that_trickles_is_bounded_by_the_deadline(stub):
    path = LISTS["end-users"][0]
    stub.on(path, Trickle(interval=0.05))  # never silent for the read timeout
    err = _finishes(lambda: read_snapshot(client(stub, FAST)))
    assert isinstance(err, UnreachableError), repr(err)
    assert (
        f"no answer from the server at {stub.server_name}: no complete answer within 1.5 s"
        in str(err)
    )
    assert stub.count(path) == 2


def test_a_write_is_bounded_too_and_sent_once(stub):
    stub.on("/v1/EndUsers", Silent())
    sdk = client(stub, FAST)
    err = _finishes(lambda: sdk.trusthub.v1.end_users.create(friendly_name="x", type="t"))
    assert err is not None and "read timeout" in str(err)
    assert stub.count("/v1/EndUsers") == 1, "writes are never retried by the HTTP client"


@pytest.mark.parametrize("answer", [Silent(), Trickle(interval=0.05), Drop()])
def test_the_cli_names_the_server_and_the_cause(stub, tmp_path, answer):
    stub.on(LISTS["caller-ids"][0], answer)
    result = run(["plan", manifests(tmp_path)], env_for(stub.base_url, CNAMCTL_HTTP_TIMEOUT="2"))
    causes = {Silent: ["nothing for 1 s (read timeout)"], Trickle: ["no complete answer within 2 s"],
              Drop: ["it closed the connection without answering", "the connection was reset"]}  # fmt: skip
    stderr = assert_one_clean_error(
        result, f"error: no answer from the server at {stub.server_name}: "
    )
    assert any(cause in stderr for cause in causes[type(answer)]), stderr


def test_a_closed_port_is_reported_at_once(tmp_path):
    port = closed_port()
    result = run(["plan", manifests(tmp_path)], env_for(f"http://127.0.0.1:{port}"))
    assert_one_clean_error(
        result,
        f"error: cannot reach the server at 127.0.0.1:{port}: connection refused",
    )


@pytest.mark.parametrize(
    ("base", "cause"),
    [
        ("http://cnamctl-test.invalid:4010", "its name does not resolve"),  # RFC 2606
        ("https://{server}", "the TLS handshake failed"),  # TLS to a plain-HTTP server
    ],
)
def test_other_connection_failures_say_why(stub, base, cause):
    url = base.format(server=stub.server_name)
    sdk = make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), url, timeout=FAST)
    err = _finishes(lambda: read_snapshot(sdk))
    assert isinstance(err, UnreachableError), repr(err)
    assert str(err).startswith(f"cannot reach the server at {url.split('://')[1]}: {cause}")


def test_unreachable_servers_are_retried_only_briefly():
    """'Within a few seconds': the budget for refused or reset connections."""
    policy = ReadRetries().unreachable
    assert (policy.max_attempts - 1) * policy.max_delay <= 2.0


def test_a_connect_timeout_names_the_seconds():
    """A listener whose backlog is full drops further SYNs: connecting never finishes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    try:
        port = listener.getsockname()[1]
        for _ in range(4):  # fill the accept queue (the kernel allows backlog + 1)
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.05)
        timeouts = Timeouts(connect=0.3, read=0.3, total=1.0)
        sdk = make_client(
            Credentials(ACCOUNT, ACCOUNT, TOKEN), f"http://127.0.0.1:{port}", timeout=timeouts
        )
        err = _finishes(lambda: read_snapshot(sdk))
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
    assert isinstance(err, UnreachableError), repr(err)
    if "connect timeout" not in str(err):
        pytest.skip(f"this kernel answered the full backlog otherwise: {err}")
    assert str(err) == (
        f"cannot reach the server at 127.0.0.1:{port}: no connection within 0.3 s (connect timeout)"
    )


# --- 6. several accounts: one account's failure is that account's -----------------------

PARENT, SUB_B, SUB_C = ("AC" + c * 32 for c in "abc")
KEYS = {"SK" + "a" * 32: "standard", "SK" + "b" * 32: "main"}


def account_tree(tmp_path: Path, own: dict[str, str] | None = None) -> str:
    """customer-b and customer-c: subaccounts, credentials from the parent."""
    root = tmp_path / "repo"
    for name, sid in (("customer-b", SUB_B), ("customer-c", SUB_C)):
        directory = root / name
        directory.mkdir(parents=True)
        doc: dict[str, Any] = {
            "apiVersion": "cnamctl/v1",
            "kind": "Account",
            "name": name,
            "sid": sid,
        }
        if own and name in own:
            doc["credentials"] = {"authTokenEnv": own[name]}
        (directory / "account.yaml").write_text(yaml.safe_dump(doc))
        caller = {
            "apiVersion": "cnamctl/v1",
            "kind": "OutgoingCallerId",
            "phoneNumber": "+14155550177",
        }
        (directory / "ids.yaml").write_text(yaml.safe_dump(caller))
    return str(root)


@pytest.fixture
def parent_stub() -> Iterator[FakeTwilio]:
    with FakeTwilio({PARENT: "tok-parent", SUB_B: "tok-b", SUB_C: "tok-c"}, KEYS).running() as stub:
        yield stub


def parent_env(stub: FakeTwilio, **extra: str) -> dict[str, str]:
    return {
        **env_for(stub.base_url),
        "TWILIO_ACCOUNT_SID": PARENT,
        "TWILIO_AUTH_TOKEN": "tok-parent",
        **extra,
    }


def _accounts(result: Result) -> dict[str, dict]:
    return {a["name"].split(" ")[0]: a for a in json.loads(result.stdout)["accounts"]}


@pytest.mark.parametrize("failure", [Drop(), Silent(), html_answer("<h1>oops</h1>")])
def test_a_failure_reading_one_subaccounts_token_is_that_accounts_failure(
    parent_stub, tmp_path, failure
):
    parent_stub.on(rf"/2010-04-01/Accounts/{SUB_B}\.json", failure)
    env = parent_env(parent_stub, CNAMCTL_HTTP_TIMEOUT="2")
    result = run(["plan", "--format", "json", account_tree(tmp_path)], env)
    assert result.exit_code == 1, result.output
    accounts = _accounts(result)
    assert accounts["customer-c"]["error"] is None
    assert accounts["customer-c"]["plan"]["account_sid"] == SUB_C
    error = accounts["customer-b"]["error"]
    assert error.startswith(f"account customer-b ({SUB_B}): reading its auth token: "), error
    assert parent_stub.server_name in error
    assert f"error: customer-b ({SUB_B}): account customer-b" in result.stderr
    assert "Traceback" not in result.output


def test_a_closed_port_with_account_documents_reports_every_account(tmp_path):
    port = closed_port()
    env = {**env_for(f"http://127.0.0.1:{port}"), "TWILIO_ACCOUNT_SID": PARENT}
    result = run(
        ["plan", "--format", "json", account_tree(tmp_path, {"customer-c": "TOKEN_C"})],
        {**env, "TOKEN_C": "tok-c"},
    )
    assert result.exit_code == 1, result.output
    accounts = _accounts(result)
    assert sorted(accounts) == ["customer-b", "customer-c"]
    for account in accounts.values():
        assert (
            f"cannot reach the server at 127.0.0.1:{port}: connection refused" in account["error"]
        )
    assert "Traceback" not in result.output


def test_a_standard_api_key_is_told_what_to_give_instead(parent_stub, tmp_path):
    """Twilio answers a Standard key on Accounts/{Sid} with HTTP 401, code 20003."""
    env = parent_env(
        parent_stub, TWILIO_AUTH_TOKEN="", TWILIO_API_KEY="SK" + "a" * 32, TWILIO_API_SECRET="s"
    )
    result = run(["plan", "--format", "json", account_tree(tmp_path)], env)
    assert result.exit_code == 1
    for name, sid in (("customer-b", SUB_B), ("customer-c", SUB_C)):
        error = _accounts(result)[name]["error"]
        assert error.startswith(
            f"account {name} ({sid}): the API key in TWILIO_API_KEY/TWILIO_API_SECRET may not read"
        ), error
        assert "(HTTP 401, code 20003)" in error
        assert "Give the parent's Main API key" in error
        assert "the parent's auth token in TWILIO_AUTH_TOKEN" in error
        assert "apiKeyEnv with apiSecretEnv" in error


def test_a_main_api_key_reads_the_subaccounts_token(parent_stub, tmp_path):
    env = parent_env(
        parent_stub, TWILIO_AUTH_TOKEN="", TWILIO_API_KEY="SK" + "b" * 32, TWILIO_API_SECRET="s"
    )
    result = run(["plan", "--format", "json", account_tree(tmp_path)], env)
    assert result.exit_code == 0, result.output
    assert {a["plan"]["account_sid"] for a in _accounts(result).values()} == {SUB_B, SUB_C}
    lists = [s for s in parent_stub.seen if s.path.endswith("OutgoingCallerIds.json")]
    assert {s.username for s in lists} == {SUB_B, SUB_C}, "each subaccount read with its own token"
