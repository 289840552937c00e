"""One rule for finding the programs tests need, and the skip reasons printed at the end.

A program installed by the test extra (`oxigraph`) lives beside the running Python, which need
not be on PATH (a venv used without activating it); Debian's programs (`chromium`, `wrk`,
`virtuoso-t`) are on PATH. So: beside `sys.executable` first, then PATH. A test that needs a
missing program is skipped, and the run's summary says which programs were missing and how to
install them, so a skip is never silent. `.ci/run` installs every one of them, and there
(`CI` set) a missing program is a failure instead.

This module is also a pytest plugin (conftest.py loads it): its `pytest_terminal_summary`
prints the section.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

# How to get each program: the PyPI test extra or a Debian package (.ci/run installs these).
INSTALL = {
    "oxigraph": "pip install -e '.[test]' (PyPI package oxigraph)",
    "chromium": "apt-get install chromium",
    "chromedriver": "apt-get install chromium-driver",
    "wrk": "apt-get install wrk",
    "virtuoso-t": "apt-get install virtuoso-opensource-7-bin",
    "isql-vt": "apt-get install virtuoso-opensource-7-bin",
}

_missing: dict[str, set[str]] = {}  # program -> the test files that wanted it


def find_tool(*names: str) -> str | None:
    """The first of `names` beside the running Python, else on PATH; None if none is."""
    beside = Path(sys.executable).parent
    for name in names:
        candidate = beside / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_tool(*names: str, wanted_by: str = "") -> str:
    """The program's path, or skip the calling test (fail under CI) saying how to install it."""
    found = find_tool(*names)
    if found:
        return found
    name = names[0]
    how = INSTALL.get(name, "install it")
    reason = f"{name} is not installed ({how})"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; .ci/run installs it")
    _missing.setdefault(name, set()).add(wanted_by or "?")
    pytest.skip(reason)


def missing_tools() -> dict[str, set[str]]:
    """The programs tests asked for and did not find in this run."""
    return _missing


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say at the end of the run which tests were skipped and why, grouped by reason."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons: dict[str, int] = {}
    for report in skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    if not reasons and not _missing:
        return
    terminalreporter.section("skipped tests and why")
    for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
        terminalreporter.write_line(f"{count:>4} skipped: {reason}")
    for name in sorted(_missing):
        terminalreporter.write_line(f"missing program: {name} (install: {INSTALL.get(name)})")
