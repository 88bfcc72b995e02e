"""Issue 9's measured failure, as its "done when": a rejected CNAM product whose
display name changes is edited in place and re-submitted with the new name, in 20
of 20 runs against an emulator that adds up to 800 ms of random latency to every
request (so the end-user update and the submission, if unordered, would race).

Each run is one account on its own emulator (seeded with the rejected product),
planned and applied through the same code as `cnamctl apply`; the 20 run at once.
Beyond the outcome, each run checks the order the emulator saw: the end-user
update was answered before any request of the submission arrived. (The outcome
alone would catch a missing order only now and then; the server's log catches it
every time.)
"""

from __future__ import annotations

import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from support.emulators import EmulatorFactory
from support.seeds import account, business_profile, cnam_product, numbers, seed

from cnamctl.apply.executor import ApplySettings, Executor
from cnamctl.live.reader import read_snapshot
from cnamctl.manifest import load_manifests
from cnamctl.plan import compute_plan
from cnamctl.plan.model import Action
from cnamctl.twilio import Credentials, make_client

RUNS = 20
JITTER_MS = 800
ACCOUNT = "AC" + "7" * 32
TOKEN = "jitter-token"
NUMBERS = numbers("+1415555", 100, 3)

MANIFEST = """\
apiVersion: cnamctl/v1
kind: BusinessProfile
name: acme
friendlyName: Acme Corp
phoneNumbers: {numbers}
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: sales
businessProfile: acme
displayName: ACME WEST
email: trust@acme.example
phoneNumbers: {numbers}
"""


def one_run(
    stack: ExitStack, factory: EmulatorFactory, manifests: Path, run: int
) -> tuple[str, str, str | None]:
    world = seed(
        account(
            ACCOUNT,
            TOKEN,
            incoming_numbers=NUMBERS,
            business_profiles=[business_profile("Acme Corp", NUMBERS)],
            trust_products=[
                cnam_product(
                    "sales",
                    "Acme Corp",
                    "ACME SALES",
                    NUMBERS,
                    status="twilio-rejected",
                    errors=[11009],
                    email="trust@acme.example",
                )
            ],
        )
    )
    log: list[tuple[str, str, str]] = []  # (event, method, path) in the order they happened
    lock = threading.Lock()
    running = factory.start(
        world, review_mode="manual", jitter_ms=JITTER_MS, random_seed=run, contract=False
    )

    def recorded(environ: dict[str, Any], start_response: Any) -> Any:
        request = (environ["REQUEST_METHOD"], environ["PATH_INFO"])
        with lock:
            log.append(("start", *request))
        answer = list(running.emu.wsgi_app(environ, start_response))
        with lock:
            log.append(("end", *request))
        return answer

    served = stack.enter_context(running.emu.serve(app=recorded))
    client = make_client(Credentials(ACCOUNT, ACCOUNT, TOKEN), served.base_url)
    live = read_snapshot(client)
    (before,) = live.trust_products.values()
    desired = load_manifests([str(manifests)])
    plan = compute_plan(desired, live)
    assert {c.action for c in plan.changes} == {Action.UPDATE_END_USER, Action.SUBMIT_FOR_REVIEW}
    # no settle wait before the submission: the race is left to the ordering alone
    settings = ApplySettings(concurrency=16, max_rps=None, settle_seconds=0)
    with lock:
        log.clear()  # from here on: the apply's requests only
    result = Executor(client, plan, live=live, manifests=desired, settings=settings).run()
    failed = [(r.address, r.message) for r in result.changes if not r.ok]
    assert not failed, f"run {run}: {failed}"
    after = read_snapshot(client)
    (product,) = after.trust_products.values()
    user = after.end_user_of(product)
    assert product.sid == before.sid, "edited in place"
    assert user is not None
    updated = log.index(("end", "POST", f"/v1/EndUsers/{user.sid}"))
    submission = min(
        i
        for i, (event, _, path) in enumerate(log)
        if event == "start" and path.startswith(f"/v1/TrustProducts/{product.sid}")
    )
    assert updated < submission, f"run {run}: the submission began before the update ended"
    return product.sid, product.status, user.cnam_display_name


@pytest.mark.slow
def test_a_rejected_rename_is_resubmitted_with_the_new_name_in_every_run(tmp_path: Path) -> None:
    manifests = tmp_path / "m.yaml"
    manifests.write_text(textwrap.dedent(MANIFEST).format(numbers=NUMBERS))
    with ExitStack() as stack:
        factory = EmulatorFactory(stack)
        with ThreadPoolExecutor(max_workers=RUNS) as pool:
            outcomes = list(pool.map(lambda i: one_run(stack, factory, manifests, i), range(RUNS)))
    assert len(outcomes) == RUNS
    for _sid, status, shown in outcomes:
        assert (status, shown) == ("pending-review", "ACME WEST")
