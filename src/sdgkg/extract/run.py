"""One extraction run: read the documents, apply the patterns, validate, write or check."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.extract.annotations import mention_annotations
from sdgkg.extract.documents import MAX_BYTES, Document, Passage, read_document, segment
from sdgkg.extract.entities import NewEntity, find_entities
from sdgkg.extract.eventrules import load_event_rules
from sdgkg.extract.events import Event, find_events
from sdgkg.extract.facts import event_candidates
from sdgkg.extract.lexicon import Lexicon, Mention
from sdgkg.extract.patterns import load_patterns
from sdgkg.extract.progress import apply_progress
from sdgkg.extract.quotes import find_quotations
from sdgkg.extract.rdf import Source, document_key, to_turtle
from sdgkg.extract.rejections import drop_rejected
from sdgkg.extract.rules import Candidate, Context, apply_patterns
from sdgkg.namespaces import KGX, PREFIXES, expand
from sdgkg.store.engine import EmbeddedEngine
from sdgkg.store.graph import load_extra
from sdgkg.store.paths import GENERATED_DIR, display_path, graph_files
from sdgkg.store.writes import durable_temp, locked

if TYPE_CHECKING:
    from sdgkg.validation import ValidationReport

OUTPUT_DIR = GENERATED_DIR
_LONG = 100_000  # characters: a document longer than a long article gets progress lines
Progress = Callable[[str], None]
_SOURCES = """SELECT ?doc ?sha ?file ?date WHERE {
  ?doc sdgkg:sha256 ?sha .
  OPTIONAL { ?doc sdgkg:sourceFile ?file }
  OPTIONAL { ?doc schema:datePublished ?date }
} ORDER BY ?file"""


@dataclass(frozen=True)
class Extraction:
    """What one document gave: its passages, its candidates and the Turtle for them."""

    document: Document
    source: Source
    passages: tuple[Passage, ...]
    candidates: tuple[Candidate, ...]
    output: Path
    turtle: str
    # What sdgkg.extract.events and .entities add: every mention of a known entity, the new
    # entities and the events, whose candidates are kept apart from the relations' so that the
    # comparison with the curated graph measures what it always did.
    mentions: tuple[Mention, ...] = ()
    entities: tuple[NewEntity, ...] = ()
    events: tuple[Event, ...] = ()
    event_candidates: tuple[Candidate, ...] = ()


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Pause the cyclic garbage collector: a long article makes hundreds of thousands of small
    objects that live to the end of the run (tokens, mentions, triples; no cycle worth
    collecting), and each full collection walks them all again: half a second of a 1 MB
    article."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What is left goes to the oldest generation, as collections would have moved it, but
        # without one: the first collection after the run would otherwise walk all of it.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


@_no_gc_pauses()
def extract(
    files: Sequence[str | os.PathLike[str]],
    root: Path,
    lang: str = "auto",
    output: str | os.PathLike[str] | None = None,
    max_bytes: int = MAX_BYTES,
    progress: Progress | None = None,
    date: str | None = None,
) -> list[Extraction]:
    """Extract candidates from `files` (default: the source files the graph records).

    `date` (YYYY-MM-DD) is the articles' date when their header does not give it: dates in
    the text without a year, "today" and weekdays count from it."""
    store = curated_store(root)
    engine = EmbeddedEngine(store, all_graphs=True)
    sources = _sources(engine)
    paths = [_document_path(f, root) for f in files] or [
        root / s[1] for s in sources.values() if s[1]
    ]
    if output is not None and len(paths) != 1:
        raise InputError("--output needs exactly one FILE")
    patterns = load_patterns(root)
    event_rules = load_event_rules(root)
    found = []
    for path in paths:
        shown = display_path(path, root)
        doc = read_document(path, shown, lang, max_bytes)
        source = _source(doc, sources)
        doc = _dated(doc, date, source)
        lexicon = Lexicon.from_store(store, doc.lang)
        ctx = Context(doc, segment(doc), lexicon, engine, patterns)
        ctx.mentions = _mentions(ctx, progress)
        found_here = apply_patterns(ctx, [find_quotations, _progress])
        key = document_key(doc)
        candidates = drop_rejected(root, source.iri, key, found_here)
        mentions = [m for p in ctx.passages for m in ctx.mentions[p.id]]
        entities = find_entities(ctx.passages, ctx.mentions, doc.lang, event_rules, ctx.topic)
        events = find_events(
            doc, ctx.passages, ctx.mentions, lexicon, engine, event_rules, ctx.topic, entities
        )
        events_found = event_candidates(ctx, entities, events, candidates)
        extra = drop_rejected(root, source.iri, key, events_found)
        target = Path(output) if output else root / OUTPUT_DIR / f"{doc.name}.ttl"
        annotations = mention_annotations(doc, source.iri, key, mentions)
        turtle = to_turtle(doc, source, candidates + extra, annotations)
        found.append(
            Extraction(
                doc,
                source,
                tuple(ctx.passages),
                tuple(candidates),
                target,
                turtle,
                tuple(mentions),
                tuple(entities),
                tuple(events),
                tuple(extra),
            )
        )
    return found


def _dated(doc: Document, date: str | None, source: Source) -> Document:
    """The article's date: its header's, else --date, else the date the graph records."""
    if doc.date:
        return doc
    chosen = date or source.date
    return replace(doc, date=chosen[:10]) if chosen else doc


def _document_path(argument: str | os.PathLike[str], root: Path) -> Path:
    """A file, or a registered source named kg:NAME (its kept text)."""
    return source_file(str(argument), root) or Path(argument)


def _progress(ctx: Context) -> None:
    """The `[[progress]]` patterns: a sentence reports a known task done, and when."""
    apply_progress(ctx, ctx.patterns.progress)


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


def _mentions(ctx: Context, progress: Progress | None) -> dict[str, list[Mention]]:
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


def check(extractions: Sequence[Extraction], root: Path) -> list[str]:
    """The outputs that differ from what the run produced (stale or missing), as messages."""
    stale = []
    for item in extractions:
        shown = display_path(item.output, root)
        if not item.output.is_file():
            stale.append(f"{shown} is missing")
        elif item.output.read_text(encoding="utf-8") != item.turtle:
            stale.append(f"{shown} is stale")
    return stale


def write(extractions: Sequence[Extraction], root: Path) -> ValidationReport:
    """Validate the outputs together with the graph; only if they conform, write them all."""
    with locked(root):
        report = validate_outputs(extractions, root)
        if not report.conforms:
            return report
        _write_all(extractions)
    return report


def _write_all(extractions: Sequence[Extraction]) -> None:
    """Write every output to a temporary file beside it first, then put them all in place, so
    a failure while writing (a full disk) leaves every output as it was."""
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


def validate_outputs(extractions: Sequence[Extraction], root: Path) -> ValidationReport:
    """Validate a copy of the data with the new outputs in place of the old ones."""
    # pySHACL and rdflib take longer to import than the seed takes to extract, and --check and
    # --report never validate.
    from sdgkg.validation import validate  # here, not at the top: see above

    with tempfile.TemporaryDirectory(prefix="sdgkg-extract-") as temp:
        staged = Path(temp)
        for folder in ("ontology", "kg", "shapes"):
            if (root / folder).is_dir():
                shutil.copytree(root / folder, staged / folder)
        for number, item in enumerate(extractions):
            target = _staged_path(item.output, root, staged, number)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(item.turtle, encoding="utf-8")
        from sdgkg.validation import validate  # pySHACL: only for the runs that write

        return validate(staged)


def _staged_path(output: Path, root: Path, staged: Path, number: int) -> Path:
    try:
        relative = output.resolve().relative_to(root.resolve())
    except ValueError:
        return staged / OUTPUT_DIR / f"new-{number}-{output.name}"
    if relative.suffix != ".ttl" or relative.parts[0] != "kg":
        return staged / OUTPUT_DIR / f"new-{number}-{output.stem}.ttl"
    return staged / relative


def source_file(argument: str, root: Path) -> Path | None:
    """The kept text of a registered source named kg:NAME (None if `argument` is not one)."""
    iri = expand(argument) if argument.startswith("kg:") else None
    if iri is None:
        return None
    kept = ox.NamedNode(PREFIXES["sdgkg"] + "sourceFile")
    files = [q.object for q in curated_store(root).quads_for_pattern(ox.NamedNode(iri), kept, None)]
    if not files or not isinstance(files[0], ox.Literal):
        raise InputError(
            f"{argument}: no registered source with a kept text",
            hint="register it with `sdgkg source add FILE`, or give the file",
        )
    return root / files[0].value
