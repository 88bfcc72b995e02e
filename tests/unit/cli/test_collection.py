"""cli/collection.py: bounded commands run without automatic garbage collection, the
others at a raised threshold; the collector is left as it was found either way."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from cnamctl.cli import main
from cnamctl.cli.app import COMMANDS
from cnamctl.cli.collection import BOUNDED, YOUNG_THRESHOLD, collection_for


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    gc.enable() if enabled else gc.disable()


def test_every_bounded_command_is_a_command() -> None:
    assert COMMANDS.keys() >= BOUNDED
    # the commands that wait (on a server, a review, a person) are not bounded
    assert BOUNDED.isdisjoint({"apply", "emulator", "status", "verify", "verify-caller-ids"})


@pytest.mark.parametrize("command", sorted(BOUNDED))
def test_a_bounded_command_runs_without_automatic_collection(command: str) -> None:
    gc.enable()
    before = gc.get_threshold()
    with collection_for(command):
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_threshold() == before


@pytest.mark.parametrize("command", ["apply", "emulator", "status", None])
def test_other_commands_collect_less_often(command: str | None) -> None:
    gc.enable()
    gc.set_threshold(700, 10, 10)
    with collection_for(command):
        assert gc.isenabled()
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_when_the_command_fails_and_a_disabled_collector_stays_off() -> None:
    gc.disable()
    with pytest.raises(RuntimeError), collection_for("plan"):
        raise RuntimeError("boom")
    assert not gc.isenabled()
    gc.enable()
    gc.set_threshold(700, 10, 10)
    with pytest.raises(RuntimeError), collection_for("status"):
        raise RuntimeError("boom")
    assert gc.isenabled()
    assert gc.get_threshold() == (700, 10, 10)


def test_the_cli_applies_it_to_the_command_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    import cnamctl.manifest

    def schema() -> dict[str, object]:
        seen.append(gc.isenabled())
        return {}

    monkeypatch.setattr(cnamctl.manifest, "manifest_json_schema", schema)
    gc.enable()
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert seen == [False]
    assert gc.isenabled()
