"""IncomingPhoneNumbers read in concurrent shards, through the documented PhoneNumber filter.

The numbers list is the longest an account has, and Twilio's paging is
sequential: each page's ``next_page_uri`` comes with the page before it, so
100,000 numbers are 100 round trips one after the other. API 2010 documents a
filter on that list (``GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json``,
parameter ``PhoneNumber``, ../shared/twilio-oai/twilio_api_v2010.json and
docs/architecture.md): "The phone numbers of the IncomingPhoneNumber resources to
read. You can specify partial numbers and use '*' as a wildcard for any digit."
Several filtered listings, read at once, each cover a part of the numbers.

What is relied on, and only this:

1. a pattern that is a part of a number matches it ("partial numbers"); a pattern
   that begins with ``+`` can only be the beginning of a ``phone_number``, which is
   E.164 (``+`` then digits), so each pattern below is a *prefix* of the numbers it
   matches, whether Twilio matches partial numbers as prefixes or anywhere inside;
2. ``*`` in a pattern matches any one digit;
3. each page of a filtered listing holds only numbers that match (the filter is
   carried to the next pages by ``next_page_uri``, as every list parameter is).

The shards partition every E.164 number: ``+1`` numbers (the North American
Numbering Plan, always ``+1`` and ten digits) by the digit at one position, ten
shards (``+1*********7``: ends in 7), and every other country code by its first
digit (``+2`` ... ``+9``; a digit that holds a tenth of the sample or more is split
once more, ``+44``). The position is the one that spreads the sample most evenly,
so numbers bought in one block, or all ending in 00, still split.

When to shard, and how it is checked. The plain listing's first page is read
first: with no next page, that is all (one request, as before). Otherwise its
numbers are a sample, and the result of the shards is accepted only when

* every number of every shard matches that shard's pattern (checked here with the
  same rule: a filter that matched more, or was dropped on a later page, fails);
* no number is in two shards (the partition held);
* every number of the sample is in the shards (a filter that matched less, or
  numbers of a form the partition does not cover, fail: with a thousand numbers
  a class of numbers missed by Twilio is missed by the sample only when it is
  very rare);

and a sample with a number the partition does not cover (not ``+`` and digits,
a ``+1`` number that is not twelve characters) is not sharded at all. When a check
fails, the shards are dropped and the plain listing is read on from its second
page, page after page, with a warning naming what did not hold. Twilio gives no
total of an account's numbers (API 2010 lists no longer carry ``total``), so the
sample is the check the API allows; read-after-write races (a number bought or
released while the shards are read) are what a plain read would also see, and a
number released between the sample and its shard fails the check on the safe
side.

The cost in requests: the sample page, then per shard its pages (an empty shard
is one request), so about ``1 + shards`` requests above the paging minimum, in
exchange for ``ceil(n / 1000)`` round trips becoming about ``ceil(n / 10,000) + 1``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from twilio.base.exceptions import TwilioRestException

from cnamctl.live.pages import PAGE_SIZE, Listing, PageRefused, Record
from cnamctl.text import inert

NANP = "+1"
NANP_LENGTH = 12  # "+1" and ten digits
NANP_POSITIONS = range(5, NANP_LENGTH)  # exchange and line digits: the ones that vary
SPLIT_SHARE = 0.1  # a country digit holding this share of the sample is split once more
FILTER = "PhoneNumber"

log = logging.getLogger("cnamctl.live")

_E164 = re.compile(r"\+[1-9][0-9]*")


@dataclass(frozen=True)
class Shard:
    """One filtered listing: the ``PhoneNumber`` pattern and its local twin."""

    pattern: str
    _match: Callable[[str], object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = "".join("[0-9]" if c == "*" else re.escape(c) for c in self.pattern)
        object.__setattr__(self, "_match", re.compile(regex).match)  # a prefix: match()

    def holds(self, number: object) -> bool:
        """Whether ``number`` matches the pattern: a prefix, ``*`` any one digit."""
        return isinstance(number, str) and self._match(number) is not None


def covered(number: object) -> bool:
    """Whether the partition has a shard for ``number`` (E.164; ``+1``: twelve characters)."""
    if not isinstance(number, str) or not _E164.fullmatch(number):
        return False
    return not number.startswith(NANP) or len(number) == NANP_LENGTH


def plan_shards(sample: Sequence[str]) -> list[Shard] | None:
    """Shards covering every E.164 number, spread by ``sample``; None when a number
    of the sample is not covered (then the list is not sharded)."""
    if not all(covered(n) for n in sample):
        return None
    nanp = [n for n in sample if n.startswith(NANP)]
    position = _most_even_position(nanp)
    shards = [Shard(NANP + "*" * (position - len(NANP)) + d) for d in "0123456789"]
    leading = Counter(n[1] for n in sample if not n.startswith(NANP))
    for digit in "23456789":
        if sample and leading[digit] >= SPLIT_SHARE * len(sample):
            shards += [Shard(f"+{digit}{d}") for d in "0123456789"]
        else:
            shards.append(Shard(f"+{digit}"))
    return shards


def _most_even_position(numbers: Sequence[str]) -> int:
    """The NANP digit position whose largest bucket in ``numbers`` is smallest (the
    last digit on a tie)."""
    best, best_peak = NANP_POSITIONS[-1], len(numbers) + 1
    for position in reversed(NANP_POSITIONS):
        peak = max(Counter(n[position] for n in numbers).values(), default=0)
        if peak < best_peak:
            best, best_peak = position, peak
    return best


def check_shards(
    sample: Iterable[Mapping[str, Any]],
    read: Mapping[Shard, Sequence[Mapping[str, Any]]],
    *,
    patterns_checked: bool = False,
) -> str | None:
    """What the shards' records break of the rules above, or None when they hold.
    ``patterns_checked``: each page was checked against its pattern as it came."""
    seen: dict[str, Shard] = {}
    for shard, records in read.items():
        if not patterns_checked:
            for record in records:
                number = record.get("phone_number")
                if not shard.holds(number):
                    return f"{FILTER}={shard.pattern} answered {_show(number)}"
        sids = [record["sid"] for record in records]
        fresh = dict.fromkeys(sids, shard)
        if len(fresh) == len(sids) and seen.keys().isdisjoint(fresh):
            seen.update(fresh)
            continue
        for record in records:  # the usual case is above; this names the number at fault
            other = seen.setdefault(record["sid"], shard)
            if other is not shard or sids.count(record["sid"]) > 1:
                number = _show(record.get("phone_number"))
                if other is shard:
                    return f"{number} came twice in {FILTER}={shard.pattern}"
                return f"{number} came in {FILTER}={other.pattern} and {shard.pattern}"
    missing = [r for r in sample if r["sid"] not in seen]
    if missing:
        return (
            f"{len(missing)} number(s) of the first page in no shard, e.g. "
            f"{_show(missing[0].get('phone_number'))}"
        )
    return None


def _show(number: object) -> str:
    return inert(str(number)[:20], keep_lines=False)


class NumbersRead:
    """One account's numbers: the plain first page, then shards (or the plain rest),
    submitted to the reader's pool at once; :meth:`records` waits and checks."""

    def __init__(
        self,
        url: str,
        first: Listing,
        read: Callable[..., Future[Listing]],
        *,
        shard: bool = True,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        """``first``: the first page of the plain listing at ``url``;
        ``read(url, params=..., first_number=...)`` submits ``pages.read_pages`` of
        the list to the reader's pool; ``stop``: the whole read's (early.py)."""
        self.first = first
        self._url = url
        self._read = read
        self._stop = threading.Event()  # set when a shard broke a rule: the others stop
        self._stopped = stop or (lambda: False)
        self._shards: dict[Shard, Future[Listing]] = {}
        self._rest: Future[Listing] | None = None
        if first.next_url is None:
            return
        # Twilio fills every page but the last: a first page short of PageSize that
        # links on is a server not paging as Twilio does, and is read on plainly (one
        # request a page, so paging's bounds stop it as soon as they can).
        full = len(first.records) >= PAGE_SIZE
        plan = plan_shards([r["phone_number"] for r in first.records]) if shard and full else None
        if plan is None:
            self._rest = self._continue()
            return
        for s in plan:
            params = {FILTER: s.pattern, "PageSize": PAGE_SIZE}
            self._shards[s] = read(url, params=params, check=self._checker(s), stop=self._halt)

    def _halt(self) -> bool:
        return self._stop.is_set() or self._stopped()

    def _checker(self, shard: Shard) -> Callable[[list[Record]], str | None]:
        """Each page of ``shard`` as it comes: a number outside its pattern stops every
        shard (a filter that is ignored must not read the account once per shard)."""

        def check(page: list[Record]) -> str | None:
            holds = shard.holds
            if all(holds(record.get("phone_number")) for record in page):
                return None
            self._stop.set()
            number = next(r.get("phone_number") for r in page if not holds(r.get("phone_number")))
            return f"{FILTER}={shard.pattern} answered {_show(number)}"

        return check

    @property
    def shards(self) -> list[Shard]:
        return list(self._shards)

    def _continue(self) -> Future[Listing]:
        assert self.first.next_url is not None
        return self._read(
            self.first.next_url,
            params=None,
            first_number=self.first.pages + 1,
            stop=self._stopped,
        )

    def records(self, result: Callable[[Future[Listing]], Listing]) -> list[Record]:
        """Every number, once (``result``: how the reader waits for a future)."""
        if self._rest is not None:
            return self.first.records + result(self._rest).records
        if not self._shards:
            return self.first.records
        read: dict[Shard, list[Record]] = {}
        problem: str | None = None
        for s, future in self._shards.items():
            error = future.exception()
            if isinstance(error, PageRefused):
                problem = problem if str(error) == "stopped" else str(error)
                continue
            if isinstance(error, TwilioRestException) and _refused(error):
                self._stop.set()
                problem = problem or f"{FILTER}={s.pattern} was refused (HTTP {error.status})"
                continue
            read[s] = result(future).records
        problem = problem or check_shards(self.first.records, read, patterns_checked=True)
        if problem is None:
            return [r for records in read.values() for r in records]
        log.warning(
            "IncomingPhoneNumbers: the %s filter did not answer as documented (%s); "
            "reading the list page by page instead",
            FILTER,
            problem,
        )
        return self.first.records + result(self._continue()).records


def _refused(error: TwilioRestException) -> bool:
    """A 4xx about the request itself (a pattern Twilio does not take), not about
    the credentials or the rate: those fail the read as any page's would."""
    return 400 <= error.status < 500 and error.status not in (401, 403, 429)
