"""One error hierarchy for cnamctl; the CLI maps these to exit codes in one place.

Library code raises these and never prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a manifest file (1-based line)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    """One user-facing problem, tied to a manifest location when one is known."""

    location: Location | None
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class CnamctlError(Exception):
    """Base class: a failure the user can act on (never shown as a traceback)."""

    exit_code = 1


class UsageError(CnamctlError):
    """Bad flags, missing credentials, unreadable paths."""


class ManifestError(CnamctlError):
    """One or more problems in the manifests; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_problem_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class PlanningError(ManifestError):
    """Desired state that cannot be planned against the live account."""


class TwilioAccessError(CnamctlError):
    """Twilio (or the emulator) could not be reached or refused the credentials."""


class UnreachableError(TwilioAccessError):
    """No answer: refused, unresolvable, timed out, or cut off; the message names the
    server and the cause."""


class NotTwilioError(TwilioAccessError):
    """The server answered, but not as Twilio's API does (an HTML page, a JSON list
    where a page belongs, paging that never ends): a proxy, a captive portal, a wrong
    ``--api-url``. The message names the server and quotes a short, inert excerpt."""


class UnsafePlanError(CnamctlError):
    """A plan exceeds the configured safety thresholds (needs --force)."""


class PlanFileError(UsageError):
    """A file given to ``apply`` as a saved plan cannot be used: unreadable, not a
    plan, of another version, or changed since ``plan`` wrote it."""


class StalePlanError(CnamctlError):
    """A saved plan no longer matches the live state it was computed from."""


class ApplyError(CnamctlError):
    """Some changes failed while applying."""


class BudgetSpentError(CnamctlError):
    """A billed request (a Lookup) was not sent: it would exceed the budget the user
    set (``verify --max-lookups``)."""


def _problem_key(p: Problem) -> tuple[str, int, str]:
    if p.location is None:
        return ("", 0, p.message)
    return (p.location.file, p.location.line, p.message)
