"""docs/emulator.md stays true: a curl example for every endpoint, the example seed
and every config key documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cnamctl.emulator import Emulator, EmulatorConfig
from cnamctl.emulator.web.routing import Router

DOC = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"
_SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
_DATA_FLAGS = ("-d", "--data", "--data-urlencode", "--json")


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def curl_requests(text: str) -> list[tuple[str, str]]:
    """(method, path) of every ``curl`` command in the doc's ``sh`` blocks."""
    found = []
    for block in _SHELL_BLOCK.findall(text):
        for command in block.replace("\\\n", " ").splitlines():
            if not command.startswith("curl "):
                continue
            words = shlex.split(command, comments=True)
            method = "POST" if any(w in _DATA_FLAGS for w in words) else "GET"
            if "-X" in words:
                method = words[words.index("-X") + 1]
            url = next(w for w in words if w.startswith("$E/"))
            found.append((method, url[2:].split("?")[0]))
    return found


def test_every_endpoint_has_a_curl_example(doc):
    with Emulator() as emu:
        endpoints = set(emu.operations()) | set(emu.admin_endpoints())
    router = Router()
    for method, template in endpoints:
        router.add(method, template, print)
    documented = set()
    for method, path in curl_requests(doc):
        resolution = router.resolve(method, path)
        assert resolution.handler is not None, f"no endpoint for: curl -X {method} {path}"
        documented.add((method, resolution.template))
    assert sorted(endpoints - documented) == []


def test_every_config_key_is_documented(doc):
    for key in EmulatorConfig().as_dict():
        assert f"`{key}`" in doc, key


def test_every_knob_is_a_documented_option_of_serve(doc):
    from click.testing import CliRunner

    from cnamctl.cli import main

    help_text = CliRunner().invoke(main, ["emulator", "serve", "--help"]).output
    for field in EmulatorConfig.fields():
        assert f"| `{field.name}`" in doc, field.name
        assert "--" + field.name.replace("_", "-") in help_text, field.name
