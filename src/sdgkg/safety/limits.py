"""Query limits: a time limit that really stops the work, and a cap on result rows.

The embedded engine (pyoxigraph) releases the GIL while it evaluates, so a query runs in a
daemon worker thread and the caller waits for it with a deadline. On timeout the caller gets
`QueryTimeout`; the CLI then prints the error and ends the process with `os._exit`, which
stops the worker wherever it is (a thread cannot be cancelled, and a forked worker per query
would cost a process on every query, not just on the slow ones).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sdgkg.errors import InputError, QueryError, QueryTimeout

T = TypeVar("T")
TIMEOUT_ENV, ROWS_ENV = "SDGKG_QUERY_TIMEOUT", "SDGKG_MAX_ROWS"
# The command line's defaults: one user's own queries.
DEFAULT_TIMEOUT, DEFAULT_MAX_ROWS = 30.0, 100_000
# The server's defaults: anybody's queries, answered while others wait.
SERVER_TIMEOUT, SERVER_MAX_ROWS = 10.0, 10_000


@dataclass(frozen=True)
class QueryLimits:
    """Seconds a query may run and rows it may return; 0 or None means no limit."""

    timeout: float | None = DEFAULT_TIMEOUT
    max_rows: int | None = DEFAULT_MAX_ROWS
    # Bytes of data the process that evaluates a query may hold (None: no limit); set by
    # `sdgkg.safety.sandbox.memory_limit` from --max-memory / $SDGKG_MAX_MEMORY.
    max_memory: int | None = None

    @classmethod
    def resolve(cls, timeout: float | None = None, max_rows: int | None = None) -> QueryLimits:
        """Options win over $SDGKG_QUERY_TIMEOUT / $SDGKG_MAX_ROWS, which win over defaults."""
        seconds = timeout if timeout is not None else _env(TIMEOUT_ENV, float, DEFAULT_TIMEOUT)
        rows = max_rows if max_rows is not None else _env(ROWS_ENV, int, DEFAULT_MAX_ROWS)
        return cls(seconds or None, int(rows) or None)


def _env(name: str, kind: Callable[[str], float], default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise InputError(f"${name}: '{raw}' is not a number") from None
    if value < 0:
        raise InputError(f"${name}: '{raw}' is negative")
    return value


def call_with_timeout(work: Callable[[], T], timeout: float | None) -> T:
    """Run `work` in a worker thread; return its result, re-raise its error, or raise
    QueryTimeout after `timeout` seconds."""
    if not timeout:
        return work()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = _without_frames(exc)

    worker = threading.Thread(target=run, name="sdgkg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(
            f"query stopped after the {timeout:g} s time limit",
            hint=f"simplify it, add LIMIT, or raise --timeout (or ${TIMEOUT_ENV})",
        )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _without_frames(exc: BaseException) -> BaseException:
    # The worker's frames hold engine objects that must be freed on the worker's thread.
    seen: BaseException | None = exc
    while seen is not None:
        seen.__traceback__ = None
        seen = seen.__context__
    return exc


def too_many_rows(limit: int) -> QueryError:
    """The error for a result larger than the row limit."""
    return QueryError(
        f"query returned more than {limit} rows (the row limit)",
        hint=f"add LIMIT, or raise --max-rows (or ${ROWS_ENV})",
    )


SERVER_LIMITS = QueryLimits(SERVER_TIMEOUT, SERVER_MAX_ROWS)
