"""Progress lines: on a terminal (a real pseudo-terminal here) after the delay, never on a pipe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from sdgkg.progress import Progress


def _terminal() -> tuple[int, object]:
    """A pseudo-terminal: the stream a command writes to, and the fd to read what it shows."""
    reader, writer = os.openpty()
    return reader, os.fdopen(writer, "w", encoding="utf-8")


def _read(fd: int) -> str:
    # Everything written so far: a terminal may hand it over in several pieces.
    os.set_blocking(fd, False)
    shown = b""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        try:
            piece = os.read(fd, 65536)
        except BlockingIOError:
            if shown.endswith(b"\r\x1b[K") or not shown:
                time.sleep(0.05)
                if shown:
                    break
                continue
            time.sleep(0.05)
            continue
        shown += piece
    return shown.decode("utf-8")


def test_a_long_step_is_shown_on_a_terminal_and_cleared():
    reader, stream = _terminal()
    with Progress("export", stream=stream, delay=0.2) as progress:  # type: ignore[arg-type]
        progress.step("writing turtle")
        time.sleep(1.0)  # the ticker shows it after 0.2 s, even on a busy machine
        progress.step("writing the second half")
    shown = _read(reader)
    assert re.search(r"export: writing turtle \(\d+ s\)", shown)
    assert "export: writing the second half" in shown
    assert shown.endswith("\r\x1b[K")  # the line is cleared at the end


def test_quick_work_shows_nothing():
    reader, stream = _terminal()
    with Progress("stats", stream=stream, delay=1.0) as progress:  # type: ignore[arg-type]
        progress.step("counting triples")
    time.sleep(0.2)
    assert _read(reader) == ""


def test_nothing_on_a_pipe(tmp_path):
    code = (
        "import time; from sdgkg.progress import Progress\n"
        "with Progress('x', delay=0.05) as p:\n"
        "    p.step('working'); time.sleep(0.3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""


def test_the_stats_command_shows_progress_only_on_a_terminal(tmp_path):
    reader, stream = _terminal()
    code = (
        "import sdgkg.progress as p; p.DELAY = 0.0\n"  # show at once: the fixture graph is small
        "import sys; from sdgkg.cli import main; sys.argv = ['sdgkg', 'stats']; main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=stream, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("Triples: ")
    shown = _read(reader)
    assert "stats: " in shown and shown.endswith("\r\x1b[K")
