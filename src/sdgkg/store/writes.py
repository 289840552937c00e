"""Locked, all-or-nothing writes of several data files, and single files replaced in one step.

One exclusive lock (`fcntl.flock` on the data root folder itself) covers a whole
read-merge-write (POSIX only: without `fcntl`, reads go unlocked and changes are refused).
A write of several files goes in three steps:

1. each new content goes to a temporary file in the target's own folder, fsynced;
2. a journal naming every (temporary, target) pair is written, fsynced and renamed into
   place: from this moment the change is decided;
3. each temporary file is renamed over its target (`os.replace`), the folders are fsynced,
   and the journal is removed.

A process killed before step 2 leaves only stray temporary files (`.NAME.*.tmp`, which no
reader looks at); one killed during step 3 leaves the journal, and the next process to take
the lock (or to read the graph) finishes the renames. So the graph is seen either as it was
before or as it is after, never in between. Readers take the lock shared.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from sdgkg.errors import InputError

try:
    import fcntl

    CAN_LOCK = True
except ImportError:  # not a POSIX system: reads go unlocked, changes are refused (see _flock)
    CAN_LOCK = False

JOURNAL_NAME = ".sdgkg-journal.json"
_TEMP_SUFFIX = ".tmp"


_held: set[Path] = set()  # roots whose lock this process holds (flock is not re-entrant)


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the data root's exclusive lock; finish any change a killed writer left decided."""
    key = root.resolve()
    if key in _held:
        yield
        return
    with _flock(root, exclusive=True, required=True):
        _held.add(key)
        try:
            recover(root)
            yield
        finally:
            _held.discard(key)


@contextlib.contextmanager
def reading(root: Path) -> Iterator[None]:
    """Hold the lock shared while reading, where the root is writable (an installed, read-only
    copy has no writers to wait for)."""
    if root.resolve() in _held:
        yield
        return
    if (root / JOURNAL_NAME).exists() or (_strays(root) and os.access(root, os.W_OK)):
        # A killed writer's journal or temporaries: finish or drop them first (under the
        # exclusive lock, so no running writer's temporaries are taken for strays).
        with locked(root):
            pass
    with _flock(root, exclusive=False, required=False):
        yield


@contextlib.contextmanager
def _flock(root: Path, exclusive: bool, required: bool) -> Iterator[None]:
    # The lock is on the data folder itself: no lock file to create, and a read-only copy
    # can still be locked shared.
    if not CAN_LOCK:  # without flock, a change could interleave with a reader: refuse it
        if required:
            raise InputError(
                "changing the data needs fcntl.flock, which this system lacks",
                hint="sdgkg add and fmt run on POSIX systems (Linux, macOS); reading works here",
            )
        yield
        return
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        if required:
            raise InputError(f"{root}: cannot lock the data ({exc.strerror})") from None
        yield
        return
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def write_files(root: Path, contents: Mapping[Path, bytes]) -> None:
    """Replace every file in `contents` (paths inside `root`) all or nothing. Call it holding
    `locked(root)`."""
    temps: dict[Path, Path] = {}
    try:
        for target, data in contents.items():
            temps[target] = durable_temp(target, data)
        _write_journal(root, temps)
    except OSError as exc:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
        raise InputError(f"cannot write the data: {exc.strerror or exc}") from None
    try:
        recover(root)
    except OSError as exc:  # decided: the next command to read or lock finishes it
        raise InputError(
            f"the change is recorded but not finished ({exc.strerror or exc})",
            hint="the next sdgkg command finishes it",
        ) from None


def durable_temp(target: Path, data: bytes) -> Path:
    """`data` in a new fsynced temporary file beside `target`, with the target's mode."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return _temp_beside(target, data, sync=True)


def replace_file(target: Path, data: bytes) -> None:
    """Replace `target` with `data` in one step (a temporary file beside it, then os.replace):
    readers see the old bytes or the new, never part of them. No fsync, as fits exports and
    caches (the graph's own files go through `write_files`). Raises OSError."""
    temp = _temp_beside(target, data, sync=False)
    try:
        os.replace(temp, target)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def _temp_beside(target: Path, data: bytes, sync: bool) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=_TEMP_SUFFIX)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(temp, mode)  # mkstemp makes 0600; keep the file's own mode
    except OSError:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _write_journal(root: Path, temps: Mapping[Path, Path]) -> None:
    pairs = [[_relative(root, temp), _relative(root, target)] for target, temp in temps.items()]
    journal = root / JOURNAL_NAME
    fd, name = tempfile.mkstemp(dir=root, prefix=f"{JOURNAL_NAME}.", suffix=_TEMP_SUFFIX)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(pairs, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(name, journal)
    _fsync_dir(root)


def recover(root: Path) -> None:
    """Finish a decided change (rename the journal's temporaries over their targets) and drop
    the temporaries of an undecided one. Safe to run again at any point."""
    journal = root / JOURNAL_NAME
    if journal.exists():
        pairs = json.loads(journal.read_text(encoding="utf-8"))
        folders = set()
        for temp, target in pairs:
            if (root / temp).exists():
                os.replace(root / temp, root / target)
            folders.add((root / target).parent)
        for folder in folders:
            _fsync_dir(folder)
        journal.unlink()
        _fsync_dir(root)
    for stray in _strays(root):
        stray.unlink(missing_ok=True)


def _strays(root: Path) -> list[Path]:
    found = list(root.glob(f"{JOURNAL_NAME}.*{_TEMP_SUFFIX}"))
    kg = root / "kg"
    return found + (list(kg.rglob(f".*{_TEMP_SUFFIX}")) if kg.is_dir() else [])


def _relative(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
