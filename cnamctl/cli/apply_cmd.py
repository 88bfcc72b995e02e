"""`cnamctl apply`: manifests or a saved plan -> Twilio.

The command parses, confirms, renders and picks the exit code; preparing the
accounts is ``apply/prepare.py``, running them (signals, progress) ``apply/run.py``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from cnamctl.apply.defaults import (
    DEFAULT_ACCOUNTS_AT_ONCE,
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_RPS,
    DEFAULT_SETTLE_SECONDS,
)
from cnamctl.cli.caller_ids_cmd import verification_hint
from cnamctl.cli.options import (
    format_option,
    hint,
    is_quiet,
    is_terminal,
    paths_argument,
    target_options,
    use_color,
)
from cnamctl.errors import ApplyError, UsageError
from cnamctl.text import inert

if TYPE_CHECKING:  # imported where used: `cnamctl --help` loads this module (cli/app.py)
    from cnamctl.apply.prepare import PreparedAccount
    from cnamctl.apply.progress import Display
    from cnamctl.apply.result import AccountOutcome, ApplyResult
    from cnamctl.plan.model import Plan
    from cnamctl.twilio.target import Endpoint


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
    "--accounts-concurrency",
    "accounts_at_once",
    type=click.IntRange(1, 64),
    default=DEFAULT_ACCOUNTS_AT_ONCE,
    show_default=True,
    help="Accounts read and applied at once, each with its own --concurrency workers "
    "and its own --max-rps limit (Twilio limits each account apart).",
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
    help="Seconds a new write may take to show in Twilio's lists: apply waits this long "
    "before trusting that it is absent, and before checking for a concurrent apply's "
    "duplicate (docs/apply.md).",
)
@format_option()
def apply(
    paths: tuple[str, ...],
    api_url: str | None,
    embedded: bool,
    auto_approve: bool,
    force: bool,
    concurrency: int,
    accounts_at_once: int,
    max_rps: float,
    settle_seconds: float,
    fmt: str,
) -> None:
    """Make Twilio match the manifests in PATHS, or apply a plan saved by `plan -o`.

    The plan is shown first (text format), then confirmed unless --auto-approve
    is given or PATHS is a saved plan (reviewed when it was saved). Ctrl-C stops
    cleanly: changes in flight finish, nothing new starts.
    """
    from cnamctl.apply.executor import ApplySettings
    from cnamctl.apply.prepare import looks_like_saved_plan, prepare_planned, prepare_saved
    from cnamctl.apply.report import render_result_json
    from cnamctl.apply.run import ApplyRun
    from cnamctl.manifest import load_workspace
    from cnamctl.plan.saved import load_saved_plan
    from cnamctl.twilio.target import open_endpoint
    from cnamctl.workspace import named, plan_accounts

    saved = load_saved_plan(paths[0]) if looks_like_saved_plan(paths) else None
    text = fmt == "text" and not is_quiet()
    flags = [f for f, on in (("--auto-approve", auto_approve), ("--force", force)) if on]
    if saved is not None:
        replan = saved.command or hint("plan", "MANIFESTS", "-o", saved.path)
        rerun = f"`{replan}`, then `{hint('apply', saved.path)}`"
    else:
        rerun = f"`{hint('apply', *flags, *paths)}`"
    settings = ApplySettings(
        concurrency=concurrency, max_rps=max_rps or None, settle_seconds=settle_seconds
    )
    # manifests first: a bad one is reported before anything is opened or created
    # (the embedded emulator writes its database when it opens)
    sets = load_workspace(paths) if saved is None else None
    with open_endpoint(api_url, embedded, max_rps=settings.max_rps) as endpoint:
        if saved is not None:
            accounts = prepare_saved(
                saved, endpoint, force=force, replan=replan, at_once=accounts_at_once
            )
        else:
            assert sets is not None
            planned = plan_accounts(sets, endpoint, at_once=accounts_at_once)
            accounts = prepare_planned(planned, force=force)
        if text:
            click.echo(_plans_text(accounts), nl=False)
            advice = verification_hint((a.plan for a in accounts), paths)
            if advice and saved is None:
                click.echo(advice, err=True)
        changes = sum(len(a.plan.changes) for a in accounts if a.plan)
        if changes and saved is None and not auto_approve:
            _confirm(accounts, endpoint, changes, paths, shown=text)
        observer = _TextObserver(endpoint, rerun, named(accounts)) if text else _Quiet()
        busy = sum(1 for a in accounts if a.plan and a.plan.has_changes)
        if text and busy > 1 and accounts_at_once > 1:
            click.echo(
                f"Applying {busy} accounts, {min(busy, accounts_at_once)} at a time; "
                "their output follows in account order",
                err=True,
            )
        run = ApplyRun(accounts, settings, observer, accounts_at_once=accounts_at_once)
        outcomes = run.run()
    if fmt == "json":
        click.echo(render_result_json(outcomes), nl=False)
    failure = _failure(outcomes, named(accounts), rerun)
    if run.abandoned:  # requests still in flight in worker threads: do not wait for them
        if failure is not None:
            click.echo(inert(f"error: {failure}"), err=True)
        _hard_exit(1)
    if failure is not None:
        raise failure


class _TextObserver:
    """Text output of a run: a header per named account, progress, the summary."""

    def __init__(self, endpoint: Endpoint, rerun: str, headers: bool):
        self._where = endpoint.label
        self._rerun = rerun
        self._headers = headers

    def account_started(self, account: PreparedAccount, plan: Plan) -> None:
        from cnamctl.plan.render.accounts import section_header

        if self._headers:
            click.echo(section_header(account.name))
        who = f"{account.name} at {self._where}" if self._headers else self._where
        click.echo(f"Applying {len(plan.changes)} changes to {who}", err=True)

    def account_finished(self, account: PreparedAccount, result: ApplyResult) -> None:
        from cnamctl.apply.report import render_summary

        click.echo(render_summary(result, rerun=self._rerun), nl=False)

    def display(self, plan: Plan) -> Display:
        """Bars on a terminal, a line per change otherwise."""
        from rich.console import Console

        from cnamctl.apply.progress import PlainLog, RichProgress

        if is_terminal(sys.stderr):
            return RichProgress(plan, Console(stderr=True))
        return PlainLog(sys.stdout)

    def notify(self, message: str) -> None:
        click.echo(message, err=True)


class _Quiet:
    """``--format json`` or ``-q``: nothing while it runs but the stop messages
    (on stderr, and not with ``-q``)."""

    def __init__(self) -> None:
        self._stream = None if is_quiet() else sys.stderr

    def account_started(self, account: PreparedAccount, plan: Plan) -> None:
        return None

    def account_finished(self, account: PreparedAccount, result: ApplyResult) -> None:
        return None

    def display(self, plan: Plan) -> Display:
        from cnamctl.apply.progress import Silent

        return Silent(self._stream)

    def notify(self, message: str) -> None:
        if self._stream is not None:
            click.echo(message, err=True)


def _plans_text(accounts: Sequence[PreparedAccount]) -> str:
    from cnamctl.plan.render import render_text
    from cnamctl.plan.render.accounts import AccountSection, render_accounts_text
    from cnamctl.workspace import named

    if not named(accounts):
        (account,) = accounts
        assert account.plan is not None
        return render_text(account.plan, color=use_color())
    sections = [
        AccountSection(a.name, a.plan, _first_line(a.error) if a.error else None) for a in accounts
    ]
    return render_accounts_text(sections, color=use_color())


def _failure(outcomes: Sequence[AccountOutcome], several: bool, rerun: str) -> ApplyError | None:
    """Exit 1 (with what did not apply) unless every account applied everything."""
    failed = [o for o in outcomes if not o.ok]
    if not failed:
        return None
    if not several:
        (outcome,) = outcomes
        if outcome.result is None:
            return ApplyError(outcome.error or "apply failed")
        result = outcome.result
        not_done = len(result.changes) - result.counts()["applied"]
        return ApplyError(
            f"{not_done} of {len(result.changes)} changes did not apply; re-running {rerun} is safe"
        )
    for outcome in failed:
        if outcome.error is not None:
            click.echo(inert(f"error: {outcome.name}: {outcome.error}"), err=True)
    names = ", ".join(o.name for o in failed)
    return ApplyError(
        f"{len(failed)} of {len(outcomes)} accounts did not apply completely ({names}); "
        f"re-running {rerun} is safe"
    )


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def _stdin_is_terminal() -> bool:
    return is_terminal(sys.stdin)


def _confirm(
    accounts: Sequence[PreparedAccount],
    endpoint: Endpoint,
    changes: int,
    paths: Sequence[str],
    *,
    shown: bool,
) -> None:
    """Ask once on the terminal, naming the accounts and where the changes go; real
    Twilio takes only ``yes``. ``shown``: the plans are already on stdout."""
    from cnamctl.workspace import named

    if not _stdin_is_terminal():
        raise UsageError(
            "apply needs confirmation but stdin is not a terminal: run "
            f"`{hint('apply', '--auto-approve', *paths)}`, or apply a plan saved with "
            f"`{hint('plan', *paths, '-o', 'plan.json')}`"
        )
    if not shown:
        click.echo(_plans_text(accounts), nl=False, err=True)
    ready = [a for a in accounts if a.plan and a.plan.has_changes]
    if named(accounts):
        who = ", ".join(a.name for a in ready)
        who = f"{len(ready)} accounts ({who})" if len(ready) > 1 else who
    else:
        who = f"account {ready[0].account_sid}"
    noun = "change" if changes == 1 else "changes"
    question = f"Apply {changes} {noun} to {who} on {endpoint.label}?"
    if _is_real_twilio(endpoint):
        answer = click.prompt(
            f"{question}\n  Only 'yes' is accepted",
            default="",
            show_default=False,
            err=True,
        )
        agreed = answer.strip() == "yes"
    else:
        agreed = click.confirm(question, default=False, err=True)
    if not agreed:
        raise UsageError("apply cancelled; nothing was changed")


def _is_real_twilio(endpoint: Endpoint) -> bool:
    return endpoint.api_url is None and not endpoint.embedded


def _hard_exit(code: int) -> None:
    """End the process now, without waiting for worker threads (after a second Ctrl-C)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
