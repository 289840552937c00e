"""Command-line conventions: -h, shell completion, one-line usage errors, tables fitted to the
terminal (plain on a pipe), and the help agreeing with the README."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command

from sdgkg.cli import app
from sdgkg.query.results import fitted_widths, render_table
from sdgkg.rdfio.terms import Term
from sdgkg.store.engine import QueryResult

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def sdgkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdgkg", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SDGKG_ROOT": str(REPO), **(env or {})},
    )


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_dash_h_is_help(runner, command):
    args = [command, "-h"] if command else ["-h"]
    short, long = (
        runner.invoke(app, args),
        runner.invoke(app, [a.replace("-h", "--help") for a in args]),
    )
    assert short.exit_code == 0 and short.output == long.output
    assert "-h, --help" in short.output


@pytest.mark.parametrize(
    ("args", "error", "hint"),
    [
        (
            ["query", "pillars", "--format", "yaml"],
            "Error: Invalid value for '--format' / '-f': 'yaml' is not one of",
            "Hint: run 'sdgkg query -h' for its options and examples",
        ),
        (
            ["frobnicate"],
            "Error: No such command 'frobnicate'.",
            "Hint: run 'sdgkg -h' for the list of commands",
        ),
        (["querys"], "Error: No such command 'querys'. Did you mean 'query', 'queries'?", "Hint:"),
        (["--bogus"], "Error: No such option: --bogus", "Hint: run 'sdgkg -h'"),
        (["query"], "Error: Missing argument 'NAME|FILE|SPARQL'.", "Hint: run 'sdgkg query -h'"),
        (["export", "--format"], "Error: Option '--format' requires an argument.", "Hint:"),
    ],
)
def test_usage_errors_are_one_line_and_a_hint(args, error, hint):
    done = sdgkg(*args)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 2, done.stderr
    assert lines[0].startswith(error) and lines[1].startswith(hint)


def complete(shell: str, words: str) -> list[str]:
    """What the completion script of `shell` would offer for the typed `words`."""
    env = {"_SDGKG_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": words}
    if shell == "bash":
        env |= {"COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    done = sdgkg(env=env)
    assert done.returncode == 0, done.stderr
    return re.findall(r"[\w/=-]+", done.stdout)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_offers_query_names_and_parameters(shell):
    assert {"pillars", "people-and-roles"} <= set(complete(shell, "sdgkg query p"))
    assert "source-summary" not in complete(shell, "sdgkg query p")
    assert {"subject=", "predicate=", "object="} <= set(complete(shell, "sdgkg query evidence -p "))
    assert {"lang=kk", "lang=en", "lang=ru"} <= set(complete(shell, "sdgkg query pillars -p lang="))
    assert {"query", "queries"} <= set(complete(shell, "sdgkg qu"))


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_the_script_for_each_shell(shell):
    done = sdgkg("--show-completion", shell)
    assert done.returncode == 0 and "_SDGKG_COMPLETE" in done.stdout


def test_install_completion_writes_the_script_for_the_shell(tmp_path):
    assert "--install-completion" in sdgkg("-h").stdout
    home = {"HOME": str(tmp_path), "SHELL": "/bin/bash"}
    done = sdgkg("--install-completion", "bash", env=home)
    assert done.returncode == 0, done.stderr
    scripts = list(tmp_path.rglob("sdgkg*"))
    assert scripts and "_SDGKG_COMPLETE" in scripts[0].read_text()
    assert str(scripts[0].relative_to(tmp_path)) in (tmp_path / ".bashrc").read_text()


def _result(rows: list[tuple[str, ...]]) -> QueryResult:
    names = tuple(f"c{i}" for i in range(len(rows[0])))
    terms = tuple(tuple(Term.literal(v) for v in row) for row in rows)
    return QueryResult("select", variables=names, rows=terms)


def test_a_wide_table_is_fitted_to_the_terminal_and_wraps_long_cells():
    long = "word " * 60
    table = render_table(_result([("1", long.strip(), "x" * 100)]), width=80)
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) > 4  # the long cells wrapped onto several lines
    assert table.replace(" ", "").replace("\n", "").count("word") == 60  # nothing lost
    assert lines[-1] == "(1 row)"


def test_a_narrow_table_is_unchanged_and_plain_output_never_wraps():
    result = _result([("a", "b")])
    assert render_table(result, width=80) == render_table(result)
    wide = _result([("y" * 300,)])
    assert max(len(line) for line in render_table(wide).splitlines()) == 302  # with quotes


def test_fitted_widths_keep_narrow_columns():
    assert fitted_widths([5, 100, 200], 80) == [5, 35, 36]
    assert fitted_widths([5, 10], 80) == [5, 10]


def test_the_terminal_table_fits_on_a_real_terminal_and_a_pipe_stays_plain():
    reader, writer = os.openpty()
    env = {**os.environ, "SDGKG_ROOT": str(REPO), "COLUMNS": "70"}
    argv = [sys.executable, "-m", "sdgkg", "query", "evidence", "-p", "predicate=org:purpose"]
    with os.fdopen(writer, "w") as terminal:
        subprocess.run(argv, stdout=terminal, stderr=subprocess.DEVNULL, env=env, timeout=60)
    shown = b""
    os.set_blocking(reader, False)
    while True:
        try:
            chunk = os.read(reader, 65536)
        except (BlockingIOError, OSError):
            break
        if not chunk:
            break
        shown += chunk
    lines = shown.decode("utf-8").splitlines()
    assert lines[-1] == "(1 row)"
    assert max(len(line) for line in lines) <= 70
    piped = subprocess.run([*argv, "--format", "table"], capture_output=True, text=True, env=env)
    assert max(len(line) for line in piped.stdout.splitlines()) > 70  # plain data, one line a row


def _usage(command: str) -> str:
    done = sdgkg(command, "--help")
    return done.stdout.splitlines()[0]


def _words(text: str) -> list[str]:
    """Positional arguments of a usage line or a README heading, without brackets or quotes."""
    words, skip = [], False
    for word in text.replace("'", "").split():
        bare = word.strip("[]{}")
        if bare.startswith("-"):
            skip = True  # the option's value follows
        elif skip:
            skip = False
        elif bare and bare != "[OPTIONS]" and bare != "OPTIONS":
            words.append(bare.replace("]", "").replace("[", ""))
    return words


@pytest.mark.parametrize("command", COMMANDS)
def test_the_readme_heading_of_each_command_matches_its_usage_line(command):
    headings = re.findall(rf"^### `sdgkg {command}\b(.*?)`$", README, flags=re.MULTILINE)
    assert headings, f"README has no section for sdgkg {command}"
    usage = _usage(command).removeprefix(f"Usage: sdgkg {command}")
    assert _words(headings[0]) == _words(usage), (headings[0], usage)
    for option in re.findall(r"--[\w-]+", headings[0]):
        assert option in sdgkg(command, "--help").stdout


def test_validate_help_shows_several_files():
    assert _usage("validate") == "Usage: sdgkg validate [OPTIONS] [FILE]..."
