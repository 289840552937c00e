"""The child-process runner of CLI queries: every way a query can die is one clear error."""

from __future__ import annotations

import faulthandler
import os
import signal
import time

import pytest

from sdgkg.errors import InputError, QueryError
from sdgkg.safety.isolate import run_isolated
from sdgkg.safety.limits import QueryTimeout
from sdgkg.safety.sandbox import memory_limit


def test_the_value_and_the_error_come_back() -> None:
    assert run_isolated(lambda: {"rows": (1, 2)}, 5, None) == {"rows": (1, 2)}

    def refuse() -> None:
        raise QueryError("no", hint="try again")

    with pytest.raises(QueryError, match="no") as caught:
        run_isolated(refuse, 5, None)
    assert caught.value.hint == "try again"


def test_an_engine_abort_is_the_memory_error() -> None:
    with pytest.raises(QueryError, match="more than 300 MiB of memory"):
        run_isolated(lambda: _quietly(os.abort), 5, 300 << 20)


def test_a_python_memory_error_is_the_memory_error() -> None:
    def grow() -> bytes:
        return b"x" * (400 << 20)

    with pytest.raises(QueryError, match="more than 200 MiB of memory"):
        run_isolated(grow, 10, 200 << 20)


def test_a_crash_is_named() -> None:
    with pytest.raises(QueryError, match="crashed the engine \\(SIGSEGV\\)"):
        run_isolated(lambda: _quietly(lambda: os.kill(os.getpid(), signal.SIGSEGV)), 5, None)


def _quietly(die: object) -> None:
    faulthandler.disable()  # the test runner's fault handler would print the child's stack
    die()  # type: ignore[operator]


def test_the_time_limit_stops_the_child() -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        run_isolated(lambda: time.sleep(60), 0.2, None)
    assert time.monotonic() - started < 5


def test_memory_limit_from_option_environment_or_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SDGKG_MAX_MEMORY", raising=False)
    assert memory_limit(None) == 2 << 30
    assert memory_limit(100) == 100 << 20
    assert memory_limit(0) is None
    monkeypatch.setenv("SDGKG_MAX_MEMORY", "512")
    assert memory_limit(None) == 512 << 20
    monkeypatch.setenv("SDGKG_MAX_MEMORY", "lots")
    with pytest.raises(InputError, match="SDGKG_MAX_MEMORY"):
        memory_limit(None)
