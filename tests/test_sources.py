"""`sdgkg source add`: a source document registered once, with or without its text."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from .conftest import REPO
from .test_safety import snapshot

ARTICLE = REPO / "tests" / "fixtures" / "articles" / "centre-director-appointed.en.txt"
LABELS = ["--label", "kk=Орталық директоры", "--label", "ru=Директор центра"]

pytestmark = pytest.mark.skipif(
    not (REPO / "kg" / "tasks.ttl").is_file(), reason="needs the project graph"
)


@pytest.fixture
def run() -> Callable[..., Result]:
    from typer.testing import CliRunner

    from sdgkg.cli import app

    return lambda *args: CliRunner().invoke(app, list(args))


def test_a_source_kept_without_its_text(
    project_copy: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    url = "https://example.org/centre-director-appointed"
    args = ["source", "add", str(ARTICLE), "--title", "Director", *LABELS, "--no-text"]
    result = run(*args)  # no text and no URL: nothing would say where to read it
    assert result.exit_code == 2 and "needs --url" in result.stderr
    result = run(*args, "--url", url, "--id", "kg:source-example-director")
    assert result.exit_code == 0, result.output
    sources = (project_copy / "kg" / "sources.ttl").read_text(encoding="utf-8")
    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert "kg:source-example-director\n    a schema:CreativeWork ;" in sources
    assert f'sdgkg:sha256 "{digest}"' in sources
    assert "centre-director-appointed.en.txt" not in sources  # no sdgkg:sourceFile
    assert not (project_copy / "seeds" / ARTICLE.name).exists()
    # Extraction from any copy of the document cites the record, by its digest.
    elsewhere = tmp_path / "downloaded.en.txt"
    elsewhere.write_bytes(ARTICLE.read_bytes())
    assert run("extract", str(elsewhere)).exit_code == 0
    extracted = (project_copy / "kg" / "extracted" / "downloaded.en.ttl").read_text(
        encoding="utf-8"
    )
    assert "prov:used kg:source-example-director" in extracted
    assert "oa:hasSource kg:source-example-director" in extracted


def test_a_document_is_registered_once(project_copy: Path, run: Callable[..., Result]) -> None:
    args = ["source", "add", str(ARTICLE), "--title", "Director", *LABELS]
    assert run(*args).exit_code == 0
    assert (project_copy / "seeds" / ARTICLE.name).read_bytes() == ARTICLE.read_bytes()
    before = snapshot(project_copy)
    result = run(*args, "--id", "kg:source-other")
    assert result.exit_code == 2
    assert "already registered as kg:source-centre-director-appointed-en" in result.stderr
    assert snapshot(project_copy) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "needs its title in kk, ru too"),
        (["--label", "kk=Директор"], "needs its title in ru too"),
        ([*LABELS, "--date", "2026-02-30"], "not a date"),
        ([*LABELS, "--date", "20 January"], "not a date"),
        ([*LABELS, "--id", "kg:Bad Name"], "lower-case words"),
        ([*LABELS, "--publisher", "kg:almaty"], "dcterms:publisher"),
    ],
)
def test_bad_records_write_nothing(
    project_copy: Path, run: Callable[..., Result], extra: list[str], message: str
) -> None:
    before = snapshot(project_copy)
    result = run("source", "add", str(ARTICLE), "--title", "Director", *extra)
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert snapshot(project_copy) == before


def test_extract_by_source_name_needs_a_kept_text(
    project_copy: Path, run: Callable[..., Result]
) -> None:
    result = run("extract", "kg:source-un-m49")
    assert result.exit_code == 2 and "no registered source with a kept text" in result.stderr
    assert run("extract", "kg:source-kazinform-2025-08-06", "--check").exit_code == 0
