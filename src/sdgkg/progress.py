"""Progress lines on stderr for work that takes a while, on a terminal only.

Nothing is shown for work that ends within `delay` seconds (2 by default), nor when stderr is
not a terminal (a pipe, a file, a test runner), so scripts and quick commands see no noise.
Once the delay has passed, the current step and the seconds so far are shown, refreshed every
second, and each later step replaces it on the same line; `done()` clears the line.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

DELAY = 2.0


class Progress:
    """`with Progress("stats") as progress: progress.step("counting labels") ...`"""

    def __init__(
        self,
        name: str,
        stream: TextIO | None = None,
        delay: float | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.name = name
        self.stream = stream or sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.delay = DELAY if delay is None else delay
        self._step = ""
        self._shown = False
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def __enter__(self) -> Progress:
        if self.enabled:
            threading.Thread(target=self._tick, name="sdgkg-progress", daemon=True).start()
        return self

    def _tick(self) -> None:
        if self._stopped.wait(self.delay):
            return
        while not self._stopped.is_set():
            self._show()
            self._stopped.wait(1.0)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.done()

    def step(self, message: str) -> None:
        """Say what is being done now (shown only once the delay has passed)."""
        with self._lock:
            self._step = message
        if self.enabled and time.monotonic() - self._started >= self.delay:
            self._show()

    def _show(self) -> None:
        with self._lock:
            if not self._step or self._stopped.is_set():
                return
            elapsed = time.monotonic() - self._started
            self.stream.write(f"\r\033[K{self.name}: {self._step} ({elapsed:.0f} s)")
            self.stream.flush()
            self._shown = True

    def done(self) -> None:
        """Stop showing progress and clear the line if anything was shown."""
        self._stopped.set()
        with self._lock:
            if self._shown:
                self.stream.write("\r\033[K")
                self.stream.flush()
            self._shown = False
            self._step = ""


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
