"""Run a composite GitHub Action's steps on this machine, as a runner would.

Enough of the runner for action.yml: ``${{ }}`` expressions over ``inputs``,
``github``, ``steps`` and ``env`` (literals, property paths, ``== != && || !``,
parentheses, ``always() success() failure()``), each ``run:`` step in
``bash -e -o pipefail`` with the runner's files (GITHUB_OUTPUT, GITHUB_PATH,
GITHUB_STEP_SUMMARY) and RUNNER_TEMP, GITHUB_ACTION_PATH, ... Steps that ``uses:``
another action are recorded with their evaluated ``with:``, not run. Syntax it
does not know raises, so an expression the runner cannot read fails the test
instead of being skipped.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\)|,)"
    r"|(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))"
)


class Expression:
    def __init__(self, text: str, context: dict[str, Any], failed: bool) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text.rstrip()):
            match = _TOKEN.match(text, pos)
            if not match or match.end() == pos:
                raise ValueError(f"cannot read expression {text!r} at {pos}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.context = context
        self.failed = failed

    def value(self) -> Any:
        result = self._or()
        if self.tokens:
            raise ValueError(f"unexpected {self.tokens[0][1]!r}")
        return result

    def _take(self, op: str) -> bool:
        if self.tokens and self.tokens[0] == ("op", op):
            self.tokens.pop(0)
            return True
        return False

    def _or(self) -> Any:
        left = self._and()
        while self._take("||"):
            right = self._and()
            left = left if _truthy(left) else right
        return left

    def _and(self) -> Any:
        left = self._not()
        while self._take("&&"):
            right = self._not()
            left = right if _truthy(left) else left
        return left

    def _not(self) -> Any:
        if self._take("!"):
            return not _truthy(self._not())
        left = self._primary()
        for op in ("==", "!="):
            if self._take(op):
                equal = _loose(left) == _loose(self._primary())
                return equal if op == "==" else not equal
        return left

    def _primary(self) -> Any:
        if not self.tokens:
            raise ValueError("expression ends too early")
        kind, text = self.tokens.pop(0)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text)
        if (kind, text) == ("op", "("):
            inner = self._or()
            if not self._take(")"):
                raise ValueError("missing )")
            return inner
        if kind == "name":
            if text in ("true", "false", "null"):
                return {"true": True, "false": False, "null": None}[text]
            if self._take("("):
                if not self._take(")"):
                    raise ValueError(f"{text}() with arguments is not supported")
                functions = {"always": True, "success": not self.failed, "failure": self.failed}
                if text not in functions:
                    raise ValueError(f"unknown function {text}()")
                return functions[text]
            value: Any = self.context
            for part in text.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            return "" if value is None and text.startswith(("steps.", "inputs.")) else value
        raise ValueError(f"unexpected {text!r}")


def _truthy(value: Any) -> bool:
    return value not in (None, False, 0, "")


def _loose(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def evaluate(text: str, context: dict[str, Any], failed: bool = False) -> Any:
    return Expression(text, context, failed).value()


def interpolate(text: str, context: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        value = evaluate(match.group(1), context)
        return (
            "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        )

    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


@dataclass
class StepRun:
    name: str
    id: str | None
    ran: bool
    returncode: int | None = None
    output: str = ""
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]
    failed: bool
    summary: str

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)


def run_action(
    action_file: Path,
    *,
    inputs: dict[str, str],
    github: dict[str, Any],
    workspace: Path,
    temp: Path,
    env: dict[str, str],
    replace_run: dict[str, str] | None = None,
) -> ActionRun:
    """Run the composite action in ``action_file``; ``replace_run`` swaps the
    script of the steps with those ids (the install step, in tests)."""
    action = yaml.safe_load(action_file.read_text())
    declared = action.get("inputs", {})
    unknown = set(inputs) - set(declared)
    if unknown:
        raise ValueError(f"inputs not declared by the action: {sorted(unknown)}")
    context: dict[str, Any] = {"steps": {}, "github": github, "env": env}
    context["inputs"] = {
        name: inputs.get(name, interpolate(str(spec.get("default", "")), context))
        for name, spec in declared.items()
    }
    files = {name: temp / name for name in ("output", "path", "summary", "env")}
    for path in files.values():
        path.write_text("")
    runs: list[StepRun] = []
    failed = False
    for spec in action["runs"]["steps"]:
        step_id = spec.get("id")
        name = spec.get("name", step_id or spec.get("uses", "step"))
        condition = str(spec.get("if", "success()")).strip()
        condition = condition[3:-2] if condition.startswith("${{") else condition
        if not _truthy(evaluate(condition, context, failed)):
            runs.append(StepRun(name, step_id, ran=False))
            continue
        if "uses" in spec:
            with_ = {k: interpolate(str(v), context) for k, v in spec.get("with", {}).items()}
            runs.append(StepRun(name, step_id, ran=True, uses=spec["uses"], with_=with_))
            continue
        script = (replace_run or {}).get(step_id or "", spec["run"])
        if "${{" in spec["run"]:
            raise ValueError(f"step {name!r} interpolates an expression into its script")
        files["output"].write_text("")
        step_env = {
            **env,
            **{k: interpolate(str(v), context) for k, v in spec.get("env", {}).items()},
            "GITHUB_OUTPUT": str(files["output"]),
            "GITHUB_PATH": str(files["path"]),
            "GITHUB_STEP_SUMMARY": str(files["summary"]),
            "GITHUB_ENV": str(files["env"]),
            "RUNNER_TEMP": str(temp),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_EVENT_NAME": str(github.get("event_name", "")),
        }
        extra_path = [p for p in files["path"].read_text().splitlines() if p]
        step_env["PATH"] = os.pathsep.join([*reversed(extra_path), env.get("PATH", "")])
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        runs.append(StepRun(name, step_id, True, done.returncode, done.stdout + done.stderr))
        if step_id:
            context["steps"][step_id] = {"outputs": _outputs(files["output"].read_text())}
        if done.returncode != 0:
            failed = True
    outputs = {
        name: interpolate(str(spec.get("value", "")), context)
        for name, spec in action.get("outputs", {}).items()
    }
    return ActionRun(runs, outputs, failed, files["summary"].read_text())


def _outputs(text: str) -> dict[str, str]:
    """``name=value`` lines, and ``name<<DELIMITER`` blocks."""
    found: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            found[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            found[name] = value
    return found
