"""`cnamctl verify-caller-ids`: have Twilio call each declared, unverified caller ID
while a person is there to enter the code. Never without a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import click

from cnamctl.cli.options import hint, is_terminal, paths_argument, target_options
from cnamctl.errors import CnamctlError, UsageError
from cnamctl.text import inert

if TYPE_CHECKING:  # imported where used: `cnamctl --help` loads this module (cli/app.py)
    from rich.console import Console

    from cnamctl.apply.verify import PendingCallerId
    from cnamctl.plan.model import Plan
    from cnamctl.workspace import AccountPlan


@click.command("verify-caller-ids")
@paths_argument
@target_options
@click.option(
    "--number",
    "numbers",
    multiple=True,
    metavar="E164",
    help="Only this declared number (repeatable); default: every unverified one.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=300.0,
    show_default=True,
    help="Seconds to wait for each number after Twilio starts calling it.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.5),
    default=3.0,
    show_default=True,
    help="Seconds between checks whether the number is verified.",
)
def verify_caller_ids(
    paths: tuple[str, ...],
    api_url: str | None,
    embedded: bool,
    numbers: tuple[str, ...],
    timeout: float,
    interval: float,
) -> None:
    """Verify the outgoing caller IDs declared in PATHS that Twilio does not have yet.

    For each one, one after the other: Twilio calls the number, this shows the
    six-digit code to enter on that call, and waits (at most --timeout seconds)
    until the caller ID appears. It asks before calling, and refuses to run
    without a terminal, so a scheduled job never phones anyone.
    """
    from cnamctl.apply.verify import pending, verified_numbers
    from cnamctl.manifest import load_workspace
    from cnamctl.twilio.target import open_endpoint
    from cnamctl.workspace import AccountPlan, for_each_account, named

    if not _interactive():
        raise UsageError(
            "verify-caller-ids has Twilio phone each number and waits for a person to enter "
            "a code, so it runs only in a terminal: run "
            f"`{hint('verify-caller-ids', *paths)}` there (`cnamctl plan` lists the caller "
            "IDs waiting, with status unverified)"
        )
    accounts = [AccountPlan.of(s) for s in load_workspace(paths)]
    _check_numbers(numbers, accounts)
    with open_endpoint(api_url, embedded) as endpoint:
        todo: dict[int, list[PendingCallerId]] = {}

        def read(account: AccountPlan) -> None:
            assert account.manifests is not None
            account.client = client = endpoint.client_for(account.account)
            sid = account.account.sid if account.account else client.account_sid
            assert sid is not None
            found = pending(account.manifests, verified_numbers(client, sid))
            todo[id(account)] = [p for p in found if not numbers or p.phone_number in numbers]

        for_each_account(accounts, read)
        calls = [(a, p) for a in accounts for p in todo.get(id(a), [])]
        if not calls:
            _report_errors(accounts)
            click.echo("Every declared caller ID is verified.")
            return
        click.echo("Twilio will call these numbers, one after the other:")
        for account, caller in calls:
            where = f"  {account.name}:" if named(accounts) else ""
            name = f" ({caller.friendly_name})" if caller.friendly_name else ""
            source = f"  # {caller.location}" if caller.location else ""
            click.echo(f"{where}  {caller.phone_number}{name}{source}")
        noun = "call" if len(calls) == 1 else "calls"
        if not click.confirm(
            f"Place {len(calls)} {noun} through {endpoint.label}? Answer each and enter "
            "the code shown",
            default=False,
            err=True,
        ):
            raise UsageError("nothing was called")
        failed = _call_each(calls, timeout, interval)
    _report_errors(accounts)
    done = len(calls) - len(failed)
    click.echo(f"{done} of {len(calls)} caller IDs verified.")
    if failed or any(a.error for a in accounts):
        raise CnamctlError(
            f"not verified: {', '.join(failed) or 'see the errors above'}; run "
            f"`{hint('verify-caller-ids', *paths)}` again for a new call"
        )


def _call_each(
    calls: Sequence[tuple[AccountPlan, PendingCallerId]], timeout: float, interval: float
) -> list[str]:
    """Place each call and wait for it; the numbers that were not verified."""
    from rich.console import Console

    from cnamctl.apply.verify import VerificationTimeout, place_call

    console = Console(stderr=True)
    failed = []
    for index, (account, caller) in enumerate(calls):
        assert account.client is not None
        sid = account.account.sid if account.account else account.client.account_sid
        assert sid is not None
        try:
            call = place_call(account.client, sid, caller)
        except CnamctlError as err:
            click.echo(inert(f"error: {err}"), err=True)
            failed.append(caller.phone_number)
            continue
        click.echo(
            f"Twilio is calling {caller.phone_number} now: answer and enter {call.validation_code}"
        )
        try:
            found = _wait(console, account, sid, caller.phone_number, timeout, interval)
            click.echo(f"verified {caller.phone_number} ({found})")
        except VerificationTimeout as err:
            click.echo(f"not verified: {err}", err=True)
            failed.append(caller.phone_number)
        except KeyboardInterrupt:
            click.echo(f"stopped waiting for {caller.phone_number}", err=True)
            failed.extend(c.phone_number for _, c in calls[index:])
            break
        except CnamctlError as err:
            click.echo(inert(f"error: {err}"), err=True)
            failed.append(caller.phone_number)
    return failed


def _wait(
    console: Console,
    account: AccountPlan,
    sid: str,
    number: str,
    timeout: float,
    interval: float,
) -> str:
    """Wait for ``number`` with a spinner, elapsed time and the bound, on stderr."""
    from cnamctl.apply.verify import wait_until_verified

    assert account.client is not None
    with console.status(f"waiting for {number}") as status:

        def show(elapsed: float, bound: float) -> None:
            status.update(
                f"waiting for {number} to be verified: {elapsed:.0f} s of {bound:.0f} s "
                "(Ctrl-C to stop)"
            )

        return wait_until_verified(
            account.client, sid, number, timeout=timeout, interval=interval, on_poll=show
        )


def _check_numbers(numbers: Iterable[str], accounts: Sequence[AccountPlan]) -> None:
    declared = {e164 for a in accounts if a.manifests for e164 in a.manifests.caller_ids}
    unknown = sorted(set(numbers) - declared)
    if unknown:
        raise UsageError(
            f"--number {', '.join(unknown)}: not a declared OutgoingCallerId (give E.164, "
            "e.g. +14155550100)"
        )


def _report_errors(accounts: Sequence[AccountPlan]) -> None:
    for account in accounts:
        if account.error is not None:
            click.echo(inert(f"error: {account.name}: {account.error}"), err=True)


def _interactive() -> bool:
    return is_terminal(sys.stdin) and is_terminal(sys.stdout)


def verification_hint(plans: Iterable[Plan | None], paths: Sequence[str]) -> str | None:
    """The advice a plan or apply prints when caller IDs wait for a person."""
    from cnamctl.plan.caller_ids import awaiting_verification

    waiting = sum(len(awaiting_verification(p)) for p in plans if p is not None)
    if not waiting:
        return None
    noun = "caller ID waits" if waiting == 1 else "caller IDs wait"
    return (
        f"{waiting} declared {noun} for a person to verify: run "
        f"`{hint('verify-caller-ids', *paths)}` in a terminal (Twilio calls, you enter a code)"
    )
