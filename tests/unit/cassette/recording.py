"""vcrpy set-up shared by recording and replay of the full plan-run cassette.

Recorded: every HTTP exchange of ``read_snapshot`` for the example manifests.
Scrubbed before anything is written: the Authorization header, and the account
SID (replaced by ``PLACEHOLDER_ACCOUNT`` in paths and bodies), so a cassette
recorded against real Twilio holds no credentials or account identifiers.
Requests match on method, path and query only: the host differs between the
emulator, Twilio and replay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import vcr

CASSETTE_DIR = Path(__file__).resolve().parents[2] / "cassettes"
PLACEHOLDER_ACCOUNT = "AC" + "0" * 32
RECORD_ENV = "CNAMCTL_RECORD_CASSETTES"  # "emulator" or "twilio"


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(
                secret, PLACEHOLDER_ACCOUNT if secret.startswith("AC") else "REDACTED"
            )
    return text


def make_vcr(account_sid: str = "", token: str = "", *, record: bool = False) -> vcr.VCR:
    secrets = [account_sid, token]

    def scrub_request(request: Any) -> Any:
        request.uri = _scrub(request.uri, secrets)
        if request.body:
            body = request.body if isinstance(request.body, str) else request.body.decode()
            request.body = _scrub(body, secrets)
        return request

    def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
        body = response["body"]["string"]
        text = body.decode() if isinstance(body, bytes) else body
        response["body"]["string"] = _scrub(text, secrets).encode()
        for name in list(response["headers"]):
            if name.lower() in {"set-cookie", "twilio-request-id", "date"}:
                del response["headers"][name]
        return response

    return vcr.VCR(
        cassette_library_dir=str(CASSETTE_DIR),
        record_mode="all" if record else "none",
        match_on=["method", "path", "query"],
        filter_headers=[("authorization", None), ("user-agent", None)],
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
    )
