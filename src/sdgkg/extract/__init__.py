"""`sdgkg extract`: candidate facts, with their evidence, from articles in kk, ru or en.

documents (reading, language, passages with offsets) -> lexicon (the graph's labels, matched
through morphology) -> rules (the patterns of kg/extraction-patterns.toml) -> rdf (candidates
in the evidence mechanism) -> run (validate, write, check) -> report (against the curated graph).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sdgkg.extract.report import Comparison, compare, render_json, render_text
from sdgkg.extract.run import (
    Extraction,
    ExtractionFailed,
    check,
    curated_store,
    extract,
    stderr_progress,
    write,
)

__all__ = [
    "Comparison",
    "Extraction",
    "ExtractionFailed",
    "check",
    "compare",
    "extract",
    "report",
    "run_command",
    "write",
]


def report(extractions: Sequence[Extraction], root: str | os.PathLike[str] | None = None):
    """One comparison per extraction, against the curated graph."""
    from sdgkg.engine import EmbeddedEngine
    from sdgkg.paths import resolve_root

    engine = EmbeddedEngine(curated_store(resolve_root(root)))
    return [compare(item, engine) for item in extractions]


def run_command(
    files: Sequence[Path],
    root: Path | None,
    lang: str,
    output: Path | None,
    check_only: bool,
    with_report: bool,
    fmt: str,
    max_bytes: int,
    emit: Callable[[str], None],
    date: str | None = None,
) -> int:
    """What `sdgkg extract` does; returns the exit code. Messages go to stderr."""
    if date is not None:
        _check_date(date)
    folders = [f for f in files if Path(f).is_dir()]
    if folders:
        return _corpus_report(files, folders, root, with_report, check_only, fmt, date, emit)
    found = extract(files, root, lang, output, max_bytes, stderr_progress, date)
    if with_report:
        comparisons = report(found, root)
        emit(render_json(comparisons) if fmt == "json" else render_text(comparisons))
    if check_only:
        return _check(found, root, emit if not with_report else _stderr)
    if with_report:
        return 0
    return _write(found, root)


def _check_date(date: str) -> None:
    from datetime import date as calendar

    from sdgkg.errors import InputError

    try:
        calendar.fromisoformat(date)
    except ValueError:
        raise InputError(f"--date {date!r}: not a date (YYYY-MM-DD)") from None


def _corpus_report(
    files: Sequence[Path],
    folders: Sequence[Path],
    root: Path | None,
    with_report: bool,
    check_only: bool,
    fmt: str,
    date: str | None,
    emit: Callable[[str], None],
) -> int:
    """`--report DIR`: score the corpus under DIR against its gold files; write nothing."""
    from sdgkg.errors import InputError
    from sdgkg.extract.corpus import render_corpus_json, render_corpus_text, score_corpus

    if not with_report or check_only or len(files) != 1:
        raise InputError(
            f"{folders[0]}: a folder is a corpus to score",
            hint="use `sdgkg extract --report FOLDER` with that one folder",
        )
    scored = score_corpus(folders[0], root, date)
    emit(render_corpus_json(scored) if fmt == "json" else render_corpus_text(scored))
    return 0


def _check(found: Sequence[Extraction], root: Path | None, say: Callable[[str], None]) -> int:
    stale = check(found, root)
    if stale:
        for line in stale:
            _stderr(f"Error: {line}: run `sdgkg extract` and commit the result\n")
        return 1
    say("".join(f"{item.output.name} is up to date\n" for item in found))
    return 0


def _write(found: Sequence[Extraction], root: Path | None) -> int:
    from sdgkg.validation import render_text as validation_text

    result = write(found, root)
    if not result.conforms:
        _stderr(validation_text(result))
        _stderr("Error: the candidates do not validate with the graph; nothing was written\n")
        return 1
    from sdgkg.paths import display_path, resolve_root

    data_root = resolve_root(root)
    for item in found:
        _stderr(
            f"extract: {item.document.shown}: {len(item.candidates)} candidates, "
            f"{len(item.event_candidates)} for events and new entities, "
            f"{len(item.mentions)} mentions, "
            f"{len(item.passages)} passages -> {display_path(item.output, data_root)}\n"
        )
    return 0


def _stderr(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()
