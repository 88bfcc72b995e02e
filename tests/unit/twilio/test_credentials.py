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


@pytest.mark.parametrize(
    ("variable", "bad"),
    [
        ("TWILIO_AUTH_TOKEN", "tok\u00e9n"),
        ("TWILIO_AUTH_TOKEN", "to ken"),
        ("TWILIO_ACCOUNT_SID", SID + "\u200b"),
        ("TWILIO_API_SECRET", "s\u20acret"),
    ],
)
def test_a_value_that_cannot_be_sent_is_refused_by_name_not_by_value(variable, bad):
    env = {"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": "tok"}
    if variable == "TWILIO_API_SECRET":
        env |= {"TWILIO_API_KEY": "SK" + "2" * 32}
    env[variable] = bad
    with pytest.raises(UsageError) as info:
        Credentials.from_env(env)
    message = str(info.value)
    assert message.startswith(f"{variable} holds a character Twilio credentials never contain")
    assert bad not in message
    assert "position" in message


def test_credentials_made_directly_are_checked_too():
    with pytest.raises(UsageError, match="the secret holds a character"):
        Credentials(SID, SID, "t\u00f6k")


def test_where_credentials_came_from_is_kept_for_messages():
    key = Credentials.from_env(
        {"TWILIO_ACCOUNT_SID": SID, "TWILIO_API_KEY": "SK" + "2" * 32, "TWILIO_API_SECRET": "s"}
    )
    token = Credentials.from_env({"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": "t"})
    assert (key.is_api_key, key.source) == (True, "TWILIO_API_KEY/TWILIO_API_SECRET")
    assert (token.is_api_key, token.source) == (False, "TWILIO_AUTH_TOKEN")
