"""Twilio Lookup calls: one ``GET /v2/PhoneNumbers/{n}?Fields=caller_name`` per number,
through the twilio SDK and cnamctl's HTTP client, a few at a time.

Each request goes through the account's client (its credentials, timeouts, read
retries and rate limiter, ``cnamctl/twilio/``), metered by the run's budget
(``budget.py``): a retry is sent only while the budget has room, so
``--max-lookups`` bounds every attempt that may be billed, not just every number.
The batch operation (``POST /v2/batch/query``) is not used: a POST is never
retried by cnamctl (it cannot tell whether a lost answer was processed), and a
failed batch would cost every number in it.

What Lookup answers is checked before it is believed: ``caller_name`` must be an
object of strings (or nulls) and an integer ``error_code``; anything else is an
error naming the server, as for every other Twilio answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from cnamctl.errors import CnamctlError, NotTwilioError
from cnamctl.text import quoted
from cnamctl.twilio.failures import access_error
from cnamctl.verify.model import Answer

MAX_AT_ONCE = 4  # lookups in flight per run
FIELDS = "caller_name"
MAX_NAME = 256

Job = tuple[Client, str]  # (the account's metered client, E.164)


def look_up(client: Client, phone_number: str, now: Callable[[], datetime]) -> Answer:
    """What Lookup answers for ``phone_number``; a CnamctlError if it does not."""
    try:
        found = client.lookups.v2.phone_numbers(phone_number).fetch(fields=FIELDS)
    except CnamctlError:
        raise
    except (TwilioException, OSError) as err:  # requests' connection errors are OSErrors
        raise access_error(err) from None
    if found.valid is False:
        errors = ", ".join(str(e) for e in found.validation_errors or []) or "no reason given"
        raise CnamctlError(f"Twilio Lookup says {phone_number} is not a valid number ({errors})")
    package: Any = found.caller_name
    if package is None:
        return Answer(None, None, None, now())
    return _answer(package, now())


def _answer(package: Any, when: datetime) -> Answer:
    if not isinstance(package, dict):
        raise _not_lookup(f"caller_name is {quoted(package)}, not an object")
    name, kind, code = (package.get(k) for k in ("caller_name", "caller_type", "error_code"))
    for field, value in (("caller_name", name), ("caller_type", kind)):
        if value is not None and (not isinstance(value, str) or len(value) > MAX_NAME):
            raise _not_lookup(f"caller_name.{field} is {quoted(value)}")
    if code is not None and (type(code) is not int):
        raise _not_lookup(f"caller_name.error_code is {quoted(code)}")
    return Answer(name or None, kind, code, when)


def _not_lookup(what: str) -> NotTwilioError:
    return NotTwilioError(f"Twilio Lookup answered something that is not its API ({what})")


def look_up_all(jobs: Sequence[Job], now: Callable[[], datetime]) -> list[Answer | CnamctlError]:
    """Every job's answer or error, in the order of ``jobs``, ``MAX_AT_ONCE`` at a time."""

    def one(job: Job) -> Answer | CnamctlError:
        client, number = job
        try:
            return look_up(client, number, now)
        except CnamctlError as err:
            return err

    if not jobs:
        return []
    with ThreadPoolExecutor(
        min(MAX_AT_ONCE, len(jobs)), thread_name_prefix="cnamctl-lookup"
    ) as pool:
        return list(pool.map(one, jobs))
