"""tests/docs/docs_commands.py (the CLI checker for documented command lines),
loaded by its path: tests/docs is not a package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "docs" / "docs_commands.py"

if "docs_commands" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("docs_commands", _PATH)
    assert _spec is not None and _spec.loader is not None
    sys.modules["docs_commands"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["docs_commands"])

CommandLine = sys.modules["docs_commands"].CommandLine
check = sys.modules["docs_commands"].check
command_lines = sys.modules["docs_commands"].command_lines
