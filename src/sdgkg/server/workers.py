"""Killable query workers, so the time limit really stops the work.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed; a process can.
At start the server forks a *zygote*: a single-threaded copy of the process that already holds
the loaded store. Each worker is forked from the zygote (never from the threaded server, where a
fork could copy a lock held by another thread), so it starts at once and shares the store's
memory copy-on-write. A worker that overruns the time limit is killed with SIGKILL and the
zygote forks a fresh one.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import select
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from sdgkg.errors import WorkerCrashed, WorkerTimeout
from sdgkg.parallel import usable_cores
from sdgkg.safety.sandbox import deny_network, limit_memory

Handler = Callable[[Any], Any]
MOST_WORKERS = 16


def default_workers(cpus: int | None = None) -> int:
    """Two workers per CPU (by default the CPUs this process may use), at least 2, at most
    MOST_WORKERS.

    A worker that has answered sits idle until the server thread waiting for it wakes up and
    reads the answer; a second worker per CPU runs a query meanwhile, so no CPU waits for that
    hand-over (with one per CPU, a 2-CPU machine answered about 20% fewer queries per second).
    """
    if cpus is None:
        cpus = usable_cores()
    return max(2, min(MOST_WORKERS, 2 * cpus))


@dataclass
class _Worker:
    pid: int
    conn: Connection
    # Registered once: Connection.poll builds and tears down a selector on every call.
    ready: select.poll = field(default_factory=select.poll)

    def __post_init__(self) -> None:
        self.ready.register(self.conn.fileno(), select.POLLIN)

    def answers_within(self, timeout: float) -> bool:
        return bool(self.ready.poll(timeout * 1000))


class WorkerPool:
    """`size` worker processes that run `handler(job)`; `run` returns its value or raises
    what it raised, WorkerTimeout past `timeout` seconds, WorkerCrashed if the worker died."""

    def __init__(self, handler: Handler, size: int = 2, max_memory: int | None = None) -> None:
        self._zygote, child = socket.socketpair()
        self._zygote_pid = os.fork()
        if self._zygote_pid == 0:
            self._zygote.close()
            _zygote_main(child, handler, max_memory)
        child.close()
        self._lock = threading.Lock()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        with self._lock:
            self._zygote.sendall(b"w")
            data, fds, _flags, _addr = socket.recv_fds(self._zygote, 8, 1)
        if len(data) != 8 or not fds:
            raise WorkerCrashed("the worker factory is gone")
        return _Worker(int.from_bytes(data, "big"), Connection(fds[0]))

    def run(self, job: Any, timeout: float) -> Any:
        try:
            taken: _Worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise WorkerTimeout(f"every worker was busy for {timeout:g} s") from None
        worker: _Worker | None = taken  # None once replaced: it does not go back to the idle
        try:
            taken.conn.send_bytes(pickle.dumps(job))
            if not taken.answers_within(timeout):
                self._replace(worker)
                worker = None
                raise WorkerTimeout(f"the query ran longer than {timeout:g} s")
            ok, value = pickle.loads(taken.conn.recv_bytes())
        except (EOFError, OSError):
            self._replace(worker)
            worker = None
            raise WorkerCrashed("the query worker died") from None
        finally:
            if worker is not None:
                self._idle.put(worker)
        if ok:
            return value
        raise value

    def _replace(self, worker: _Worker | None) -> None:
        if worker is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.conn.close()
        self._idle.put(self._spawn())

    def close(self) -> None:
        """Stop the zygote and the workers (they also exit when this process dies)."""
        self._zygote.close()
        while not self._idle.empty():
            worker = self._idle.get_nowait()
            worker.conn.close()


def _zygote_main(sock: socket.socket, handler: Handler, max_memory: int | None) -> None:
    _quiet_signals()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps killed workers
    # Whatever a query says, a worker cannot open an internet socket (inherited by each fork),
    # and cannot grow past the memory limit (it dies; the server answers 503).
    deny_network()
    limit_memory(max_memory)
    while sock.recv(1):
        mine, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            sock.close()
            mine.close()
            _worker_main(Connection(theirs.detach()), handler)
        socket.send_fds(sock, [pid.to_bytes(8, "big")], [mine.fileno()])
        mine.close()
        theirs.close()
    os._exit(0)  # the server closed its end: it has stopped


def _worker_main(conn: Connection, handler: Handler) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply = pickle.dumps((True, handler(job)))
        except Exception as exc:  # sent back and raised in the server thread
            try:
                reply = pickle.dumps((False, exc))
            except Exception:  # an exception that cannot be pickled
                reply = pickle.dumps((False, RuntimeError(str(exc))))
        conn.send_bytes(reply)


def _quiet_signals() -> None:
    # Ctrl-C reaches the whole process group; only the server should react to it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
