"""`cnamctl apply`: manifests or a saved plan -> Twilio.

Manifests of several accounts (Account documents) are planned together, shown
grouped by account, confirmed once, then applied one account after the other;
an account that cannot be planned or applied does not stop the others.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import click
from rich.console import Console

from cnamctl.apply.events import EventSink, ignore
from cnamctl.apply.executor import DEFAULT_CONCURRENCY, DEFAULT_MAX_RPS, ApplySettings, apply_plan
from cnamctl.apply.operations import DEFAULT_SETTLE_SECONDS
from cnamctl.apply.prepare import Prepared, from_account, from_saved, is_saved_plan
from cnamctl.apply.progress import PlainLog, RichProgress
from cnamctl.apply.report import (
    AccountOutcome,
    render_accounts_result_json,
    render_result_json,
    render_summary,
)
from cnamctl.apply.result import ApplyResult
from cnamctl.cli.options import is_quiet, paths_argument, target_options, use_color
from cnamctl.errors import ApplyError, CnamctlError, UsageError
from cnamctl.manifest import load_workspace
from cnamctl.plan.model import Plan
from cnamctl.plan.render import render_text
from cnamctl.plan.render.accounts import AccountSection, render_accounts_text, section_header
from cnamctl.twilio.target import Endpoint, open_endpoint
from cnamctl.workspace import plan_accounts

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)
"""``--format text|json``, shared by ``apply`` and ``status``."""


@click.command()
@paths_argument
@target_options
@click.option("--auto-approve", is_flag=True, help="Apply without asking (required without a TTY).")
@click.option(
    "--force", is_flag=True, help="Apply even when removals exceed the safety thresholds."
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    help="Changes in flight at once.",
)
@click.option(
    "--max-rps",
    type=click.FloatRange(min=0),
    default=DEFAULT_MAX_RPS,
    show_default=True,
    help="Client-side limit on Twilio requests per second (0: none).",
)
@click.option(
    "--settle",
    "settle_seconds",
    type=click.FloatRange(0, 60),
    default=DEFAULT_SETTLE_SECONDS,
    show_default=True,
    envvar="CNAMCTL_SETTLE_SECONDS",
    help="Seconds to wait after creating a trust product before checking whether a "
    "concurrent apply created the same one (docs/apply.md).",
)
@format_option
def apply(
    paths: tuple[str, ...],
    api_url: str | None,
    embedded: bool,
    auto_approve: bool,
    force: bool,
    concurrency: int,
    max_rps: float,
    settle_seconds: float,
    fmt: str,
) -> None:
    """Make Twilio match the manifests in PATHS, or apply a plan saved by `plan -o`.

    The plan is shown first (text format), then confirmed unless --auto-approve
    is given or PATHS is a saved plan (reviewed when it was saved).
    """
    saved = is_saved_plan(paths)
    chatty = fmt == "text" and not is_quiet()
    settings = ApplySettings(
        concurrency=concurrency, max_rps=max_rps or None, settle_seconds=settle_seconds
    )
    with open_endpoint(api_url, embedded, max_rps=settings.max_rps) as endpoint:
        if saved:
            client = endpoint.client_for(None)
            accounts = [_Account("saved plan", from_saved(paths[0], client, force=force))]
        else:
            accounts = _plan(paths, endpoint, force=force)
        several = len(accounts) > 1
        if chatty:
            click.echo(_plans_text(accounts, several), nl=False)
        changes = sum(len(a.plan.changes) for a in accounts if a.plan)
        if changes and not (saved or auto_approve):
            _confirm(accounts, changes, shown=chatty)
        interrupted = False
        for account in accounts:
            if account.plan is None or not account.plan.has_changes:
                continue
            if interrupted:  # Ctrl-C or SIGTERM: no further account is started
                account.error = ApplyError("not started: the run was interrupted")
                continue
            if several and fmt == "text":
                click.echo(section_header(account.name))
            account.result = _execute(account, settings, endpoint.label, chatty, several)
            interrupted = account.result.interrupted
            if fmt == "text":
                click.echo(render_summary(account.result), nl=False)
    if fmt == "json":
        click.echo(_result_json(accounts, several), nl=False)
    _check(accounts)


@dataclass
class _Account:
    """One account of the run: what was prepared (or why not) and what applying did."""

    name: str
    prepared: Prepared | None = None
    error: CnamctlError | None = None
    result: ApplyResult | None = None

    @property
    def plan(self) -> Plan | None:
        return self.prepared.plan if self.prepared else None

    def outcome(self) -> AccountOutcome:
        sid = self.prepared.live.account_sid if self.prepared else None
        error = str(self.error) if self.error else None
        return AccountOutcome(self.name, sid, self.result, error)


def _plan(paths: Sequence[str], endpoint: Endpoint, *, force: bool) -> list[_Account]:
    """Plan and check every account; with one account its error is raised, with
    several it is kept beside the others."""
    planned = plan_accounts(load_workspace(paths), endpoint)
    accounts = []
    for one in planned:
        try:
            accounts.append(_Account(one.name, from_account(one, force=force)))
        except CnamctlError as err:
            if len(planned) == 1:
                raise
            accounts.append(_Account(one.name, error=err))
    return accounts


def _plans_text(accounts: list[_Account], several: bool) -> str:
    if not several:
        plan = accounts[0].plan
        assert plan is not None
        return render_text(plan, color=use_color())
    sections = [
        AccountSection(a.name, a.plan, _first_line(a.error) if a.error else None) for a in accounts
    ]
    return render_accounts_text(sections, color=use_color())


def _execute(
    account: _Account, settings: ApplySettings, label: str, chatty: bool, several: bool
) -> ApplyResult:
    prepared = account.prepared
    assert prepared is not None
    plan = prepared.plan
    if chatty:
        where = f"{account.name} at {label}" if several else label
        click.echo(f"Applying {len(plan.changes)} changes to {where}", err=True)
    with _progress(plan, chatty) as sink, _terminate_as_interrupt():
        return apply_plan(
            prepared.client,
            plan,
            live=prepared.live,
            manifests=prepared.manifests,
            settings=settings,
            on_event=sink,
        )


def _result_json(accounts: list[_Account], several: bool) -> str:
    if several:
        return render_accounts_result_json([a.outcome() for a in accounts])
    return render_result_json(accounts[0].result or ApplyResult())


def _check(accounts: list[_Account]) -> None:
    """Exit 1 (with what did not apply) unless every account applied everything."""
    failed = [a for a in accounts if not a.outcome().ok]
    if not failed:
        return
    if len(accounts) == 1:
        result = accounts[0].result
        assert result is not None
        not_done = len(result.changes) - result.counts()["applied"]
        raise ApplyError(
            f"{not_done} of {len(result.changes)} changes did not apply; "
            "re-running `cnamctl apply` is safe"
        )
    for account in failed:
        if account.error is not None:
            click.echo(f"error: {account.name}: {account.error}", err=True)
    names = ", ".join(a.name for a in failed)
    raise ApplyError(
        f"{len(failed)} of {len(accounts)} accounts did not apply completely ({names}); "
        "re-running `cnamctl apply` is safe"
    )


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def _confirm(accounts: list[_Account], changes: int, *, shown: bool) -> None:
    """Ask once on the terminal; ``shown``: the plans are already on stdout."""
    if not sys.stdin.isatty():
        raise UsageError(
            "apply needs confirmation but stdin is not a terminal: "
            "pass --auto-approve, or apply a plan saved with `cnamctl plan -o`"
        )
    if not shown:
        click.echo(_plans_text(accounts, len(accounts) > 1), nl=False, err=True)
    where = f" in {len(accounts)} accounts" if len(accounts) > 1 else ""
    if not click.confirm(f"Apply these {changes} changes{where}?", default=False, err=True):
        raise UsageError("apply cancelled; nothing was changed")


@contextmanager
def _progress(plan: Plan, chatty: bool) -> Iterator[EventSink]:
    """Bars on a terminal, a line per change otherwise; nothing for json or --quiet."""
    if not chatty:
        yield ignore
    elif sys.stderr.isatty():
        with RichProgress(plan, Console(stderr=True)) as bars:
            yield bars
    else:
        yield PlainLog(sys.stdout)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a cancelled CI job) stops the run like Ctrl-C: in-flight changes
    finish, nothing new starts, and the summary says what was and was not done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
