"""SHA-256 digests of files, remembered while a file's metadata says it is unchanged.

The index and the cached validation report are keyed by the digests of every graph file;
hashing 50 MB of Turtle costs about 50 ms on every command. A memo in the cache folder maps
each file to its digest together with its device, inode, size, mtime and ctime; a file whose
metadata still matches is not read again. A write changes mtime and ctime (ctime cannot be set
back by tools such as `touch` or `rsync -t`), so a matching entry means unchanged content.
The one blind spot is a write in the same clock tick as the hashing; a digest is therefore only
remembered for a file whose last change is older than `_SETTLED` seconds (Git's "racy" rule).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from sdgkg.store.writes import replace_file

_MEMO = "digests-v1.json"
_SETTLED = 2.0  # seconds: a file changed more recently than this is hashed every time


def file_digests(files: Sequence[Path], cache: Path) -> list[bytes]:
    """The SHA-256 digest of each file, in order, reading only files the memo cannot vouch for."""
    memo_path = cache / _MEMO
    memo = _load(memo_path)
    now = time.time()
    digests, changed = [], False
    for path in files:
        key = str(path.resolve())
        stat = path.stat()
        signature = [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
        entry = memo.get(key)
        if entry and entry[:-1] == signature:
            digests.append(bytes.fromhex(str(entry[-1])))
            continue
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").digest()
        digests.append(digest)
        if now - max(stat.st_mtime_ns, stat.st_ctime_ns) / 1e9 > _SETTLED:
            memo[key] = [*signature, digest.hex()]
            changed = True
    if changed:
        _store(memo_path, memo)
    return digests


def content_key(root: Path, files: Sequence[Path], salt: str, cache: Path) -> str:
    """A short key of `files`: their paths below `root` and their contents, after `salt` (what
    else the keyed thing depends on). Equal files under another root give the same key."""
    paths = sorted(files, key=lambda path: path.relative_to(root).as_posix())
    digest = hashlib.sha256(salt.encode())
    for path, content in zip(paths, file_digests(paths, cache), strict=True):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + content)
    return digest.hexdigest()[:32]


def _load(path: Path) -> dict[str, list[object]]:
    try:
        memo = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _store(path: Path, memo: dict[str, list[object]]) -> None:
    # Entries of files that no longer exist would only grow the memo.
    live = {key: entry for key, entry in memo.items() if os.path.exists(key)}
    with contextlib.suppress(OSError):  # a memo that cannot be written only costs time
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, json.dumps(live, separators=(",", ":")).encode("utf-8"))
