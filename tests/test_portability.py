"""Without POSIX's fcntl and fork (simulated: the modules are hidden before sdgkg is imported),
reading commands work and give the same answers, and the commands that need them refuse in
one line; the package metadata says POSIX."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO

WITHOUT_POSIX = """
import os, sys
sys.modules["fcntl"] = None  # `import fcntl` now raises ImportError, as on Windows
del os.fork
from sdgkg.cli import main
sys.argv = ["sdgkg", *sys.argv[1:]]
main()
"""


def sdgkg(*args: str, posix: bool) -> subprocess.CompletedProcess[str]:
    prelude = ["-c", WITHOUT_POSIX] if not posix else ["-m", "sdgkg"]
    return subprocess.run(
        [sys.executable, *prelude, "--root", str(REPO), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("query", "pillars", "-p", "lang=kk"),
        ("query", "search", "-p", "text=Алматыда", "--format", "json"),
        ("export", "--format", "nt"),
        ("stats",),
        ("validate", "examples/task-appoint-leadership-done.ttl"),
        ("queries",),
    ],
)
def test_reading_commands_work_and_answer_the_same(args) -> None:
    if args[0] == "validate":
        args = ("validate", str(REPO / args[1]))
    without, normal = sdgkg(*args, posix=False), sdgkg(*args, posix=True)
    assert without.returncode == normal.returncode, without.stderr
    # pySHACL's report names blank nodes afresh in each run.
    same = [re.sub(r"_:\w+", "_:b", done.stdout) for done in (without, normal)]
    assert same[0] == same[1] and "Traceback" not in without.stderr


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("add", "examples/task-appoint-leadership-done.ttl", "--dry-run"),
            "Error: changing the data needs fcntl.flock, which this system lacks",
        ),
        (("fmt",), "Error: changing the data needs fcntl.flock, which this system lacks"),
        (("serve", "--port", "0"), "Error: sdgkg serve needs os.fork, which this system lacks"),
    ],
)
def test_commands_that_need_posix_refuse_in_one_line(args, error) -> None:
    args = tuple(str(REPO / a) if a.startswith("examples/") else a for a in args)
    done = sdgkg(*args, posix=False)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == error and lines[1].startswith("Hint: ") and len(lines) == 2


def test_without_fork_the_work_stays_in_one_process() -> None:
    code = "import os; del os.fork\nfrom sdgkg.parallel import fork_cores; print(fork_cores())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout == "1\n"


def test_the_package_says_posix() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "Operating System :: POSIX" in project["classifiers"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "POSIX" in readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
