"""The lookup cache is untrusted input: a file anyone with access to the home folder
may have changed. Bad files and entries are warnings, never errors or tracebacks;
what is written holds no credential and is readable by its owner only."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cnamctl.text import inert
from cnamctl.verify import cache as lookups
from cnamctl.verify.cache import LookupCache, default_dir
from cnamctl.verify.model import Answer

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
ACCOUNT = "AC" + "a" * 32
KEY = ("twilio", ACCOUNT, "+14155550100")


def answer(name: str | None = "ACME", hours: float = 0) -> Answer:
    return Answer(name, "BUSINESS" if name else None, None, NOW - timedelta(hours=hours))


def saved(path: Path, *answers: tuple[tuple[str, str, str], Answer]) -> None:
    cache = LookupCache.open(path)
    for key, value in answers:
        cache.put(key, value)
    cache.save(NOW)
    assert cache.problems == []


def test_an_answer_is_reused_while_young_and_remembered_after(tmp_path):
    path = tmp_path / "c" / "lookups.json"
    saved(path, (KEY, answer(hours=2)))
    cache = LookupCache.open(path)
    assert cache.fresh(KEY, NOW, timedelta(hours=12)) == Answer(
        "ACME", "BUSINESS", None, NOW - timedelta(hours=2), cached=True
    )
    assert cache.fresh(KEY, NOW, timedelta(hours=1)) is None  # too old for this run
    assert cache.last(KEY) == NOW - timedelta(hours=2)  # still steers the sample
    assert cache.fresh(("http://127.0.0.1:4010", ACCOUNT, KEY[2]), NOW, timedelta(days=1)) is None


def test_the_file_is_private_and_holds_no_credential(tmp_path):
    path = tmp_path / "c" / "lookups.json"
    saved(path, (KEY, answer()))
    assert path.stat().st_mode & 0o077 == 0
    assert (tmp_path / "c").stat().st_mode & 0o077 == 0
    (entry,) = json.loads(path.read_text())["entries"]
    assert set(entry) == {
        "target", "account_sid", "phone_number", "caller_name", "caller_type", "error_code",
        "looked_up_at",
    }  # fmt: skip


def test_saving_merges_with_what_another_run_wrote_and_forgets_old_entries(tmp_path):
    path = tmp_path / "lookups.json"
    other = ("twilio", ACCOUNT, "+14155550101")
    old = ("twilio", ACCOUNT, "+14155550102")
    saved(path, (other, answer("OTHER")), (old, answer("OLD", hours=24 * 40)))
    mine = LookupCache.open(path)
    mine.put(KEY, answer())
    mine.save(NOW)
    again = LookupCache.open(path)
    assert again.last(KEY) and again.last(other) and again.last(old) is None


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"format": "cnamctl-lookup-cache", "version": 1, "entries": [', "not JSON"),
        (b"\xff\xfe not utf-8", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (b'{"format": "something else", "version": 1, "entries": []}', "not a version-1"),
        (b'{"format": "cnamctl-lookup-cache", "version": 2, "entries": []}', "not a version-1"),
        (b"[]", "not a version-1"),
    ],
)
def test_an_unreadable_file_is_a_warning_and_an_empty_cache(tmp_path, content, why):
    path = tmp_path / "lookups.json"
    path.write_bytes(content)
    cache = LookupCache.open(path)
    assert cache.fresh(KEY, NOW, timedelta(days=1)) is None
    (problem,) = cache.problems
    assert why in problem and "this run rewrites it" in problem
    cache.put(KEY, answer())
    cache.save(NOW)
    assert LookupCache.open(path).fresh(KEY, NOW, timedelta(days=1)) is not None


def test_only_a_regular_file_is_read(tmp_path):
    secret = tmp_path / "elsewhere.json"
    secret.write_text("{}")
    link = tmp_path / "lookups.json"
    link.symlink_to(secret)
    cache = LookupCache.open(link)
    assert "not a regular file" in cache.problems[0]
    cache.put(KEY, answer())
    cache.save(NOW)
    assert not link.is_symlink() and secret.read_text() == "{}"  # replaced, not followed
    fifo = tmp_path / "fifo" / "lookups.json"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    assert "not a regular file" in LookupCache.open(fifo).problems[0]  # and no hang


def test_a_huge_file_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(lookups, "MAX_BYTES", 1000)
    path = tmp_path / "lookups.json"
    path.write_text(" " * 2000)
    assert "larger than" in LookupCache.open(path).problems[0]


def good_entry(**change: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "target": "twilio",
        "account_sid": ACCOUNT,
        "phone_number": "+14155550100",
        "caller_name": "ACME",
        "caller_type": "BUSINESS",
        "error_code": None,
        "looked_up_at": NOW.isoformat(),
    }
    entry.update(change)
    return entry


@pytest.mark.parametrize(
    "bad",
    [
        "not an object",
        good_entry(account_sid="ACxyz"),
        good_entry(phone_number="+1 415 555"),
        good_entry(caller_name="X" * 300),
        good_entry(caller_name=["a"]),
        good_entry(error_code=True),
        good_entry(error_code="60600"),
        good_entry(looked_up_at="yesterday"),
        good_entry(target=""),
    ],
)
def test_a_bad_entry_is_dropped_and_the_others_kept(tmp_path, bad):
    path = tmp_path / "lookups.json"
    other = good_entry(phone_number="+14155550101")
    document = {"format": "cnamctl-lookup-cache", "version": 1, "entries": [bad, other]}
    path.write_text(json.dumps(document))
    cache = LookupCache.open(path)
    assert cache.problems == [f"ignored 1 unreadable entry of the lookup cache {path}"]
    assert cache.fresh(("twilio", ACCOUNT, "+14155550101"), NOW, timedelta(hours=1)) is not None
    assert cache.fresh(KEY, NOW, timedelta(hours=1)) is None


def test_a_hostile_name_stays_a_value(tmp_path):
    """A cached name is shown only through inert() (the renderers do)."""
    path = tmp_path / "lookups.json"
    document = {
        "format": "cnamctl-lookup-cache",
        "version": 1,
        "entries": [good_entry(caller_name="\x1b]0;owned\x07ACME")],
    }
    path.write_text(json.dumps(document))
    found = LookupCache.open(path).fresh(KEY, NOW, timedelta(hours=1))
    assert found is not None and inert(found.caller_name or "") == "\\x1b]0;owned\\x07ACME"


def test_where_the_cache_lives():
    home = {"HOME": "/home/u"}
    assert default_dir({**home, "CNAMCTL_CACHE_DIR": "/tmp/c"}) == Path("/tmp/c")
    assert default_dir(home, "linux") == Path("/home/u/.cache/cnamctl")
    assert default_dir({**home, "XDG_CACHE_HOME": "/x"}, "linux") == Path("/x/cnamctl")
    assert default_dir({**home, "XDG_CACHE_HOME": "rel"}, "linux") == Path("/home/u/.cache/cnamctl")
    assert default_dir(home, "darwin") == Path("/home/u/Library/Caches/cnamctl")
    windows = default_dir({**home, "LOCALAPPDATA": "C:/Users/u/AppData/Local"}, "win32")
    assert windows == Path("C:/Users/u/AppData/Local/cnamctl/Cache")


def test_an_unwritable_folder_is_a_warning(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = LookupCache.open(blocker / "sub" / "lookups.json")
    cache.put(KEY, answer())
    cache.save(NOW)
    assert "could not save the lookup cache" in cache.problems[-1]


def test_clear(tmp_path):
    path = tmp_path / "lookups.json"
    saved(path, (KEY, answer()))
    assert lookups.clear(path) is True and not path.exists()
    assert lookups.clear(path) is False
