"""Plans as the planner makes them (``compute_plan`` over a hand-built snapshot), one
per case the plan view must show well: a new profile, a rejected one, a
display-name replacement, pruning past the safety thresholds, thousands of numbers,
hostile values from a server."""

from __future__ import annotations

import textwrap
from pathlib import Path

from world import ACME, LiveWorld, manifests

from cnamctl.plan import compute_plan
from cnamctl.plan.model import Plan

ESCAPES = "\x1b]0;pwned\x07\x1b[2J"  # retitles the terminal window, clears the screen
HOSTILE = f"evil {ESCAPES} @octocat `x` ``` </details> | pipe <b>"

SETTINGS = """\
---
apiVersion: cnamctl/v1
kind: Settings
prune: {cnamProfiles: true, outgoingCallerIds: true}
"""

SUPPORT = """\
---
apiVersion: cnamctl/v1
kind: CnamProfile
name: support
businessProfile: acme
displayName: ACME SUPPORT
email: trust@acme.example
phoneNumbers: []
"""


def number(i: int) -> str:
    return f"+1415{2000000 + i}"


def new_profile(tmp_path: Path) -> Plan:
    """The README's case: a business profile with numbers, a new CNAM profile."""
    world = LiveWorld()
    world.business_profile(numbers=world.numbers("+14155550100", "+14155550101"))
    return compute_plan(manifests(tmp_path, ACME), world.snapshot)


def rejected(tmp_path: Path, *codes: int) -> Plan:
    world = LiveWorld()
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    world.product(
        "sales",
        "ACME SALES",
        bp=bp,
        numbers=numbers,
        status="twilio-rejected",
        errors=codes or (11008,),
    )
    return compute_plan(manifests(tmp_path, ACME), world.snapshot)


def in_review(tmp_path: Path, since: str) -> Plan:
    world = LiveWorld()
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    product = world.product("sales", "ACME SALES", bp=bp, numbers=numbers, status="in-review")
    world.snapshot.trust_products[product.sid] = type(product)(
        **{**vars(product), "date_updated": since}
    )
    return compute_plan(manifests(tmp_path, ACME), world.snapshot)


def replacement(tmp_path: Path) -> Plan:
    """An approved product shows an old display name: a re-vetted replacement."""
    world = LiveWorld()
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    world.product("sales", "ACME OLD", bp=bp, numbers=numbers)
    return compute_plan(manifests(tmp_path, ACME), world.snapshot)


def pruning(tmp_path: Path) -> Plan:
    """Pruning an approved undeclared product with 10 of the 12 CNAM numbers, and
    three undeclared caller IDs: over maxUnassignPercent, and vetting lost."""
    world = LiveWorld()
    numbers = world.numbers(*(f"+1415555{100 + i:04d}" for i in range(12)))
    bp = world.business_profile(numbers=numbers)
    world.product("sales", "ACME SALES", bp=bp, numbers=numbers[:2])
    world.product("legacy", "LEGACY", bp=bp, numbers=numbers[2:])
    for i in range(3):
        world.caller_id(f"+1650555{i:04d}", f"old line {i}")
    return compute_plan(manifests(tmp_path, ACME + SETTINGS), world.snapshot)


def many_numbers(tmp_path: Path, count: int, *, caller_ids: int = 0) -> Plan:
    """A new profile with ``count`` numbers (and an empty one beside it), and
    ``caller_ids`` unmanaged caller IDs."""
    world = LiveWorld()
    world.business_profile()
    world.numbers(*(number(i) for i in range(count)))
    for i in range(caller_ids):
        world.caller_id(f"+1650555{i:04d}", f"old line {i}")
    listed = ", ".join(f'"{number(i)}"' for i in range(count))
    text = ACME.replace('["+14155550100", "+14155550101"]', f"[{listed}]") + SUPPORT
    return compute_plan(manifests(tmp_path, text), world.snapshot)


def hostile(tmp_path: Path) -> Plan:
    """A server answering with terminal escapes, Markdown and mentions in names."""
    world = LiveWorld()
    numbers = world.numbers("+14155550100", "+14155550101")
    bp = world.business_profile(numbers=numbers)
    world.caller_id("+16505550000", HOSTILE)
    world.caller_id("+14155550199", HOSTILE)  # declared below: renamed
    world.product(HOSTILE, "EVIL", bp=bp)
    caller = textwrap.dedent("""\
        ---
        apiVersion: cnamctl/v1
        kind: OutgoingCallerId
        phoneNumber: "+14155550199"
        friendlyName: Front desk
        """)
    return compute_plan(manifests(tmp_path, ACME + caller), world.snapshot)
