"""Run pytest on a project in a subprocess and read its JUnit report."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Outcome:
    returncode: int
    output: str
    passed: list[str]
    failed: list[str]
    skipped: list[str]


def run_pytest(project: Path, report: Path, python: str = sys.executable) -> Outcome:
    """``python -m pytest`` in ``project``, as a user would run it there: its own
    configuration, plugins from the installed packages (no -p, no conftest from us)."""
    done = subprocess.run(
        [python, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    passed, failed, skipped = [], [], []
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("name", "")
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(name)
        elif case.find("skipped") is not None:
            skipped.append(name)
        else:
            passed.append(name)
    return Outcome(done.returncode, done.stdout + done.stderr, passed, failed, skipped)
