import pytest

from cnamctl.errors import UsageError
from cnamctl.twilio.credentials import Credentials

SID = "AC" + "1" * 32


def test_auth_token_credentials():
    creds = Credentials.from_env({"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": "tok-secret"})
    assert (creds.account_sid, creds.username, creds.password) == (SID, SID, "tok-secret")


def test_api_key_wins_over_auth_token():
    creds = Credentials.from_env(
        {
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": "tok",
            "TWILIO_API_KEY": "SK" + "2" * 32,
            "TWILIO_API_SECRET": "key-secret",
        }
    )
    assert creds.username == "SK" + "2" * 32
    assert creds.password == "key-secret"


@pytest.mark.parametrize(
    "env",
    [{}, {"TWILIO_ACCOUNT_SID": SID}, {"TWILIO_ACCOUNT_SID": SID, "TWILIO_API_KEY": "SKx"}],
)
def test_missing_credentials_are_a_usage_error(env):
    with pytest.raises(UsageError):
        Credentials.from_env(env)


def test_secret_is_not_in_repr():
    creds = Credentials(SID, SID, "super-secret-token")
    assert "super-secret-token" not in repr(creds)
    assert "super-secret-token" not in str(creds)
