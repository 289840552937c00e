"""The README cannot drift: its examples run, and it names every command and named query."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sdgkg import list_queries
from sdgkg.cli import app

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
FIXTURES = Path(__file__).parent / "fixtures"


def readme_examples() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("sdgkg ")]


def test_readme_has_examples() -> None:
    assert len(readme_examples()) >= 6


@pytest.mark.parametrize("example", readme_examples())
def test_readme_example_runs(example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SDGKG_ROOT", str(REPO))
    (tmp_path / "new-facts.ttl").write_bytes((FIXTURES / "new" / "ok.ttl").read_bytes())
    result = CliRunner().invoke(app, shlex.split(example)[1:])
    assert result.exit_code == 0, result.output
    assert result.output.strip() or any(tmp_path.iterdir())


@pytest.mark.parametrize("command", sorted(typer.main.get_command(app).commands))
def test_every_command_is_documented(command: str) -> None:
    assert f"### `sdgkg {command}" in README


@pytest.mark.parametrize("name", [q.name for q in list_queries(REPO)])
def test_every_named_query_is_documented(name: str) -> None:
    if name.startswith("checks/"):
        assert "queries/checks/" in README
    else:
        assert f"| `{name}` |" in README


def readme_transcripts() -> list[tuple[str, str]]:
    """`$ sdgkg ...` blocks: the command and the output the README shows for it."""
    blocks = re.findall(r"```text\n\$ (sdgkg [^\n]*)\n(.*?)```", README, flags=re.DOTALL)
    return [(command, output) for command, output in blocks]


@pytest.mark.parametrize(("command", "shown"), readme_transcripts())
def test_readme_transcript_is_what_the_command_prints(
    command: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDGKG_ROOT", str(REPO))
    # The README shows a terminal, where the default format is the table.
    result = CliRunner().invoke(app, [*shlex.split(command)[1:], "--format", "table"])
    assert result.exit_code == 0, result.output
    assert result.stdout == shown


def test_readme_has_a_transcript() -> None:
    assert readme_transcripts()
