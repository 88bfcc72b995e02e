"""Hostile manifests through `validate`, `plan` and `apply` (issue 11, "Manifests").

Every case, for each command: exit 1 with ``error: file[:line]: message`` on stderr,
no traceback, not a single HTTP request to the (live, counting) emulator, the
emulator's database unchanged, no file written, a bounded amount of output, no raw
terminal control character and no secret in it, and the command back within a
bound (run in a thread that must finish: a hang fails the test instead of
stalling it; the bound is generous, the runs take well under a second).

The cases are classes, each built from its own generator: alias bombs (at the top
and inside ``phoneNumbers``), too many aliases, deep nesting (flow and block), a
huge value, a symlink loop, a link to ``/dev/zero``, a FIFO named ``*.yaml``, a
link leaving the tree to a token file, a stray ``.env`` file holding the auth
token, a file over the size limit, phone numbers a person would not mean, and
control characters in file names and values.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from .live import TOKEN, Live

HEAD = "apiVersion: cnamctl/v1\nkind: CnamProfile\nname: acme-sales\nbusinessProfile: acme\n"
PROFILE = "apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: acme\nfriendlyName: Acme Corp\n"
GITHUB_TOKEN = "ghp_R3l1ab1l1tyT0k3nN0tT0B3Sh0wn0123456"
BOUND_SECONDS = 60.0
COMMANDS = {
    "validate": ["validate"],
    "plan": ["plan"],
    "apply": ["apply", "--auto-approve"],
}
ERROR_AT = re.compile(r"^error: m/\S+?(:\d+)?: ")


def cnam(display: str = "ACME SALES", numbers: str = "['+14155550100']", extra: str = "") -> str:
    return (
        f"{HEAD}displayName: {display}\nemail: trust@acme.example\n{extra}phoneNumbers: {numbers}\n"
    )


def laughs(levels: int = 9, width: int = 9, inside: str = "top") -> str:
    anchors = "".join(
        f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * width)}]\n" for i in range(1, levels + 1)
    )
    if inside == "phoneNumbers":
        first = "x0: &x0 ['+14155550100']\n"
        return cnam(numbers=f"*x{levels}", extra=first + anchors)
    return f"x0: &x0 [lol, lol]\n{anchors}all: *x{levels}\n"


def write(files: dict[str, str | bytes]) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return build


def link(name: str, target: str | Callable[[Path], str]) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / "m").mkdir(exist_ok=True)
        (root / "m" / "profile.yaml").write_text(PROFILE)
        (root / "secrets").mkdir(exist_ok=True)
        (root / "secrets" / "token").write_text(GITHUB_TOKEN + "\n")
        os.symlink(target(root) if callable(target) else target, root / "m" / name)

    return build


def fifo(root: Path) -> None:
    write({"m/profile.yaml": PROFILE})(root)
    os.mkfifo(root / "m" / "pipe.yaml")


# (case, how to build m/, what the error line says)
CASES: list[tuple[str, Callable[[Path], None], str]] = [
    ("billion-laughs", write({"m/bomb.yaml": laughs()}), "the limit on what aliases may expand to"),
    (
        "billion-laughs-in-phoneNumbers",
        write({"m/profile.yaml": PROFILE, "m/cnam.yaml": laughs(inside="phoneNumbers")}),
        "the limit on what aliases may expand to",
    ),
    (
        "too-many-aliases",
        write({"m/a.yaml": "x: &x 1\ny: [" + ", ".join(["*x"] * 1_500) + "]\n"}),
        "the limit on aliases",
    ),
    (
        "deep-flow",
        write({"m/deep.yaml": "a: " + "[" * 10_000 + "]" * 10_000 + "\n"}),
        "nesting deeper than 64 levels",
    ),
    ("deep-block", write({"m/deep.yaml": "a:\n" + "- " * 10_000 + "x\n"}), "nesting deeper"),
    (
        "huge-display-name",
        write({"m/profile.yaml": PROFILE, "m/cnam.yaml": cnam(display="A" * 5_000_000)}),
        "(5,000,000 characters)' is 5,000,000 characters long",
    ),
    ("over-the-size-limit", write({"m/big.yaml": b"#" * (33 * 1024 * 1024)}), "larger than 32 MiB"),
    ("symlink-loop", link("loop.yaml", "loop.yaml"), "a symbolic link loop"),
    ("link-to-dev-zero", link("zero.yaml", "/dev/zero"), "outside"),
    ("fifo", fifo, "a FIFO (named pipe), not a regular file"),
    (
        "link-leaving-the-tree",
        link("x.yaml", lambda root: str(root / "secrets" / "token")),
        "refused (links leaving the manifest paths are not followed",
    ),
    (
        "stray-env-file",
        write({"m/profile.yaml": PROFILE, "m/ci.yaml": f"TWILIO_AUTH_TOKEN={TOKEN}\n"}),
        "a manifest document must be a mapping, found a string",
    ),
    (
        "keypad-letters",
        write({"m/profile.yaml": PROFILE, "m/cnam.yaml": cnam(numbers="['+1415555O1OO']")}),
        "'+1415555O1OO' contains 'O' (U+004F LATIN CAPITAL LETTER O)",
    ),
    (
        "zero-width-space",
        write({"m/profile.yaml": PROFILE, "m/cnam.yaml": cnam(numbers="['+1415555\u200b0100']")}),
        "contains '\\u200b' (U+200B ZERO WIDTH SPACE)",
    ),
    (
        "control-characters",
        write(
            {
                "m/profile.yaml": PROFILE,
                "m/\x1b]0;owned\x07.yaml": cnam(display='"\\e]0;owned\\a\\e[2J"'),
            }
        ),
        "'\\x1b]0;owned\\x07\\x1b[2J' must start with a letter",
    ),
]


def run_bounded(live: Live, args: list[str]) -> Result:
    done: list[Result] = []
    thread = threading.Thread(target=lambda: done.append(live.cli(args)), daemon=True)
    thread.start()
    thread.join(BOUND_SECONDS)
    assert not thread.is_alive(), f"cnamctl {' '.join(args)} still running after {BOUND_SECONDS} s"
    return done[0]


def files_under(root: Path) -> set[tuple[str, int]]:
    """Every path under ``root`` and its size (links not followed)."""
    return {(str(p), os.lstat(p).st_size) for p in root.rglob("*")}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(("case", "build", "expected"), CASES, ids=[c[0] for c in CASES])
def test_refused_with_file_line_no_request_nothing_written(
    case: str,
    build: Callable[[Path], None],
    expected: str,
    command: str,
    corpus_live: Live,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    build(tmp_path)
    before = (corpus_live.requests_seen(), corpus_live.dump(), files_under(tmp_path))
    result = run_bounded(corpus_live, [*COMMANDS[command], "m"])
    after = (corpus_live.requests_seen(), corpus_live.dump(), files_under(tmp_path))
    output = result.output
    assert result.exit_code == 1, output[:2000]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert any(expected in line for line in errors), result.stderr[:2000]
    assert all(ERROR_AT.match(line) for line in errors), result.stderr[:2000]
    assert result.stdout == ""
    assert after == before, "refused manifests must not reach Twilio or write anything"
    assert len(output) < 10_000, "output must not flood"
    assert "\x1b" not in output and "\x07" not in output
    assert TOKEN not in output and GITHUB_TOKEN[4:] not in output


def test_allowing_outside_links_still_quotes_nothing_of_a_non_manifest(
    corpus_live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    link("x.yaml", lambda root: str(root / "secrets" / "token"))(tmp_path)
    result = run_bounded(corpus_live, ["validate", "--allow-outside-links", "m"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "error: m/x.yaml:1: a manifest document must be a mapping, found a string"
    )
    assert GITHUB_TOKEN[4:] not in result.output


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_file_declaring_nothing_is_a_warning_in_every_command(
    command: str, corpus_live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write({"m/profile.yaml": PROFILE, "m/empty.yaml": "# nothing yet\n---\n"})(tmp_path)
    result = run_bounded(corpus_live, [*COMMANDS[command], "m"])
    assert result.exit_code == 0, result.output
    warning = "WARNING cnamctl.manifest: m/empty.yaml:1: declares nothing"
    assert any(line.startswith(warning) for line in result.stderr.splitlines()), result.stderr
    quiet = run_bounded(corpus_live, ["-q", *COMMANDS[command], "m"])
    assert quiet.exit_code == 0 and "declares nothing" not in quiet.output
