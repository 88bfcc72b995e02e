"""Many subaccounts applied concurrently by one `cnamctl apply`, with the real SDK
against the emulator (jitter: requests, and so accounts, finish in random order):
output and results come in account order, and `cnamctl accounts` hands each CI
job paths that plan exactly its account."""

from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner
from support.many import parent_env, sub_name, sub_sid, subaccounts_seed, write_tree

from cnamctl.cli import main
from cnamctl.manifest import load_workspace

COUNT = 6


@pytest.fixture
def tree(tmp_path, emulators):
    running = emulators.start(
        subaccounts_seed(COUNT), realistic=True, jitter_ms=30, random_seed=3, review_delay=3600
    )
    root = write_tree(tmp_path / "manifests", COUNT)
    return running.emu, root, parent_env(running.base_url)


def test_accounts_apply_concurrently_and_report_in_account_order(tree):
    emu, root, env = tree
    runner = CliRunner()
    args = ["apply", "--auto-approve", "--accounts-concurrency", "4", "--format", "json"]
    applied = runner.invoke(main, [*args, str(root)], env=env)
    assert applied.exit_code == 0, applied.output
    doc = json.loads(applied.stdout)
    assert [a["account_sid"] for a in doc["accounts"]] == [sub_sid(i) for i in range(COUNT)]
    assert all(
        a["error"] is None and a["result"]["summary"]["failed"] == 0 for a in doc["accounts"]
    )
    emu.catch_up()
    again = runner.invoke(
        main, ["plan", "--detailed-exitcode", "--format", "json", str(root)], env=env
    )
    assert again.exit_code == 0, again.output
    assert all(a["plan"]["changes"] == [] for a in json.loads(again.stdout)["accounts"])


def test_text_output_is_one_block_per_account_in_order(tree):
    _emu, root, env = tree
    result = CliRunner().invoke(
        main, ["apply", "--auto-approve", "--accounts-concurrency", "6", str(root)], env=env
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    headers = [i for i, line in enumerate(lines) if line.startswith("=== ")]
    # the plans (one header each), then the run (one header, its log, its summary, each)
    names = [lines[i].split()[1] for i in headers]
    assert names == [sub_name(i) for i in range(COUNT)] * 2
    run = [*headers[COUNT:], len(lines)]
    for start, end in itertools.pairwise(run):
        block = lines[start:end]
        summaries = [line for line in block if line.startswith("Apply complete")]
        assert len(summaries) == 1, block
        assert block.index(summaries[0]) > 1  # after its own log lines
    assert "Applying 6 accounts, 6 at a time" in result.stderr


def test_each_listed_job_plans_exactly_its_accounts(tree):
    _emu, root, env = tree
    listed = CliRunner().invoke(main, ["accounts", "--format", "json", "--shards", "4", str(root)])
    assert listed.exit_code == 0, listed.output
    jobs = json.loads(listed.stdout)["include"]
    assert sorted(a for job in jobs for a in job["accounts"]) == [sub_name(i) for i in range(COUNT)]
    for job in jobs:
        sets = load_workspace(job["path_lines"].splitlines())
        assert [s.account.name for s in sets if s.account] == job["accounts"]
        planned = CliRunner().invoke(main, ["plan", "--format", "json", *job["paths"]], env=env)
        assert planned.exit_code == 0, planned.output
        sids = [a["plan"]["account_sid"] for a in json.loads(planned.stdout)["accounts"]]
        assert sids == job["sids"]
