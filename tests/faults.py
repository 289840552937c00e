"""Faults the write tests inject: a disk that fills up in the middle of a change."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdgkg.store import writes


def fail_second_temp_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the second temporary file of a change fail as a full disk does (ENOSPC), after
    the first was written: a failure before the change is decided."""
    real, calls = writes.durable_temp, []

    def second_fails(target: Path, data: bytes) -> Path:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(target, data)

    monkeypatch.setattr(writes, "durable_temp", second_fails)
