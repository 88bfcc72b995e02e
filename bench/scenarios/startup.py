"""Scenario 0: start-up of `cnamctl --help` and of a shell-completion call.

Both run as child processes, ``runs`` times each, with the package's bytecode
compiled (as an installed wheel has it: ``bench/__main__.py`` compiles it first);
the figure is the median wall time of the whole process, beside the bound.
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass

from bench.cli import CNAMCTL, run

BOUND_SECONDS = 0.3
COMPLETION_WORDS = "cnamctl plan --f"


@dataclass(frozen=True)
class Startup:
    name: str
    seconds: tuple[float, ...]
    exit_codes: tuple[int, ...]
    output_ok: bool  # the output is what the call is for (the usage, the completions)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def ratio(self) -> float:
        return self.median / BOUND_SECONDS


def startup(runs: int) -> list[Startup]:
    env = dict(os.environ)
    completion = {
        **env,
        "_CNAMCTL_COMPLETE": "bash_complete",
        "COMP_WORDS": COMPLETION_WORDS,
        "COMP_CWORD": str(len(COMPLETION_WORDS.split()) - 1),
    }
    cases = [
        ("`cnamctl --help`", [*CNAMCTL, "--help"], env, "Commands:"),
        (f"completion of `{COMPLETION_WORDS}`", list(CNAMCTL), completion, "--format"),
    ]
    out = []
    for name, command, case_env, expected in cases:
        run(command, case_env)  # warm-up: the file cache, not counted
        done = [run(command, case_env) for _ in range(runs)]
        out.append(
            Startup(
                name,
                tuple(d.seconds for d in done),
                tuple(d.exit_code for d in done),
                all(expected in d.stdout for d in done),
            )
        )
    return out
