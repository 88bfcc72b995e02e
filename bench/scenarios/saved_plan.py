"""Saved plans at scale: ``python -m bench.scenarios.saved_plan [NUMBERS]``.

For a fleet of NUMBERS numbers of which none is branded yet (so every number is a
change and a fingerprinted object), measures in one process, against
``compute_plan`` of the same inputs as the baseline:

* ``save``: ``save_plans`` (document, canonical JSON, digest, atomic write);
* ``load``: ``load_saved_plan`` (parse, digest check, validation);
* ``stale``: ``stale_objects`` when nothing moved, and when every number moved
  (each then described field by field with deepdiff);

and the file size. Prints one JSON object; ratios are to ``compute_plan``'s CPU.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.fleet import Fleet


def measure(numbers: int) -> dict[str, Any]:
    from cnamctl.plan import compute_plan
    from cnamctl.plan.saved import SavedAccount, load_saved_plan, save_plans, stale_objects

    fleet = Fleet(numbers, branded=0.0)
    desired, live = fleet.manifest_set(validate=False), fleet.snapshot()

    def cpu(work: Any) -> tuple[float, Any]:
        started = time.process_time()
        result = work()
        return time.process_time() - started, result

    plan_cpu, plan = cpu(lambda: compute_plan(desired, live))
    saved = SavedAccount.planned("default account", None, plan, live)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        save_cpu, _ = cpu(lambda: save_plans([saved], path, env={}))
        size = path.stat().st_size
        load_cpu, loaded = cpu(lambda: load_saved_plan(path, env={}))
    (account,) = loaded.accounts
    fresh_cpu, fresh = cpu(lambda: stale_objects(account, live))
    assert fresh == []
    for sid, number in list(live.numbers.items()):
        live.numbers[sid] = replace(number, friendly_name=number.friendly_name + " (moved)")
    moved_cpu, moved = cpu(lambda: stale_objects(account, live))
    return {
        "numbers": numbers,
        "changes": len(plan.changes),
        "fingerprinted": len(plan.fingerprints),
        "file_mib": round(size / 2**20, 2),
        "compute_plan_cpu_s": round(plan_cpu, 3),
        "save_cpu_s": round(save_cpu, 3),
        "load_cpu_s": round(load_cpu, 3),
        "stale_check_cpu_s": round(fresh_cpu, 3),
        "stale_all_moved_cpu_s": round(moved_cpu, 3),
        "stale_objects_when_all_moved": len(moved),
        "ratio_save": round(save_cpu / plan_cpu, 2),
        "ratio_load": round(load_cpu / plan_cpu, 2),
        "ratio_stale_check": round(fresh_cpu / plan_cpu, 2),
    }


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000), indent=2))
