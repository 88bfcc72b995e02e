"""Run a plan: ready changes on a bounded pool, each in its own retry loop.

The main thread owns the schedule (``graph.Schedule``): it hands the lowest
ready changes to at most ``concurrency`` workers, and as each finishes releases
its dependents or skips them. Workers share one rate limiter through the SDK
client (``transport.py``).

One change's retry loop (``_attempt_change``):

1. send the write (``Operation.run``);
2. on THROTTLED or NOT_SENT: the write did not happen; wait (Retry-After,
   else exponential backoff with jitter) and go to 1;
3. on AMBIGUOUS: wait, then read back (``Operation.read_back``); in effect ->
   done, absent -> go to 1. A read-back that fails is retried itself: the
   write is never sent again until a read-back has answered;
4. on REJECTED: read back once; in effect -> done (Twilio said "already
   exists" or "not found" to a write that had already happened), else failed.

Throttling and faults have separate budgets (``WritePolicy``), each bounded in
attempts and total time; when a budget runs out after an ambiguous failure, a
last read-back decides between applied and failed.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from twilio.rest import Client

from cnamctl.apply.evaluation import to_problems
from cnamctl.apply.events import ChangeFinished, ChangeRetrying, ChangeStarted, EventSink, ignore
from cnamctl.apply.failures import Failure, FailureKind, classify
from cnamctl.apply.graph import DependencyGraph
from cnamctl.apply.operations import OPERATIONS, Context, Done, Noncompliant, Operation
from cnamctl.apply.ratelimit import RateLimiter
from cnamctl.apply.result import ApplyResult, ChangeResult, Outcome
from cnamctl.apply.transport import throttled_client
from cnamctl.errors import Problem
from cnamctl.live.model import Snapshot
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan.model import Action, Change, Plan, is_ref
from cnamctl.twilio.retry import RetryBudget, RetryPolicy

DEFAULT_CONCURRENCY = 16
DEFAULT_MAX_RPS = 50.0


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
    ):
        self.plan = plan
        self.live = live
        self.manifests = manifests
        self.settings = settings or ApplySettings()
        self.on_event = on_event
        self.operations = operations
        self.limiter = RateLimiter(self.settings.max_rps)
        paced, self._http = throttled_client(client, self.limiter)
        self.context = Context(
            client=paced,
            account_sid=client.account_sid,
            existing=frozenset(plan.fingerprints),
            live=live,
        )
        self._stop = threading.Event()
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

        pool = ThreadPoolExecutor(
            max_workers=max(1, self.settings.concurrency), thread_name_prefix="cnamctl-apply"
        )
        in_flight: dict[Future[tuple[ChangeResult, str | None]], Change] = {}
        try:
            while True:
                while len(in_flight) < self.settings.concurrency and not self._stop.is_set():
                    change = schedule.pop_ready()
                    if change is None:
                        break
                    future = pool.submit(self._run_change, change, sids)
                    in_flight[future] = change
                if not in_flight:
                    break
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    change = in_flight.pop(future)
                    result, sid = future.result()
                    settle(result)
                    if result.ok:
                        if sid:
                            sids[change.address] = sid
                        schedule.succeeded(change.address)
                    else:
                        for skipped, cause in schedule.failed(change.address):
                            settle(
                                ChangeResult.unattempted(
                                    skipped, Outcome.SKIPPED, f"{cause} did not apply"
                                )
                            )
        except KeyboardInterrupt:
            interrupted = True
            self._stop.set()
            for future in in_flight:
                result, _ = future.result()  # in-flight changes finish (or stop retrying)
                settle(result)
        finally:
            pool.shutdown(wait=True)
        for change in schedule.unsettled():
            if change.address not in results:
                settle(ChangeResult.unattempted(change, Outcome.NOT_RUN, "run interrupted"))
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
                must_read_back = False
            attempts += 1
            try:
                return _Tried(attempts, op.run(self.context, params))
            except Noncompliant as err:
                problems = to_problems(err.findings, self._profile(change), change.location)
                return _Tried(attempts, message=str(err), problems=problems)
            except Exception as err:
                last = classify(err)
            if last.kind is FailureKind.REJECTED:
                found = self._read_back_once(op, params)
                if found is not None:
                    return _Tried(attempts, found, read_back=True)
                return _Tried(attempts, message=last.message)
            must_read_back = must_read_back or last.kind is FailureKind.AMBIGUOUS
            if not self._pause(change, attempts, last, budgets, ""):
                found = self._read_back_once(op, params) if must_read_back else None
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
        name = self._subject(change)
        if self.manifests is None or name is None:
            return None
        return self.manifests.cnam_profiles.get(name)

    def _request_counts(self) -> Counter[str]:
        counts = getattr(self._http.inner, "request_counts", None)
        return Counter(counts) if counts is not None else Counter()


_RERUN = "re-running apply reads back before writing, so it is safe"


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
