"""Handlers of the Twilio operations, one module per resource family."""

from __future__ import annotations

from cnamctl.emulator.handlers import (
    accounts,
    bundles,
    caller_ids,
    end_users,
    numbers,
    policies,
)
from cnamctl.emulator.routing import Router


def build_router() -> Router:
    router = Router()
    for module in (bundles, end_users, policies, numbers, caller_ids, accounts):
        module.register(router)
    return router
