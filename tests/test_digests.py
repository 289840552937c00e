"""File digests are remembered only while a file's metadata proves it unchanged."""

from __future__ import annotations

import hashlib
import json
import time

from sdgkg.store import digests
from sdgkg.store.digests import file_digests


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def reads(monkeypatch) -> list[str]:
    """Record every file the module hashes."""
    seen: list[str] = []
    real = hashlib.file_digest

    def counting(handle, name):
        seen.append(handle.name)
        return real(handle, name)

    monkeypatch.setattr(digests.hashlib, "file_digest", counting)
    return seen


def settle(monkeypatch, seconds: float = 10) -> None:
    """Pretend the files were last changed `seconds` ago."""
    later = time.time() + seconds
    monkeypatch.setattr(digests.time, "time", lambda: later)


def test_digests_are_the_sha256_of_each_file_in_order(tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_bytes(b"first")
    b.write_bytes(b"second")
    assert file_digests([b, a], tmp_path / "cache") == [sha256(b"second"), sha256(b"first")]


def test_a_settled_unchanged_file_is_not_read_again(tmp_path, monkeypatch):
    a = tmp_path / "a.ttl"
    a.write_bytes(b"content")
    settle(monkeypatch)
    seen = reads(monkeypatch)
    assert file_digests([a], tmp_path / "cache") == [sha256(b"content")]
    assert file_digests([a], tmp_path / "cache") == [sha256(b"content")]
    assert seen == [str(a)]


def test_a_rewritten_file_is_hashed_again(tmp_path, monkeypatch):
    a = tmp_path / "a.ttl"
    a.write_bytes(b"old")
    settle(monkeypatch)
    file_digests([a], tmp_path / "cache")
    a.write_bytes(b"new content")
    assert file_digests([a], tmp_path / "cache") == [sha256(b"new content")]


def test_a_file_changed_just_now_is_never_remembered(tmp_path):
    a = tmp_path / "a.ttl"
    a.write_bytes(b"content")  # a second write in this clock tick could keep its mtime
    file_digests([a], tmp_path / "cache")
    memo = tmp_path / "cache" / "digests-v1.json"
    assert not memo.exists() or str(a.resolve()) not in json.loads(memo.read_text())


def test_a_broken_memo_costs_only_a_rehash(tmp_path):
    a = tmp_path / "a.ttl"
    a.write_bytes(b"content")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "digests-v1.json").write_text("{not json")
    assert file_digests([a], tmp_path / "cache") == [sha256(b"content")]
