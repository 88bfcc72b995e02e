"""No command ever shows a credential: not on stdout or stderr, not in logs at the
highest verbosity, not in the files it writes.

Every command that talks to Twilio runs against the emulator with a recognisable
auth token (and, separately, an API key secret), at ``-vv`` (debug logging of
cnamctl, urllib3, twilio and the in-process emulator), with every log record
captured. The secret, and the Basic ``Authorization`` value that carries it, are
then searched for in everything the run produced.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from .live import (
    ACCOUNT,
    API_KEY,
    API_SECRET,
    NUMBERS,
    TOKEN,
    Live,
    api_key_env,
    token_env,
)

WRONG_SECRET = "tok-WRONG-SECRET-0b7e55aa19"


def manifests(directory: Path) -> Path:
    """A business profile, a CNAM profile to create, a caller ID to verify."""
    directory.mkdir()
    docs = [
        {
            "apiVersion": "cnamctl/v1",
            "kind": "BusinessProfile",
            "name": "acme",
            "friendlyName": "Acme Corp",
        },
        {
            "apiVersion": "cnamctl/v1",
            "kind": "CnamProfile",
            "name": "acme-sales",
            "businessProfile": "acme",
            "displayName": "ACME SALES",
            "email": "trust@acme.example",
            "callerNameLookup": True,
            "phoneNumbers": NUMBERS[:3],
        },
        {
            "apiVersion": "cnamctl/v1",
            "kind": "OutgoingCallerId",
            "phoneNumber": "+14155550177",
            "friendlyName": "Support line",
        },
    ]
    (directory / "acme.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return directory


def forms_of(username: str, secret: str) -> list[str]:
    """The secret itself and the Basic credentials that carry it on the wire."""
    basic = base64.b64encode(f"{username}:{secret}".encode()).decode()
    return [secret, basic, basic.rstrip("=")]


def everything_written(root: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(root.rglob("*")) if p.is_file())


def assert_nowhere(secrets: list[str], runs: list[Result], logs: str, files: str) -> None:
    for result in runs:
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        for secret in secrets:
            assert secret not in result.stdout, f"secret on stdout of {result}"
            assert secret not in result.stderr, f"secret on stderr of {result}"
    for secret in secrets:
        assert secret not in logs, "secret in the captured logs"
        assert secret not in files, "secret in a file cnamctl wrote"


CREDENTIALS: dict[str, tuple[Callable[[str], dict[str, str]], str, str]] = {
    "auth-token": (token_env, ACCOUNT, TOKEN),
    "api-key": (api_key_env, API_KEY, API_SECRET),
}


@pytest.mark.parametrize("mode", sorted(CREDENTIALS))
def test_no_command_shows_the_secret(
    mode: str,
    serve_live: Callable[..., Live],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_env, username, secret = CREDENTIALS[mode]
    live = serve_live(auto_verify_caller_ids=True, review_delay=0.0)  # approved at once
    env = make_env(live.base_url)
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.DEBUG)
    desired = str(manifests(tmp_path / "manifests"))
    before, after = str(tmp_path / "plan-before.json"), str(tmp_path / "plan-after.json")

    def ok(*args: str) -> Result:
        result = live.cli(["-vv", *args], env)
        assert result.exit_code in (0, 2), result.output
        return result

    ok("validate", desired)
    for fmt in ("text", "json", "markdown"):
        ok("plan", "--format", fmt, desired)
    ok("plan", "-o", before, desired)
    assert "create-trust-product" in Path(before).read_text()
    applied = ok("apply", "--auto-approve", "--format", "json", desired)
    assert '"ok": true' in applied.stdout
    ok("status", desired)
    ok("status", "--format", "json", desired)
    ok("plan", "-o", after, desired)  # an empty plan, saved after the apply
    ok("apply", after)
    wrong = live.cli(["-vv", "plan", desired], {**env, _secret_variable(env): WRONG_SECRET})
    assert wrong.exit_code == 1
    assert "401" in wrong.stderr or "credentials" in wrong.stderr
    single = live.cli(["-v", "plan", desired], env)
    assert single.exit_code == 0, single.output
    assert "GET " in single.stderr, "-v logs one line per request"

    assert live.writes() > 0, "the apply must really have written"
    assert "cnamctl.http" in caplog.text and "urllib3" in caplog.text, "logs were captured"
    assert_nowhere(
        [*forms_of(username, secret), *forms_of(username, WRONG_SECRET)],
        live.runs,
        caplog.text,
        everything_written(tmp_path),
    )


@pytest.mark.parametrize("mode", sorted(CREDENTIALS))
def test_import_shows_no_secret(
    mode: str,
    serve_live: Callable[..., Live],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_env, username, secret = CREDENTIALS[mode]
    live = serve_live()
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "imported"
    result = live.cli(["-vv", "import", "--out", str(out)], make_env(live.base_url))
    assert result.exit_code == 0, result.output
    assert any(out.glob("*.yaml")), "import wrote no manifest"
    assert_nowhere(forms_of(username, secret), live.runs, caplog.text, everything_written(tmp_path))


def _secret_variable(env: dict[str, str]) -> str:
    return "TWILIO_API_SECRET" if env.get("TWILIO_API_KEY") else "TWILIO_AUTH_TOKEN"


URL_PASSWORD = "url-PASSWORD-SECRET-4411"


def test_a_password_in_the_api_url_is_never_shown(
    serve_live: Callable[..., Live],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--api-url http://user:pw@host`` (a proxy login pasted into the URL): the
    userinfo is never sent (the Twilio credentials authenticate every request) and
    never printed: apply's "Applying ... to" line shows it as ``***``."""
    live = serve_live(auto_verify_caller_ids=True, review_delay=0.0)
    host = live.base_url.split("://", 1)[1]
    with_login = f"http://proxy-user:{URL_PASSWORD}@{host}"
    env = token_env(with_login)
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.DEBUG)
    desired = str(manifests(tmp_path / "manifests"))

    def ok(*args: str, option: bool = False) -> Result:
        extra = ["--api-url", with_login] if option else []
        result = live.cli(["-vv", *args[:1], *extra, *args[1:]], env)
        assert result.exit_code in (0, 2), result.output
        return result

    for fmt in ("text", "json", "markdown"):
        ok("plan", "--format", fmt, desired)
    applied = ok("apply", "--auto-approve", desired, option=True)
    assert f"to emulator at http://***@{host}" in applied.stderr, applied.stderr
    ok("status", desired)
    ok("import", "--out", str(tmp_path / "imported"))
    closed = live.cli(["plan", desired], token_env(f"http://proxy-user:{URL_PASSWORD}@127.0.0.1:9"))
    assert closed.exit_code == 1 and "the server at 127.0.0.1:9" in closed.stderr
    bad = live.cli(["plan", desired], token_env(f"http://proxy-user:{URL_PASSWORD}@[::1"))
    assert bad.exit_code == 1 and "http://***@[::1" in bad.stderr

    assert live.writes() > 0, "the apply must really have written"
    assert_nowhere(
        forms_of("proxy-user", URL_PASSWORD),
        live.runs,
        caplog.text,
        everything_written(tmp_path),
    )
