"""One extraction run: read the documents, apply the patterns, validate, write or check."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sdgkg.engine import EmbeddedEngine
from sdgkg.errors import InputError, SdgkgError
from sdgkg.extract.documents import MAX_BYTES, Document, Passage, read_document, segment
from sdgkg.extract.lexicon import Lexicon
from sdgkg.extract.patterns import load_patterns
from sdgkg.extract.rdf import KGX, Source, document_key, to_turtle
from sdgkg.extract.rules import Candidate, Context, apply_patterns
from sdgkg.graph import load_extra
from sdgkg.paths import display_path, graph_files, resolve_root
from sdgkg.rejections import drop_rejected

OUTPUT_DIR = Path("kg") / "extracted"
_LONG = 100_000  # characters: a document longer than a long article gets progress lines
Progress = Callable[[str], None]
_SOURCES = """SELECT ?doc ?sha ?file ?date WHERE {
  ?doc sdgkg:sha256 ?sha .
  OPTIONAL { ?doc sdgkg:sourceFile ?file }
  OPTIONAL { ?doc schema:datePublished ?date }
} ORDER BY ?file"""


class ExtractionFailed(SdgkgError):
    """The run found candidates that do not validate, or committed output that is stale."""

    exit_code = 1


@dataclass(frozen=True)
class Extraction:
    """What one document gave: its passages, its candidates and the Turtle for them."""

    document: Document
    source: Source
    passages: tuple[Passage, ...]
    candidates: tuple[Candidate, ...]
    output: Path
    turtle: str


def extract(
    files: Sequence[str | os.PathLike[str]] = (),
    root: str | os.PathLike[str] | None = None,
    lang: str = "auto",
    output: str | os.PathLike[str] | None = None,
    max_bytes: int = MAX_BYTES,
    progress: Progress | None = None,
) -> list[Extraction]:
    """Extract candidates from `files` (default: the source files the graph records)."""
    data_root = resolve_root(root)
    store = curated_store(data_root)
    engine = EmbeddedEngine(store)
    sources = _sources(engine)
    paths = [_document_path(f, data_root) for f in files] or [
        data_root / s[1] for s in sources.values() if s[1]
    ]
    if output is not None and len(paths) != 1:
        raise InputError("--output needs exactly one FILE")
    patterns = load_patterns(data_root)
    found = []
    for path in paths:
        shown = display_path(path, data_root)
        doc = read_document(path, shown, lang, max_bytes)
        source = _source(doc, sources)
        lexicon = Lexicon.from_store(store, doc.lang)
        ctx = Context(doc, segment(doc), lexicon, engine, patterns)
        ctx.mentions = _mentions(ctx, progress)
        candidates = drop_rejected(data_root, source.iri, document_key(doc), apply_patterns(ctx))
        target = Path(output) if output else data_root / OUTPUT_DIR / f"{doc.name}.ttl"
        turtle = to_turtle(doc, source, candidates)
        found.append(
            Extraction(doc, source, tuple(ctx.passages), tuple(candidates), target, turtle)
        )
    return found


def _document_path(argument: str | os.PathLike[str], root: Path) -> Path:
    """A file, or a registered source named kg:NAME (its kept text)."""
    from sdgkg.sources import source_file

    return source_file(str(argument), root) or Path(argument)


def curated_store(root: Path) -> ox.Store:
    """The graph without earlier extraction output, which must not feed the next run."""
    store = ox.Store()
    skip = root / OUTPUT_DIR
    load_extra(store, [p for p in graph_files(root) if not p.is_relative_to(skip)], root)
    return store


def _sources(engine: EmbeddedEngine) -> dict[str, tuple[str, str | None, str | None]]:
    """sha256 -> (IRI, source file, date published) of every document the graph records."""
    found = {}
    for doc, sha, file, date in engine.query(_SOURCES).rows:
        if doc and sha:
            found[sha.value] = (
                doc.value,
                file.value if file else None,
                date.value if date else None,
            )
    return found


def _source(doc: Document, sources: dict[str, tuple[str, str | None, str | None]]) -> Source:
    known = sources.get(doc.sha256)
    if known:
        return Source(known[0], True, known[2])
    return Source(KGX + f"{document_key(doc)}-document", False, None)


def _mentions(ctx: Context, progress: Progress | None) -> dict[str, list]:
    """Find the mentions passage by passage, reporting progress on long documents."""
    found, last, total = {}, time.monotonic(), len(ctx.passages)
    if progress and len(ctx.doc.text) > _LONG:
        progress(f"{ctx.doc.shown}: {total} passages ({len(ctx.doc.text)} characters) to read")
    for done, passage in enumerate(ctx.passages, start=1):
        found[passage.id] = ctx.lexicon.mentions(passage)
        if progress and time.monotonic() - last >= 1.0:
            progress(f"{ctx.doc.shown}: {done} of {total} passages ({done * 100 // total}%)")
            last = time.monotonic()
    return found


def stderr_progress(message: str) -> None:
    print(f"extract: {message}", file=sys.stderr, flush=True)


def check(
    extractions: Sequence[Extraction], root: str | os.PathLike[str] | None = None
) -> list[str]:
    """The outputs that differ from what the run produced (stale or missing), as messages."""
    data_root = resolve_root(root)
    stale = []
    for item in extractions:
        shown = display_path(item.output, data_root)
        if not item.output.is_file():
            stale.append(f"{shown} is missing")
        elif item.output.read_text(encoding="utf-8") != item.turtle:
            stale.append(f"{shown} is stale")
    return stale


def write(extractions: Sequence[Extraction], root: str | os.PathLike[str] | None = None):
    """Validate the outputs together with the graph; only if they conform, write them all."""
    from sdgkg.writes import locked  # one writer at a time, with `sdgkg add` and `fmt`

    data_root = resolve_root(root)
    with locked(data_root):
        report = validate_outputs(extractions, data_root)
        if not report.conforms:
            return report
        _write_all(extractions)
    return report


def _write_all(extractions: Sequence[Extraction]) -> None:
    """Write every output to a temporary file beside it first, then put them all in place, so
    a failure while writing (a full disk) leaves every output as it was."""
    from sdgkg.writes import durable_temp

    staged: list[tuple[Path, Path]] = []
    try:
        for item in extractions:
            staged.append((durable_temp(item.output, item.turtle.encode("utf-8")), item.output))
        for temp, target in staged:
            os.replace(temp, target)
    except OSError as exc:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise InputError(f"{exc.filename or 'output'}: cannot write ({exc.strerror})") from None


def validate_outputs(extractions: Sequence[Extraction], root: Path):
    """Validate a copy of the data with the new outputs in place of the old ones."""
    from sdgkg.validation import validate

    with tempfile.TemporaryDirectory(prefix="sdgkg-extract-") as temp:
        staged = Path(temp)
        for folder in ("ontology", "kg", "shapes"):
            if (root / folder).is_dir():
                shutil.copytree(root / folder, staged / folder)
        for number, item in enumerate(extractions):
            target = _staged_path(item.output, root, staged, number)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(item.turtle, encoding="utf-8")
        return validate(staged)


def _staged_path(output: Path, root: Path, staged: Path, number: int) -> Path:
    try:
        relative = output.resolve().relative_to(root.resolve())
    except ValueError:
        return staged / OUTPUT_DIR / f"new-{number}-{output.name}"
    if relative.suffix != ".ttl" or relative.parts[0] != "kg":
        return staged / OUTPUT_DIR / f"new-{number}-{output.stem}.ttl"
    return staged / relative
