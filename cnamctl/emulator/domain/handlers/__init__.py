"""Handlers of the Twilio operations, one module per resource family.

Each module lists its operations in ``ROUTES`` as (method, path template,
handler); the web layer builds its router from :func:`routes`.
"""

from __future__ import annotations

from collections.abc import Callable

from cnamctl.emulator.domain.context import Ctx, Reply
from cnamctl.emulator.domain.handlers import (
    accounts,
    bundles,
    caller_ids,
    end_users,
    lookup,
    numbers,
    policies,
)

Route = tuple[str, str, Callable[[Ctx], Reply]]


def routes() -> list[Route]:
    return [
        route
        for module in (bundles, end_users, policies, numbers, caller_ids, accounts, lookup)
        for route in module.ROUTES
    ]
