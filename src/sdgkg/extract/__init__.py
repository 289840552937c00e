"""`sdgkg extract`: candidate facts, with their evidence, from articles in kk, ru or en.

It may import `validation` (candidates are validated with the graph before they are written),
`store`, `rdfio` and the project-wide modules (`sdgkg.morphology` for word forms); nothing here
imports `curation`, which builds on it, nor `server` or the CLI.

documents (reading, language, passages with offsets) -> lexicon (the graph's labels, matched
through morphology) -> rules (the patterns of kg/extraction-patterns.toml) -> rdf (candidates
in the evidence mechanism) -> run (validate, write, check) -> report (against the curated graph).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as calendar
from pathlib import Path

from sdgkg.errors import InputError
from sdgkg.extract.corpus import render_corpus_json, render_corpus_text, score_corpus
from sdgkg.extract.report import Comparison, compare, render_json, render_text
from sdgkg.extract.run import (
    Extraction,
    check,
    curated_store,
    extract,
    stderr_progress,
    write,
)
from sdgkg.store.engine import EmbeddedEngine

__all__ = [
    "Comparison",
    "Extraction",
    "check",
    "check_date",
    "compare",
    "extract",
    "render_corpus_json",
    "render_corpus_text",
    "render_json",
    "render_text",
    "report",
    "score_corpus",
    "stderr_progress",
    "write",
]


def report(extractions: Sequence[Extraction], root: Path) -> list[Comparison]:
    """One comparison per extraction, against the curated graph."""
    engine = EmbeddedEngine(curated_store(root), all_graphs=True)  # evidence included
    return [compare(item, engine) for item in extractions]


def check_date(date: str) -> str:
    """`--date`: the articles' date, YYYY-MM-DD, or an InputError."""
    try:
        calendar.fromisoformat(date)
    except ValueError:
        raise InputError(f"--date {date!r}: not a date (YYYY-MM-DD)") from None
    return date
