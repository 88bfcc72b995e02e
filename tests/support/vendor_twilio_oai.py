"""Regenerate tests/support/twilio_oai/ from Twilio's OpenAPI specs.

    python tests/support/vendor_twilio_oai.py [--source ../shared/twilio-oai] [--check]

Twilio publishes its API as OpenAPI specs (github.com/twilio/twilio-oai, MIT
licence). The contract checks of the test suite validate every emulator response
against them, so the subset the emulator serves travels with the project: for
each spec file with at least one operation the emulator serves, the operations
it serves (method by method) are kept, with every component they reference
(transitively), the security schemes and the file's header; everything else is
cut. The licence is copied beside them.

``--check`` rewrites nothing and exits 1 when the vendored files differ from what
the source gives (the test suite runs it when the source is present).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET = HERE / "twilio_oai"
REPO = HERE.parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "twilio-oai"
METHODS = ("get", "post", "put", "patch", "delete")
HEADER_KEYS = ("openapi", "info", "servers", "x-maturity", "security")


def served_operations() -> set[tuple[str, str]]:
    sys.path.insert(0, str(REPO))
    from cnamctl.emulator import Emulator

    with Emulator() as emu:
        return {(method.lower(), template) for method, template in emu.operations()}


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def trim(spec: dict[str, Any], served: set[tuple[str, str]]) -> dict[str, Any] | None:
    """The part of ``spec`` the emulator serves, or None when it serves none of it."""
    paths: dict[str, Any] = {}
    for template, item in spec.get("paths", {}).items():
        kept = {
            key: value
            for key, value in item.items()
            if key not in METHODS or (key, template) in served
        }
        if any(key in METHODS for key in kept):
            paths[template] = kept
    if not paths:
        return None
    wanted: set[str] = set()
    _refs(paths, wanted)
    done: set[str] = set()
    while wanted - done:
        ref = min(wanted - done)
        done.add(ref)
        _refs(_resolve(spec, ref), wanted)
    components: dict[str, dict[str, Any]] = {}
    for ref in sorted(done):
        _, section, name = ref.removeprefix("#/").split("/", 2)
        components.setdefault(section, {})[name] = _resolve(spec, ref)
    schemes = spec.get("components", {}).get("securitySchemes")
    if schemes:
        components["securitySchemes"] = schemes
    trimmed = {key: spec[key] for key in HEADER_KEYS if key in spec}
    used_tags = {
        tag
        for item in paths.values()
        for op in item.values()
        if isinstance(op, dict)
        for tag in op.get("tags", [])
    }
    if "tags" in spec:
        trimmed["tags"] = [tag for tag in spec["tags"] if tag.get("name") in used_tags]
    trimmed["paths"] = paths
    trimmed["components"] = components
    return trimmed


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def vendored(source: Path) -> dict[str, str]:
    """File name -> text of what ``source`` gives (the licence included)."""
    served = served_operations()
    files: dict[str, str] = {}
    for path in sorted(source.glob("twilio_*.json")):
        trimmed = trim(json.loads(path.read_text(encoding="utf-8")), served)
        if trimmed is not None:
            files[path.name] = render(trimmed)
    files["LICENSE"] = (source / "LICENSE").read_text(encoding="utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    if not (args.source / "LICENSE").is_file():
        print(f"no Twilio OpenAPI specs at {args.source}", file=sys.stderr)
        return 2
    files = vendored(args.source)
    if args.check:
        stale = [
            name
            for name, text in files.items()
            if not (TARGET / name).is_file() or (TARGET / name).read_text(encoding="utf-8") != text
        ]
        extra = sorted({p.name for p in TARGET.glob("*.json")} - set(files))
        for name in [*stale, *extra]:
            print(f"out of date: tests/support/twilio_oai/{name}", file=sys.stderr)
        return 1 if stale or extra else 0
    for old in TARGET.glob("*.json"):
        old.unlink()
    TARGET.mkdir(exist_ok=True)
    for name, text in files.items():
        (TARGET / name).write_text(text, encoding="utf-8")
    print(f"wrote {', '.join(sorted(files))} to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
