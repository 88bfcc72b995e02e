from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "manifests"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def run_cli():
    """Invoke the real ``cnamctl`` group; returns click's Result."""
    from cnamctl.cli.app import main

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args))

    return run
