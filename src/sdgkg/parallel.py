"""How work is spread over cores: the one place that decides, for every parallel path.

- `usable_cores`: the CPUs this process may run on; every count below starts from it.
- `map_in_threads`: work that releases the GIL (pyoxigraph parsing), one thread per core.
- `on_two_cores` and `fork_cores`: pure-Python work (export's halves, validation's shares) in
  forked children, only where forking is safe.
- `detached`: a background process that outlives the command (the index build), at low priority.
The query server sizes its worker pool from `usable_cores` too (`sdgkg.server.workers`).

Pure-Python work holds the GIL, so threads cannot share it out: the second half goes to a
forked child, which sees the list without copying it, and sends its result back pickled
through a pipe. Forking is done only where it is safe and worth it: on a system with fork
and more than one core, from a process with no other thread (a thread holding a lock at
the fork would leave the child stuck on it). Otherwise, or if the child fails, the second
half is worked here, after the first: the result is the same either way.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    """The CPUs this process may run on (its affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def map_in_threads(work: Callable[[T], R], items: Iterable[T], most: int) -> list[R]:
    """[work(item) for item in items] on up to `most` threads, one per usable core: for work
    that lets go of the GIL, such as pyoxigraph's parsers."""
    with ThreadPoolExecutor(max_workers=max(1, min(most, usable_cores()))) as pool:
        return list(pool.map(work, items))


def detached(argv: Sequence[str]) -> None:
    """Start `python ARGV...` in the background, in its own session (it outlives the command
    and never receives its Ctrl-C), with no standard streams; it lowers its own priority."""
    subprocess.Popen(
        [sys.executable, *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def on_two_cores(work: Callable[[list[T]], R], items: list[T], cut: int) -> tuple[R, R]:
    """(work(items[:cut]), work(items[cut:])), the second computed in a child process when
    it can be."""
    if not _can_fork():
        return work(items[:cut]), work(items[cut:])
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send, and leave without running the parent's exit code
        os.close(read_end)
        _child(work, items[cut:], write_end)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    try:
        first = work(items[:cut])
        sent = pipe.read()
    finally:
        pipe.close()  # unread, if this half failed: the child's write fails and it exits
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        return first, pickle.loads(sent)
    return first, work(items[cut:])  # the child failed: do its half here


def fork_cores() -> int:
    """How many cores forked children could use now: 1 where forking is unsafe (no fork, or
    another thread running) or pointless (one core)."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return 1
    return usable_cores()


def _can_fork() -> bool:
    return fork_cores() > 1


def _child(work: Callable[[list[T]], R], half: list[T], write_end: int) -> None:
    code = 1
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(pickle.dumps(work(half), protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    finally:
        os._exit(code)
