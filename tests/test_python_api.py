"""The README's Python API example runs as written, and formats are strings or enums alike."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from pathlib import Path

import pytest

import sdgkg
from sdgkg.formats import ValidateFormat
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def api_example() -> str:
    section = README.split("## Python API", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert block, "the README's Python API section has no python block"
    return block.group(1)


def _kg_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "kg").rglob("*")):
        if path.is_file():
            digest.update(path.as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def test_the_readme_example_runs_and_prints_what_it_says(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("SDGKG_ROOT", raising=False)
    before = _kg_digest()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(api_example(), "README.md", "exec"), {})  # noqa: S102 - our own README
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("1 https://w3id.org/sdgkg/id/pillar-") and len(lines) >= 6
    assert "False 2" in lines
    assert "True ['kg/evidence/facts.ttl', 'kg/sources.ttl', 'kg/tasks.ttl']" in lines
    assert lines[-1].startswith("unknown format 'yaml' | one of table, csv, ")
    assert _kg_digest() == before  # dry_run wrote nothing


@pytest.fixture(scope="module")
def pillars() -> sdgkg.QueryResult:
    return sdgkg.run_query("pillars", {"lang": "en"}, REPO)


@pytest.mark.parametrize("fmt", list(sdgkg.ResultFormat))
def test_render_takes_a_string_or_the_enum(pillars, fmt) -> None:
    if fmt in (sdgkg.ResultFormat.TURTLE, sdgkg.ResultFormat.JSONLD, sdgkg.ResultFormat.NT):
        with pytest.raises(sdgkg.QueryError, match="does not apply to a SELECT result"):
            sdgkg.render(pillars, fmt.value)
        return
    assert sdgkg.render(pillars, fmt.value) == sdgkg.render(pillars, fmt)
    assert sdgkg.render(pillars, fmt.value.upper()) == sdgkg.render(pillars, fmt)


@pytest.mark.parametrize(
    ("call", "known"),
    [
        (
            lambda r: sdgkg.render(r, "yaml"),
            "one of table, csv, tsv, json, xml, turtle, jsonld, nt",
        ),
        (
            lambda r: sdgkg.export_graph("yaml", REPO),
            "one of turtle, nt, nquads, trig, xml, jsonld",
        ),
        (
            lambda r: sdgkg.render_report(sdgkg.ValidationReport(True, ()), "yaml"),
            "one of text, turtle, json, sarif",
        ),
    ],
)
def test_an_unknown_format_is_a_clear_error(pillars, call, known) -> None:
    with pytest.raises(sdgkg.InputError) as caught:
        call(pillars)
    assert caught.value.message == "unknown format 'yaml'"
    assert caught.value.hint == known


def test_export_and_report_formats_as_strings_or_enums() -> None:
    assert sdgkg.export_graph("nt", REPO) == sdgkg.export_graph(sdgkg.ExportFormat.NT, REPO)
    report = sdgkg.ValidationReport(True, ())
    for fmt in ValidateFormat:
        assert sdgkg.render_report(report, fmt.value) == sdgkg.render_report(report, fmt)


def test_the_api_names_are_exported() -> None:
    for name in ("run_query", "render", "export_graph", "validate", "render_report", "add_facts"):
        assert name in sdgkg.__all__ and callable(getattr(sdgkg, name))


def test_examples_used_by_the_readme_exist() -> None:
    for path in re.findall(r'"(examples/[\w./-]+)"', api_example()):
        assert (REPO / Path(path)).is_file(), path
