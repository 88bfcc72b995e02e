"""Finding and reading manifest files: only regular files, links kept inside the
manifest paths unless allowed, bounded reads, never a hang."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from cnamctl.errors import Location, Problem
from cnamctl.manifest.files import (
    OUTSIDE_LINKS_OPTION,
    ManifestFile,
    ManifestPaths,
    find_manifest_files,
    read_text,
)
from cnamctl.manifest.limits import Limits

DOC = "apiVersion: cnamctl/v1\nkind: BusinessProfile\nname: acme\nfriendlyName: Acme\n"


def within(seconds: float, work: Callable[[], object]) -> object:
    """``work()``, failing the test if it has not returned after ``seconds`` (a hang)."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return result[0]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m" / "sub").mkdir(parents=True)
    (tmp_path / "m" / "a.yaml").write_text(DOC)
    (tmp_path / "m" / "sub" / "b.yml").write_text(DOC)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "token").write_text("ghp_0123456789abcdefghijABCDEFGHIJ012345\n")
    (tmp_path / "outside" / "x.yaml").write_text(DOC)
    return tmp_path


def messages(found: object) -> list[str]:
    return [str(p) for p in found.problems]  # type: ignore[attr-defined]


def displays(found: object) -> list[str]:
    return [f.display for f in found.files]  # type: ignore[attr-defined]


def test_regular_files_in_sorted_order(tree: Path) -> None:
    (tree / "m" / "a.yaml.bak").write_text("x")
    (tree / "m" / ".hidden.yaml").write_text("x")
    found = find_manifest_files(["m"])
    assert displays(found) == ["m/a.yaml", "m/sub/b.yml"] and found.problems == []


def test_links_inside_the_tree_are_read_once(tree: Path) -> None:
    os.symlink("a.yaml", tree / "m" / "also-a.yaml")
    os.symlink("sub", tree / "m" / "sub-again")  # a directory inside: walked in place
    os.symlink(".", tree / "m" / "sub" / "loop")  # a loop inside: never walked
    found = find_manifest_files(["m"])
    assert displays(found) == ["m/a.yaml", "m/sub/b.yml"] and found.problems == []


@pytest.mark.parametrize("target", ["outside/token", "outside/x.yaml", "outside"])
def test_links_leaving_the_tree_are_refused(tree: Path, target: str) -> None:
    os.symlink(tree / target, tree / "m" / "z.yaml")
    found = find_manifest_files(["m"])
    assert displays(found) == ["m/a.yaml", "m/sub/b.yml"]
    assert messages(found) == [
        f"m/z.yaml: a symbolic link to {tree / target}, outside {tree / 'm'}: refused (links "
        f"leaving the manifest paths are not followed; pass {OUTSIDE_LINKS_OPTION} to "
        "follow them)"
    ]


def test_a_link_named_on_the_command_line_must_stay_in_its_directory(tree: Path) -> None:
    os.symlink(tree / "outside" / "token", tree / "m" / "z.yaml")
    assert "outside" in messages(find_manifest_files(["m/z.yaml"]))[0]
    assert displays(find_manifest_files(["outside/token"])) == ["outside/token"]  # by name


def test_links_may_be_allowed_and_directory_loops_end(tree: Path) -> None:
    os.symlink(tree / "outside", tree / "m" / "ext")
    os.symlink(tree / "m", tree / "outside" / "back")  # a loop through the allowed link
    found = find_manifest_files(["m"], allow_outside_links=True)
    assert displays(found) == ["m/a.yaml", "m/ext/x.yaml", "m/sub/b.yml"]
    assert found.problems == []


def _bind_socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: os.symlink("z.yaml", p), "m/z.yaml: a symbolic link loop"),
        (lambda p: os.symlink("nowhere", p), "m/z.yaml: a broken symbolic link"),
        (lambda p: os.mkfifo(p), "m/z.yaml: a FIFO (named pipe), not a regular file: refused"),
        (_bind_socket, "m/z.yaml: a socket, not a regular file: refused"),
        (lambda p: p.mkdir(), None),  # a directory named *.yaml is walked like any other
    ],
)  # fmt: skip
def test_what_is_not_a_regular_file_is_refused_without_waiting(
    tree: Path, make: Callable[[Path], None], message: str | None
) -> None:
    make(tree / "m" / "z.yaml")
    found = within(10, lambda: find_manifest_files(["m"]))
    assert messages(found) == ([message] if message else [])
    assert displays(found) == ["m/a.yaml", "m/sub/b.yml"]


def test_devices_are_refused_even_when_links_are_allowed(tree: Path) -> None:
    os.symlink("/dev/zero", tree / "m" / "zero.yaml")
    found = within(10, lambda: find_manifest_files(["m"], allow_outside_links=True))
    assert messages(found) == ["m/zero.yaml: a character device, not a regular file: refused"]
    assert "a FIFO" in messages(within(10, lambda: _fifo_named(tree)))[0]


def _fifo_named(tree: Path) -> object:
    os.mkfifo(tree / "fifo.yaml")
    return find_manifest_files(["fifo.yaml"])


def test_a_file_swapped_for_a_fifo_after_discovery_is_refused_when_opened(tree: Path) -> None:
    (tree / "m" / "a.yaml").unlink()
    os.mkfifo(tree / "m" / "a.yaml")
    read = within(10, lambda: read_text(ManifestFile(tree / "m" / "a.yaml", "m/a.yaml")))
    assert read == Problem(None, "m/a.yaml: a FIFO (named pipe), not a regular file: refused")


def test_reads_stop_at_the_size_limit(tree: Path) -> None:
    manifest = ManifestFile(tree / "m" / "a.yaml", "m/a.yaml")
    assert read_text(manifest, Limits(file_bytes=len(DOC))) == DOC
    assert read_text(manifest, Limits(file_bytes=len(DOC) - 1)) == Problem(
        Location("m/a.yaml", 1),
        f"larger than {len(DOC) - 1} bytes (the limit on the size of one manifest file)",
    )


def test_control_characters_in_file_names_are_shown_inert(tree: Path) -> None:
    (tree / "m" / "\x1b]0;owned\x07.yaml").write_text(DOC)
    assert "m/\\x1b]0;owned\\x07.yaml" in displays(find_manifest_files(["m"]))


def test_manifest_paths_carry_the_flag_and_stay_a_tuple() -> None:
    paths = ManifestPaths(["a", "b"], allow_outside_links=True)
    assert paths == ("a", "b") and paths.allow_outside_links
    assert not ManifestPaths(["a"]).allow_outside_links
