"""Trust Hub Policies (read-only, the same for every account)."""

from __future__ import annotations

from cnamctl.emulator.domain.context import Ctx, Reply
from cnamctl.emulator.domain.kinds import TRUSTHUB
from cnamctl.emulator.domain.policies import POLICIES, Policy
from cnamctl.emulator.storage.paging import parse_page_request, static_page, v1_envelope

COLLECTION = "/v1/Policies"


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


ROUTES = [
    ("GET", COLLECTION, list_policies),
    ("GET", f"{COLLECTION}/{{Sid}}", fetch_policy),
]
