"""The README's quickstart is what CI runs, and a test that cannot find its program says so."""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

from tests import tools

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
CI_RUN = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def readme_quickstart() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)]


def ci_quickstart() -> list[str]:
    array = re.search(r"^quickstart=\(\n(.*?)\n\)", CI_RUN, flags=re.DOTALL | re.MULTILINE)
    assert array, ".ci/run has no quickstart=( ... ) array"
    return [shlex.split(line)[0] for line in array.group(1).splitlines()]


def test_ci_runs_the_readme_quickstart_word_for_word() -> None:
    assert readme_quickstart() == ci_quickstart()
    assert len(ci_quickstart()) == 2
    # ... both of them, in a clean venv.
    assert re.search(r'for command in "\$\{quickstart\[0\]\}" "\$\{quickstart\[1\]\}"', CI_RUN)
    assert 'python3 -m venv "$venv"' in CI_RUN
    # ... as the README says to: in a virtual environment.
    assert "python3 -m venv .venv && . .venv/bin/activate" in README.split("```sh", 1)[0]


def test_ci_installs_every_program_a_test_may_need() -> None:
    packages = re.search(r"^debian=\((.*?)\)", CI_RUN, flags=re.MULTILINE)
    assert packages
    installed = set(packages.group(1).split())
    for how in tools.INSTALL.values():
        if how.startswith("apt-get install "):
            package = how.removeprefix("apt-get install ")
            assert package in installed, package


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_a_program_beside_python_wins_over_path(tmp_path, monkeypatch) -> None:
    venv_bin, path_bin = tmp_path / "venv-bin", tmp_path / "path-bin"
    venv_bin.mkdir()
    path_bin.mkdir()
    monkeypatch.setattr(sys, "executable", str(venv_bin / "python"))
    monkeypatch.setenv("PATH", str(path_bin))
    on_path = _executable(path_bin / "some-tool")
    assert tools.find_tool("some-tool") == str(on_path)
    beside = _executable(venv_bin / "some-tool")
    assert tools.find_tool("some-tool") == str(beside)
    assert tools.find_tool("no-such-tool") is None


def test_a_missing_program_is_a_skip_with_its_reason_in_the_summary(tmp_path) -> None:
    (tmp_path / "test_needs_a_program.py").write_text(
        "from tests.tools import require_tool\n"
        "def test_needs_wrk():\n"
        "    require_tool('no-such-program-here', wanted_by=__name__)\n"
        "def test_needs_nothing():\n"
        "    pass\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])

    def pytest_run() -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "pytest", "-p", "tests.tools", "-p", "no:cacheprovider"]
        return subprocess.run(
            [*argv, "-q"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )

    done = pytest_run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 skipped" in done.stdout
    assert "skipped tests and why" in done.stdout
    assert "1 skipped: no-such-program-here is not installed (install it)" in done.stdout
    assert "missing program: no-such-program-here" in done.stdout
    # Under CI (.ci/run sets it) the same missing program is a failure.
    env["CI"] = "1"
    strict = pytest_run()
    assert strict.returncode == 1 and "1 failed, 1 passed" in strict.stdout
