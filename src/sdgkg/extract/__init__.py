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
    from sdgkg.store.engine import EmbeddedEngine
    from sdgkg.store.paths import resolve_root

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
) -> int:
    """What `sdgkg extract` does; returns the exit code. Messages go to stderr."""
    found = extract(files, root, lang, output, max_bytes, stderr_progress)
    if with_report:
        comparisons = report(found, root)
        emit(render_json(comparisons) if fmt == "json" else render_text(comparisons))
    if check_only:
        return _check(found, root, emit if not with_report else _stderr)
    if with_report:
        return 0
    return _write(found, root)


def _check(found: Sequence[Extraction], root: Path | None, say: Callable[[str], None]) -> int:
    stale = check(found, root)
    if stale:
        for line in stale:
            _stderr(f"Error: {line}: run `sdgkg extract` and commit the result\n")
        return 1
    say("".join(f"{item.output.name} is up to date\n" for item in found))
    return 0


def _write(found: Sequence[Extraction], root: Path | None) -> int:
    from sdgkg.validation.report import render_text as validation_text

    result = write(found, root)
    if not result.conforms:
        _stderr(validation_text(result))
        _stderr("Error: the candidates do not validate with the graph; nothing was written\n")
        return 1
    from sdgkg.store.paths import display_path, resolve_root

    data_root = resolve_root(root)
    for item in found:
        _stderr(
            f"extract: {item.document.shown}: {len(item.candidates)} candidates, "
            f"{len(item.passages)} passages -> {display_path(item.output, data_root)}\n"
        )
    return 0


def _stderr(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()
