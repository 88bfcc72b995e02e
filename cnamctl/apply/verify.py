"""Verifying outgoing caller IDs: the one step of cnamctl that needs a person.

Twilio adds an outgoing caller ID only after it has phoned the number and a
person has entered, on that call, the six-digit code the validation request
answered (Twilio's OutgoingCallerIds reference, "Add an OutgoingCallerId").
Twilio has no API that lists pending validations, so the only sign of success
is the caller ID appearing in the account's list.

So a plan never verifies (``plan/caller_ids.py``: a declared, unverified caller
ID is a notice), ``apply`` refuses to (``apply/prepare.py``), and this module is
used only by ``cnamctl verify-caller-ids``, which a person runs in a terminal:
``place_call`` starts one validation request, ``wait_until_verified`` polls the
caller-ID list (one filtered request per interval) until the number appears
or a bound passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from cnamctl.errors import CnamctlError, Location
from cnamctl.manifest.model import ManifestSet
from cnamctl.twilio.failures import access_error

PAGE_SIZE = 1000


class VerificationTimeout(CnamctlError):
    """Nobody entered the code within the bound."""


@dataclass(frozen=True)
class PendingCallerId:
    """A declared caller ID the account does not have yet."""

    phone_number: str
    friendly_name: str | None
    location: Location | None


@dataclass(frozen=True)
class Call:
    phone_number: str
    validation_code: str
    call_sid: str | None


def verified_numbers(client: Client, account_sid: str) -> set[str]:
    """E.164 numbers of every outgoing caller ID of the account (one paged list)."""
    try:
        callers = client.api.v2010.accounts(account_sid).outgoing_caller_ids.list(
            page_size=PAGE_SIZE
        )
    except (TwilioException, OSError) as err:
        raise access_error(err) from None
    return {str(c.phone_number) for c in callers}


def pending(manifests: ManifestSet, verified: set[str]) -> list[PendingCallerId]:
    return [
        PendingCallerId(e164, caller.friendly_name, caller.source)
        for e164, caller in sorted(manifests.caller_ids.items())
        if e164 not in verified
    ]


def place_call(client: Client, account_sid: str, caller: PendingCallerId) -> Call:
    """Ask Twilio to call ``caller`` now; the answer holds the code to enter."""
    account = client.api.v2010.accounts(account_sid)
    try:
        if caller.friendly_name:
            request = account.validation_requests.create(
                phone_number=caller.phone_number, friendly_name=caller.friendly_name
            )
        else:
            request = account.validation_requests.create(phone_number=caller.phone_number)
    except TwilioRestException as err:
        raise CnamctlError(
            f"Twilio did not call {caller.phone_number}: HTTP {err.status}, code {err.code}: "
            f"{err.msg}"
        ) from None
    except (TwilioException, OSError) as err:
        raise access_error(err) from None
    return Call(caller.phone_number, str(request.validation_code or ""), request.call_sid)


def wait_until_verified(
    client: Client,
    account_sid: str,
    phone_number: str,
    *,
    timeout: float,
    interval: float = 3.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_poll: Callable[[float, float], None] | None = None,
) -> str:
    """Poll until ``phone_number`` is an outgoing caller ID; returns its SID.

    ``on_poll(elapsed, timeout)`` is called before each poll, for a progress
    display. Raises VerificationTimeout once ``timeout`` seconds have passed.
    """
    callers = client.api.v2010.accounts(account_sid).outgoing_caller_ids
    started = clock()
    while True:
        elapsed = clock() - started
        if on_poll is not None:
            on_poll(elapsed, timeout)
        try:
            found = callers.list(phone_number=phone_number, page_size=PAGE_SIZE)
        except (TwilioException, OSError) as err:
            raise access_error(err) from None
        for caller in found:
            if caller.phone_number == phone_number:
                return str(caller.sid)
        remaining = timeout - (clock() - started)
        if remaining <= 0:
            raise VerificationTimeout(
                f"{phone_number} was not verified within {timeout:g} s (the call may have "
                "been missed or the code mistyped)"
            )
        sleep(min(interval, remaining))
