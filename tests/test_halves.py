"""`on_two_cores` gives what working the two halves one after the other gives: from a forked
child when it may fork, from this process when it may not or when the child fails."""

from __future__ import annotations

import os
import threading

import pytest

from sdgkg.parallel import on_two_cores

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2, reason="needs fork, 2 cores"
)


def where(half: list[int]) -> tuple[int, list[int]]:
    return os.getpid(), [n * n for n in half]


def test_second_half_is_worked_in_a_child() -> None:
    items = list(range(100_000))  # a result far larger than a pipe's buffer
    (here, first), (there, second) = on_two_cores(where, items, 40_000)
    assert first + second == [n * n for n in items]
    assert here == os.getpid() != there


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        (here, first), (there, second) = on_two_cores(where, [1, 2, 3], 1)
    finally:
        stop.set()
        thread.join()
    assert (first, second) == ([1], [4, 9])
    assert here == there == os.getpid()


def test_a_failed_child_is_made_good_here() -> None:
    parent = os.getpid()

    def fails_in_child(half: list[int]) -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("child")
        return half

    assert on_two_cores(fails_in_child, [1, 2, 3], 2) == ([1, 2], [3])


def test_a_failure_here_does_not_wait_on_the_child_forever() -> None:
    parent = os.getpid()

    def fails_here(half: list[int]) -> list[int]:
        if os.getpid() == parent:
            raise ValueError("here")
        return half * 100_000  # more than the pipe holds: the child blocks until it closes

    with pytest.raises(ValueError, match="here"):
        on_two_cores(fails_here, [1, 2, 3], 1)
