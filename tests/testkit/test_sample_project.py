"""The sample project in examples/testkit-sample passes against the installed plugin,
and uses nothing of cnamctl but its public test-kit API."""

from __future__ import annotations

import ast
from pathlib import Path

from pytest_run import run_pytest

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "testkit-sample"
PUBLIC = {"cnamctl.testkit"}


def test_the_sample_projects_tests_pass(tmp_path: Path) -> None:
    outcome = run_pytest(SAMPLE, tmp_path / "report.xml")
    assert outcome.returncode == 0, outcome.output
    assert not outcome.failed and not outcome.skipped, outcome.output
    # every test of the sample ran, including the rejection and each API form
    assert {
        "test_onboarding_submits_and_the_approval_is_seen",
        "test_a_rejection_is_explained_and_a_new_name_resubmits",
        "test_our_own_seed",
        "test_the_decorator_form",
        "test_the_context_manager_form_and_a_client_made_before_it",
    } <= set(outcome.passed)
    assert len(outcome.passed) == 10


def test_the_sample_uses_only_the_public_api() -> None:
    """No conftest wiring, no cnamctl internals: what a user of the kit would write."""
    assert not list(SAMPLE.rglob("conftest.py"))
    imported = set()
    for path in SAMPLE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    ours = {name for name in imported if name.split(".")[0] == "cnamctl"}
    assert ours and ours <= PUBLIC, ours
