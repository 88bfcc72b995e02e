"""What each kind of failed request means for a write."""

from __future__ import annotations

import pytest
from requests.exceptions import ChunkedEncodingError, ConnectionError, ConnectTimeout, ReadTimeout
from twilio.base.exceptions import TwilioRestException
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from cnamctl.apply.failures import FailureKind, classify


def rest(status: int, code: int | None = None) -> TwilioRestException:
    return TwilioRestException(status, "https://trusthub.twilio.com/v1/X", "msg", code, "POST")


@pytest.mark.parametrize(
    ("err", "kind"),
    [
        (rest(429, 20429), FailureKind.THROTTLED),
        (rest(500, 20500), FailureKind.AMBIGUOUS),
        (rest(503), FailureKind.AMBIGUOUS),
        (rest(400, 20001), FailureKind.REJECTED),
        (rest(404, 20404), FailureKind.REJECTED),
        (rest(409, 20409), FailureKind.REJECTED),
        (ReadTimeout("read timed out"), FailureKind.AMBIGUOUS),
        (ChunkedEncodingError("broken"), FailureKind.AMBIGUOUS),
        (
            ConnectionError(ProtocolError("aborted", ConnectionResetError(104, "reset"))),
            FailureKind.AMBIGUOUS,
        ),
        (ConnectTimeout("connect timed out"), FailureKind.NOT_SENT),
        (
            ConnectionError(MaxRetryError(None, "/x", NewConnectionError(None, "refused"))),  # type: ignore[arg-type]
            FailureKind.NOT_SENT,
        ),
        (KeyError("bug"), FailureKind.REJECTED),
    ],
)
def test_classify(err: BaseException, kind: FailureKind):
    assert classify(err).kind is kind


def test_only_rejections_are_final():
    assert [k for k in FailureKind if not k.retryable] == [FailureKind.REJECTED]


def test_messages_name_the_cause_without_request_details():
    reset = ConnectionError(ProtocolError("aborted", ConnectionResetError(104, "reset")))
    assert classify(reset).message == "connection lost (ConnectionResetError)"
    assert classify(rest(429, 20429)).message == "HTTP 429 (code 20429): msg"


def test_a_non_twilio_answer_keeps_its_own_message():
    from cnamctl.errors import NotTwilioError

    failure = classify(NotTwilioError("the server at proxy.example answered HTML"))
    assert failure.kind is FailureKind.REJECTED
    assert failure.message == "the server at proxy.example answered HTML"
