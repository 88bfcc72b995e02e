"""Trust Hub Policies (read-only, the same for every account)."""

from __future__ import annotations

from cnamctl.emulator.http import Ctx, Reply
from cnamctl.emulator.kinds import TRUSTHUB
from cnamctl.emulator.paging import parse_page_request, static_page, v1_envelope
from cnamctl.emulator.policies import POLICIES, Policy
from cnamctl.emulator.routing import Router

COLLECTION = "/v1/Policies"


def register(router: Router) -> None:
    router.add("GET", COLLECTION, list_policies)
    router.add("GET", f"{COLLECTION}/{{Sid}}", fetch_policy)


def list_policies(ctx: Ctx) -> Reply:
    req = parse_page_request(ctx.query)
    page = static_page(list(POLICIES.values()), _sid, req)
    records = [policy.as_json() for policy in page.items]
    return Reply(200, v1_envelope(TRUSTHUB + COLLECTION, [], req, page, records))


def fetch_policy(ctx: Ctx) -> Reply:
    policy = POLICIES.get(ctx.params["Sid"])
    if policy is None:
        raise ctx.not_found()
    return Reply(200, policy.as_json())


def _sid(policy: Policy) -> str:
    return policy.sid
