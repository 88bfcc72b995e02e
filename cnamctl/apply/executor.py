"""Run a plan: ready changes on a bounded pool, each in its own retry loop.

The main thread owns the schedule (``graph.Schedule``): it hands the lowest
ready changes to at most ``concurrency`` workers, and as each finishes releases
its dependents or skips them. Workers share the account's rate limiter, which
sits in the SDK client's HttpClient (``cnamctl/twilio/http.py``).

One change's retry loop (``_attempt_change``):

1. send the write (``Operation.run``);
2. on THROTTLED or NOT_SENT: the write did not happen; wait (Retry-After,
   else exponential backoff with jitter) and go to 1;
3. on AMBIGUOUS: wait, then read back (``Operation.read_back``); in effect ->
   done, absent -> go to 1. A read-back that fails is retried itself: the
   write is never sent again until a read-back has answered;
4. on REJECTED: read back; in effect -> done (Twilio said "already exists" or
   "not found" to a write that had already happened), else failed.

Twilio may list or fetch an object a little after it is written (users report
404s for resources that exist). So for a write that is not ``repeatable`` (a
second one would create a duplicate, or be refused as one), a read-back that
finds nothing is trusted only once ``settle_seconds`` have passed since the
write was sent; until then it is asked again. Repeatable writes (updates,
unassignments, deletions) are simply sent again.

Throttling and faults have separate budgets (``WritePolicy``), each bounded in
attempts and total time; when a budget runs out after an ambiguous failure, a
last read-back decides between applied and failed.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from twilio.rest import Client

from cnamctl.apply.defaults import DEFAULT_CONCURRENCY, DEFAULT_MAX_RPS, DEFAULT_SETTLE_SECONDS
from cnamctl.apply.evaluation import to_problems
from cnamctl.apply.events import ChangeFinished, ChangeRetrying, ChangeStarted, EventSink, ignore
from cnamctl.apply.failures import Failure, FailureKind, classify
from cnamctl.apply.graph import DependencyGraph
from cnamctl.apply.operations import (
    OPERATIONS,
    Context,
    Done,
    Noncompliant,
    Operation,
    discard_end_user,
    product_exists,
)
from cnamctl.apply.result import ApplyResult, ChangeResult, Outcome
from cnamctl.apply.runner import Runner, ThreadRunner
from cnamctl.errors import Problem
from cnamctl.live.model import Snapshot
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan.addresses import SPEC_OF_KIND
from cnamctl.plan.model import Action, Change, Plan, is_ref, ref
from cnamctl.twilio.client import paced
from cnamctl.twilio.retry import RetryBudget, RetryPolicy

_SETTLE_POLL = 0.5  # seconds between read-backs while a write may not be visible yet


@dataclass(frozen=True)
class WritePolicy:
    """Retry budgets of one change: 429s are patient, faults are few."""

    throttle: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(
            max_attempts=40, base_delay=0.5, max_delay=10.0, total_timeout=300.0
        )
    )
    faults: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(
            max_attempts=8, base_delay=0.2, max_delay=5.0, total_timeout=120.0
        )
    )


@dataclass(frozen=True)
class ApplySettings:
    concurrency: int = DEFAULT_CONCURRENCY
    max_rps: float | None = DEFAULT_MAX_RPS  # None: no client-side limit
    retry: WritePolicy = field(default_factory=WritePolicy)
    # the wait before a new product's duplicate check (operations.py, "Two applies
    # at once"); also how long a create is read back before it counts as absent
    settle_seconds: float = DEFAULT_SETTLE_SECONDS


class _Budgets:
    def __init__(self, policy: WritePolicy):
        self.throttle: RetryBudget = policy.throttle.start()
        self.faults: RetryBudget = policy.faults.start()

    def next_wait(self, failure: Failure, retry_after: float | None) -> float | None:
        if failure.kind is FailureKind.THROTTLED:
            return self.throttle.next_wait(retry_after)
        return self.faults.next_wait()


@dataclass
class _Tried:
    """How one change's retry loop ended: ``done`` when in effect."""

    attempts: int = 0
    done: Done | None = None
    read_back: bool = False  # settled by a read-back
    message: str = ""
    problems: list[Problem] = field(default_factory=list)


class Executor:
    def __init__(
        self,
        client: Client,
        plan: Plan,
        *,
        live: Snapshot | None = None,
        manifests: ManifestSet | None = None,
        settings: ApplySettings | None = None,
        on_event: EventSink = ignore,
        operations: Mapping[Action, Operation] = OPERATIONS,
        runner: Callable[[int], Runner] = ThreadRunner,
    ):
        self.plan = plan
        self.live = live
        self.manifests = manifests
        self.settings = settings or ApplySettings()
        self.on_event = on_event
        self.operations = operations
        self.runner = runner
        paced_client, self._http = paced(client, self.settings.max_rps)
        self.limiter = self._http.limiter
        self._stop = threading.Event()
        self.context = Context(
            client=paced_client,
            account_sid=client.account_sid,
            existing=frozenset(plan.fingerprints),
            live=live,
            settle_seconds=self.settings.settle_seconds,
            wait=self._stop.wait,
        )
        self._lock = threading.Lock()
        self._retries = 0
        self._changes = plan.by_address()

    # --- the run ---------------------------------------------------------------------

    def run(self) -> ApplyResult:
        """Apply every change; never raises for a change's failure (see the result)."""
        graph = DependencyGraph(self.plan.changes)  # raises before any write if invalid
        schedule = graph.schedule()
        started = time.monotonic()
        before = self._request_counts()
        results: dict[str, ChangeResult] = {}
        sids: dict[str, str] = {}
        interrupted = False

        def settle(result: ChangeResult) -> None:
            results[result.address] = result
            self.on_event(ChangeFinished(result))

        runner = self.runner(max(1, self.settings.concurrency))
        in_flight: dict[Future[tuple[ChangeResult, str | None]], Change] = {}

        def finish(future: Future[tuple[ChangeResult, str | None]], *, release: bool) -> None:
            """Settle a finished change; ``release`` its dependents (or skip them)."""
            change = in_flight.pop(future)
            result, sid = future.result()
            settle(result)
            if not release:
                return
            if result.ok:
                if sid:
                    sids[change.address] = sid
                schedule.succeeded(change.address)
            else:
                for skipped, cause in schedule.failed(change.address):
                    settle(
                        ChangeResult.unattempted(skipped, Outcome.SKIPPED, f"{cause} did not apply")
                    )

        abandoned = False
        try:
            while True:
                while len(in_flight) < self.settings.concurrency and not self._stop.is_set():
                    change = schedule.pop_ready()
                    if change is None:
                        break
                    future = runner.submit(partial(self._run_change, change, sids))
                    in_flight[future] = change
                if not in_flight:
                    break
                for future in runner.next_done(in_flight):
                    finish(future, release=True)
        except KeyboardInterrupt:
            interrupted = True
            self._stop.set()  # nothing new starts; retry loops end at their next wait
            try:
                while in_flight:  # changes in flight finish: their outcome is then known
                    for future in runner.next_done(in_flight):
                        finish(future, release=False)
            except KeyboardInterrupt:  # asked twice: stop waiting, say what is unknown
                abandoned = True
                for change in in_flight.values():
                    settle(
                        ChangeResult.unattempted(
                            change, Outcome.UNKNOWN, f"interrupted twice while in flight; {_RERUN}"
                        )
                    )
        finally:
            runner.close(wait=not abandoned)
        for change in schedule.unsettled():
            if change.address not in results:
                settle(ChangeResult.unattempted(change, Outcome.NOT_RUN, "run interrupted"))
        if not (interrupted or self._stop.is_set()):
            self._discard_unused_end_users(results, sids)
        after = self._request_counts()
        ordered = [results[c.address] for c in self.plan.changes if c.address in results]
        return ApplyResult(
            changes=ordered,
            requests={m: after[m] - before.get(m, 0) for m in after if after[m] - before.get(m, 0)},
            retries=self._retries,
            throttled=self.limiter.throttle_events,
            seconds=time.monotonic() - started,
            interrupted=interrupted or self._stop.is_set(),
        )

    def _discard_unused_end_users(
        self, results: dict[str, ChangeResult], sids: Mapping[str, str]
    ) -> None:
        """An end user this run created that ends up on no product would be left with
        nobody to use it: its assignment did not apply, or its product is gone
        (removed as a duplicate by a concurrent apply, see operations.py). Delete it,
        and say so on the change that created it."""
        for change in self.plan.changes:
            created = results.get(change.address)
            sid = sids.get(change.address)
            if change.action is not Action.CREATE_END_USER or created is None:
                continue
            if sid is None or sid not in created.sids:
                continue  # not applied, or an adopted orphan: not this run's to delete
            assigns = [c for c in self.plan.changes if ref(change.address) in c.params.values()]
            if not assigns:
                continue
            products = {c.params.get("trust_product") for c in assigns}
            troubled = any(
                not r.ok
                for c in self.plan.changes
                if c.params.get("trust_product") in products and (r := results.get(c.address))
            )
            if not troubled:
                continue
            on_a_product = any(
                results[c.address].ok
                and product_exists(self.context, resolve_refs(c.params, sids)["trust_product"])
                for c in assigns
                if c.address in results
            )
            if not on_a_product and discard_end_user(self.context, sid):
                results[change.address] = replace(
                    created, details={**created.details, "deleted_unused": sid}
                )

    def stop(self) -> None:
        """Ask the run to stop: no new changes start, retries end early."""
        self._stop.set()

    # --- one change ------------------------------------------------------------------

    def _run_change(
        self, change: Change, sids: Mapping[str, str]
    ) -> tuple[ChangeResult, str | None]:
        started = time.monotonic()
        self.on_event(ChangeStarted(change))
        params: dict[str, Any] = {}
        try:
            params = resolve_refs(change.params, sids)
        except KeyError as err:
            tried = _Tried(message=f"no SID for {err.args[0]!r}: its change reported none")
        else:
            tried = self._attempt_change(change, params)
        done = tried.done
        target = (done.sid if done else None) or params.get("trust_product")
        if done is not None:
            outcome = Outcome.APPLIED
        elif self._stop.is_set() and not tried.attempts:
            outcome = Outcome.NOT_RUN
        else:
            outcome = Outcome.FAILED
        result = ChangeResult(
            change.address,
            change.action,
            outcome,
            sids=(done.sid,) if done and done.created and done.sid else (),
            target=target,
            attempts=tried.attempts,
            read_back=tried.read_back,
            message=tried.message,
            problems=tuple(tried.problems),
            status=done.status if done else None,
            subject=self._subject(change),
            details=dict(done.details) if done else {},
            seconds=time.monotonic() - started,
        )
        return result, done.sid if done else None

    def _attempt_change(self, change: Change, params: Mapping[str, Any]) -> _Tried:
        op = self.operations[change.action]
        budgets = _Budgets(self.settings.retry)
        attempts = 0
        must_read_back = False
        last: Failure | None = None
        sent_at = time.monotonic()  # when the last write's answer came (see below)
        while True:
            if self._stop.is_set():
                return _Tried(attempts, message=_stopped(last))
            if must_read_back:
                try:
                    found = op.read_back(self.context, params)
                except Exception as err:
                    failure = classify(err)
                    if not self._pause(change, attempts, failure, budgets, "read-back "):
                        message = f"outcome unknown ({failure.message}); {_RERUN}"
                        return _Tried(attempts, message=message)
                    continue
                if found is not None:
                    return _Tried(attempts, found, read_back=True)
                if self._settling(op, sent_at):
                    continue  # not visible yet, perhaps: ask again before writing again
                must_read_back = False
            attempts += 1
            try:
                return _Tried(attempts, op.run(self.context, params))
            except Noncompliant as err:
                problems = to_problems(err.findings, self._profile(change), change.location)
                return _Tried(attempts, message=str(err), problems=problems)
            except Exception as err:
                last = classify(err)
            # Another party's write (or ours, when the answer was lost) happened before
            # this answer arrived: the settle window for reading it back starts now, not
            # when ``run`` began (a submission itself waits before it writes).
            sent_at = time.monotonic()
            if last.kind is FailureKind.REJECTED:
                found = self._read_back_settled(op, params, sent_at)
                if found is not None:
                    return _Tried(attempts, found, read_back=True)
                return _Tried(attempts, message=last.message + _hint(last, params))
            must_read_back = must_read_back or last.kind is FailureKind.AMBIGUOUS
            if not self._pause(change, attempts, last, budgets, ""):
                found = self._read_back_settled(op, params, sent_at) if must_read_back else None
                if found is not None:
                    return _Tried(attempts, found, read_back=True)
                return _Tried(
                    attempts, message=f"gave up after {attempts} attempts: {last.message}"
                )

    def _pause(
        self, change: Change, attempts: int, failure: Failure, budgets: _Budgets, what: str
    ) -> bool:
        """Wait before the next try; False when the budget (or the run) is over."""
        retry_after = (
            self._http.last_retry_after() if failure.kind is FailureKind.THROTTLED else None
        )
        delay = budgets.next_wait(failure, retry_after)
        if delay is None:
            return False
        with self._lock:
            self._retries += 1
        self.on_event(ChangeRetrying(change, attempts, what + failure.message, delay))
        self._stop.wait(delay)  # returns early when the run is stopped; the loop checks
        return True

    def _read_back_once(self, op: Operation, params: Mapping[str, Any]) -> Done | None:
        try:
            return op.read_back(self.context, params)
        except Exception:
            return None

    def _settling(self, op: Operation, sent_at: float) -> bool:
        """Whether an absent read-back of ``op`` is too early to trust; if so, wait a
        little (the caller then reads back again)."""
        remaining = self.settings.settle_seconds - (time.monotonic() - sent_at)
        if op.repeatable or remaining <= 0 or self._stop.is_set():
            return False
        self._stop.wait(min(remaining, _SETTLE_POLL))
        return True

    def _read_back_settled(
        self, op: Operation, params: Mapping[str, Any], sent_at: float
    ) -> Done | None:
        """Read back until found, or until an absence can be trusted (``_settling``)."""
        while True:
            found = self._read_back_once(op, params)
            if found is not None or not self._settling(op, sent_at):
                return found

    # --- naming, for people ----------------------------------------------------------

    def _product_name(self, value: object) -> str | None:
        """The friendly name of a trust product given as SID or @ref."""
        if is_ref(value):
            creator = self._changes.get(str(value)[1:])
            return str(creator.params.get("friendly_name")) if creator else None
        product = self.live.trust_products.get(str(value)) if self.live else None
        return product.friendly_name if product else None

    def _subject(self, change: Change) -> str | None:
        if change.action is Action.CREATE_TRUST_PRODUCT:
            return str(change.params.get("friendly_name"))
        value = change.params.get("trust_product")
        return self._product_name(value) if value else None

    def _profile(self, change: Change) -> Any:
        """The declared profile a change is about (to put findings on its lines): the
        one its resource names, else the profile of its subject's name."""
        if self.manifests is None:
            return None
        spec = SPEC_OF_KIND.get(change.resource.kind) if change.resource else None
        if spec is not None and change.resource is not None:
            return self.manifests.profiles(spec).get(change.resource.name)
        name = self._subject(change)
        return next((p for p in self.manifests.trust_profiles() if p.name == name), None)

    def _request_counts(self) -> Counter[str]:
        return Counter(self._http.request_counts)


_RERUN = "re-running apply reads back before writing, so it is safe"


INVALID_OBJECT = 22205  # Twilio: "Attempting to assign invalid object_sid to Bundle"


def _hint(failure: Failure, params: Mapping[str, Any]) -> str:
    if failure.code == INVALID_OBJECT and "object" in params:
        return (
            f" ({params['object']} does not exist: deleted since the plan was made, e.g. "
            "as redundant by another apply; plan again)"
        )
    if failure.status == 404 and "trust_product" in params:
        return (
            f" (trust product {params['trust_product']} no longer exists: deleted since the "
            "plan was made, e.g. as a duplicate by another apply; plan again)"
        )
    return ""


def _stopped(last: Failure | None) -> str:
    return "run interrupted" + (f" (last error: {last.message})" if last else "")


def resolve_refs(params: Mapping[str, Any], sids: Mapping[str, str]) -> dict[str, Any]:
    """``params`` with every ``@address`` replaced by the SID that change produced."""

    def one(value: Any) -> Any:
        return sids[value[1:]] if is_ref(value) else value

    return {
        key: [one(v) for v in value] if isinstance(value, list) else one(value)
        for key, value in params.items()
    }


def apply_plan(
    client: Client,
    plan: Plan,
    *,
    live: Snapshot | None = None,
    manifests: ManifestSet | None = None,
    settings: ApplySettings | None = None,
    on_event: EventSink = ignore,
) -> ApplyResult:
    """Apply ``plan`` through ``client``; see ``Executor``."""
    return Executor(
        client, plan, live=live, manifests=manifests, settings=settings, on_event=on_event
    ).run()
