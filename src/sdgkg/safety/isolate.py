"""Run one piece of work in a forked child, so that whatever it does, the caller gets one error.

The CLI's query runs here: the child has a memory ceiling (`sandbox.limit_memory`), and a
query that exhausts it, overflows the engine's stack or runs past the time limit ends the
child, never the command: the parent reports it as an `Error:` line. The child inherits the
parent's seccomp filter (`sandbox.deny_network`).

Only for a process with a single thread (fork copies just the calling thread): the CLI's
real process, not a test runner calling the CLI in-process.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import TypeVar

from sdgkg.errors import QueryError, QueryTimeout
from sdgkg.safety.sandbox import limit_memory, memory_error

T = TypeVar("T")
GRACE = 2.0  # seconds the child gets past the time limit to report its own timeout


def run_isolated(work: Callable[[], T], timeout: float | None, max_memory: int | None) -> T:
    """`work()` run in a child process: its value, or the error it raised, or QueryError if
    the child died (memory limit, crash), or QueryTimeout past `timeout` (+ a grace). Where
    there is no fork, `work()` runs here, unbounded but for the query's own time limit."""
    if not hasattr(os, "fork"):
        return work()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        _child(work, writer, max_memory)
    os.close(writer)
    try:
        data = _read_all(reader, None if not timeout else time.monotonic() + timeout + GRACE)
    finally:
        os.close(reader)
    if data is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise QueryTimeout(f"query stopped after the {timeout:g} s time limit")
    _pid, status = os.waitpid(pid, 0)
    if not data:
        raise _death(status, max_memory)
    ok, value = pickle.loads(data)
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


def _child(work: Callable[[], T], writer: int, max_memory: int | None) -> None:
    code = 0
    try:
        # The engine's own dying words (an allocation failure, a backtrace) are not for the
        # user: the parent reports what happened in one line.
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        limit_memory(max_memory)
        try:
            reply = pickle.dumps((True, work()))
        except MemoryError:
            reply = pickle.dumps((False, memory_error(max_memory)))
        except BaseException as exc:  # handed to the parent, which raises it
            exc.__traceback__ = None
            try:
                reply = pickle.dumps((False, exc))
            except Exception:
                reply = pickle.dumps((False, QueryError(str(exc))))
        with os.fdopen(writer, "wb") as stream:
            stream.write(reply)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _read_all(reader: int, deadline: float | None) -> bytes | None:
    """Everything the child writes, or None if the deadline passes first."""
    chunks: list[bytes] = []
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            return None
        ready, _, _ = select.select([reader], [], [], wait)
        if not ready:
            return None
        chunk = os.read(reader, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _death(status: int, max_memory: int | None) -> QueryError:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGABRT, signal.SIGKILL):
        return memory_error(max_memory)  # the engine aborts when an allocation fails
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return QueryError(f"the query crashed the engine ({name})", hint="simplify the query")
    return QueryError(f"the query process ended without an answer (status {status})")
