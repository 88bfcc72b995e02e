"""``cnamctl verify``: per CnamProfile, does Twilio Lookup show the declared name?

The steps, for every account of the run (``workspace.py``: several accounts are
read concurrently, one failing is reported beside the others):

1. read the account (the snapshot ``plan`` reads) and, for the approved CNAM
   products holding declared numbers, when each number was assigned;
2. decide what Twilio registered for every declared number (``branding.py``);
3. choose the numbers to look up across all accounts: a sample per profile,
   cached answers first, then the ``--max-lookups`` budget, reserved before any
   request (``sample.py``, ``budget.py``);
4. look them up, a few at a time, each attempt metered (``lookup.py``);
5. judge every number (``classify.py``) and keep the new answers (``cache.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from cnamctl.errors import CnamctlError
from cnamctl.live.model import Snapshot
from cnamctl.live.pages import TRUSTHUB, Shape, list_all
from cnamctl.manifest.model import ManifestSet
from cnamctl.plan.review import APPROVED
from cnamctl.text import inert
from cnamctl.twilio.client import metered
from cnamctl.twilio.failures import access_error
from cnamctl.twilio.target import Endpoint
from cnamctl.verify.branding import AssignmentDates, brand_profile
from cnamctl.verify.budget import LookupBudget
from cnamctl.verify.cache import DEFAULT_TTL, Key, LookupCache
from cnamctl.verify.classify import classify
from cnamctl.verify.lookup import look_up_all
from cnamctl.verify.model import (
    AccountCheck,
    Answer,
    Branding,
    NumberCheck,
    ProfileCheck,
    Status,
    VerifyRun,
)
from cnamctl.verify.sample import BUDGET, SAMPLE, Candidate, Selection, select
from cnamctl.workspace import AccountPlan, connect, for_each_account, named

DEFAULT_SAMPLE = 3
DEFAULT_MAX_LOOKUPS = 100
ASSIGNMENT = Shape(("sid", "channel_endpoint_sid"), {"date_created": str})
MAX_READS_AT_ONCE = 8


@dataclass(frozen=True)
class VerifyOptions:
    per_profile: int | None = DEFAULT_SAMPLE  # None: every branded number (--all)
    max_lookups: int = DEFAULT_MAX_LOOKUPS
    cache_ttl: timedelta = DEFAULT_TTL
    use_cached: bool = True  # False (--no-cache): look up again; new answers still cached


@dataclass
class _Account:
    plan: AccountPlan
    brandings: dict[str, list[Branding]]  # CnamProfile name -> its declared numbers


def verify_accounts(
    sets: Sequence[ManifestSet],
    endpoint: Endpoint,
    options: VerifyOptions,
    cache: LookupCache | None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> VerifyRun:
    accounts = [_Account(AccountPlan.of(s), {}) for s in sets]
    by_plan = {id(a.plan): a for a in accounts}
    for_each_account([a.plan for a in accounts], lambda p: _read(by_plan[id(p)], endpoint))
    now = clock()
    target = _target(endpoint)

    def key(account: _Account, number: str) -> Key:
        return (target, account.plan.account_sid or "", number)

    cached: dict[tuple[int, str], Answer] = {}
    candidates = []
    for index, account in enumerate(accounts):
        for name, brandings in account.brandings.items():
            for b in brandings:
                if not b.branded:
                    continue
                k = key(account, b.phone_number)
                fresh = cache.fresh(k, now, options.cache_ttl) if cache else None
                use = fresh is not None and options.use_cached
                if fresh is not None and use:
                    cached[(index, b.phone_number)] = fresh
                last = cache.last(k) if cache else None
                candidates.append(
                    Candidate((index, name), b.phone_number, use, last, fresh is not None)
                )
    selection = select(candidates, options.per_profile, options.max_lookups)
    budget = LookupBudget(options.max_lookups)
    budget.reserve(len(selection.to_look_up))
    clients: dict[int, Client] = {}
    jobs = []
    for candidate in selection.to_look_up:
        index = candidate.profile[0]  # type: ignore[index]
        plan = accounts[index].plan
        assert plan.client is not None
        if index not in clients:
            clients[index] = metered(plan.client, budget)
        jobs.append((clients[index], candidate.phone_number))
    looked: dict[tuple[int, str], Answer | CnamctlError] = {}
    for candidate, result in zip(selection.to_look_up, look_up_all(jobs, clock), strict=True):
        index = candidate.profile[0]  # type: ignore[index]
        looked[(index, candidate.phone_number)] = result
        if cache is not None and isinstance(result, Answer):
            cache.put(key(accounts[index], candidate.phone_number), result)
    if cache is not None:
        cache.save(clock())
    run = VerifyRun(
        [],
        named(a.plan for a in accounts),
        options.max_lookups,
        lookups_sent=budget.spent,
        from_cache=len(selection.from_cache),
        sample=options.per_profile,
    )
    outcomes = _Outcomes(cached, looked, selection, options, now)
    for index, account in enumerate(accounts):
        plan = account.plan
        check = AccountCheck(plan.name, plan.account_sid, error=_first_line(plan.error))
        if plan.error is None:
            assert plan.manifests is not None
            for name, brandings in account.brandings.items():
                profile = plan.manifests.cnam_profiles[name]
                numbers = tuple(
                    outcomes.judge(b, profile.display_name, index, name) for b in brandings
                )
                where = profile.source
                check.profiles.append(
                    ProfileCheck(name, profile.display_name, str(where) if where else None, numbers)
                )
        run.accounts.append(check)
    return run


@dataclass
class _Outcomes:
    """What the run found out, by (account index, number)."""

    cached: dict[tuple[int, str], Answer]
    looked: dict[tuple[int, str], Answer | CnamctlError]
    selection: Selection
    options: VerifyOptions
    now: datetime

    def judge(self, branding: Branding, declared: str, index: int, profile: str) -> NumberCheck:
        number = branding.phone_number
        if not branding.branded:
            reason = inert(branding.not_branded or "not on an approved CNAM product")
            return NumberCheck(number, Status.NOT_BRANDED, reason, branding)
        answer = self.looked.get((index, number)) or self.cached.get((index, number))
        if isinstance(answer, CnamctlError):
            return NumberCheck(number, Status.FAILED, inert(str(answer).splitlines()[0]), branding)
        if answer is None:
            why = self.selection.skipped.get(((index, profile), number), SAMPLE)
            if why == BUDGET:
                limit = self.options.max_lookups
                reason = f"not looked up: the budget of {limit} lookups is spent"
            else:
                size = self.options.per_profile
                reason = f"not looked up: not in the sample of {size} per profile"
            return NumberCheck(number, Status.NOT_CHECKED, reason, branding, skipped=why)
        status, reason = classify(branding, declared, answer, self.now)
        return NumberCheck(number, status, reason, branding, answer)


def _read(account: _Account, endpoint: Endpoint) -> None:
    plan = account.plan
    assert plan.manifests is not None
    live = connect(plan, endpoint)
    assert plan.client is not None
    dates = _assignment_dates(plan.client, live, plan.manifests)
    account.brandings = {
        name: brand_profile(profile, live, dates)
        for name, profile in sorted(plan.manifests.cnam_profiles.items())
    }


def _assignment_dates(client: Client, live: Snapshot, manifests: ManifestSet) -> AssignmentDates:
    """When each declared number joined the approved CNAM product holding it: the
    snapshot keeps assignments without their dates, so those lists are read again."""
    declared = {
        number.sid
        for profile in manifests.cnam_profiles.values()
        for e164 in profile.phone_numbers
        if (number := live.number_by_e164(e164)) is not None
    }
    products = sorted(
        p.sid
        for p in live.trust_products.values()
        if p.status == APPROVED and declared & set(p.number_assignments)
    )

    def read(sid: str) -> list[tuple[tuple[str, str], str | None]]:
        url = f"{TRUSTHUB}/v1/TrustProducts/{sid}/ChannelEndpointAssignments"
        try:
            records = list_all(client, url, shape=ASSIGNMENT)
        except TwilioRestException as err:
            if err.status == 404:
                return []  # deleted since the snapshot: its numbers read as not branded
            raise access_error(err) from None
        except (TwilioException, OSError) as err:
            raise access_error(err) from None
        return [((sid, r["channel_endpoint_sid"]), r.get("date_created")) for r in records]

    if not products:
        return {}
    with ThreadPoolExecutor(min(MAX_READS_AT_ONCE, len(products))) as pool:
        return {k: v for found in pool.map(read, products) for k, v in found}


def _target(endpoint: Endpoint) -> str:
    """Where lookups go, as the cache keys it (never a URL's userinfo)."""
    if endpoint.embedded is not None:
        return endpoint.label
    return endpoint.api_url.base if endpoint.api_url else "twilio"


def _first_line(err: Exception | None) -> str | None:
    if err is None:
        return None
    text = str(err)
    return inert(text.splitlines()[0] if text else type(err).__name__, keep_lines=False)
