"""The command as a whole: help, version, exit codes, and the installed script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sdgkg.cli import app

COMMANDS = ["query", "queries", "export", "validate", "stats"]


def test_no_arguments_shows_help(runner):
    result = runner.invoke(app, [])
    assert "Usage: sdgkg" in result.output
    assert all(command in result.output for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_intact_example(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert f"\n    sdgkg {command}" in result.output


def test_usage_errors_exit_2(sdgkg):
    assert sdgkg("query", "labels", "--format", "yaml").exit_code == 2
    assert sdgkg("frobnicate").exit_code == 2


def test_bad_root_is_one_error_line(runner, tmp_path):
    result = runner.invoke(app, ["--root", str(tmp_path), "stats"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: data root {tmp_path} (from --root) has no kg/ or ontology/ folder\n"
        "Hint: point it at the top folder of the sdgkg data\n"
    )


def test_env_root_is_used(runner, root, monkeypatch):
    monkeypatch.setenv("SDGKG_ROOT", str(root))
    assert runner.invoke(app, ["stats"]).stdout.startswith("Triples: 21\n")


def installed_script() -> list[str]:
    script = Path(sys.executable).with_name("sdgkg")
    found = script if script.exists() else shutil.which("sdgkg")
    return [str(found)] if found else [sys.executable, "-m", "sdgkg"]


def test_installed_script_runs(root, tmp_path):
    version = subprocess.run(
        [*installed_script(), "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout == "sdgkg 0.1.0\n"
    listing = subprocess.run(
        [*installed_script(), "--root", str(root), "queries"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "labels" in listing.stdout and listing.stderr == ""
