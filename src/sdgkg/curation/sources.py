"""Source documents as records: `sdgkg source add` registers an article once.

A registered source is a record in kg/sources.ttl (its title, publisher, date, dateline,
language, URL and the SHA-256 of its bytes) and, where its licence allows keeping the text,
the text itself under seeds/ (named by `sdgkg:sourceFile`). A source kept without its text
still has its SHA-256 and URL, and the passages the graph cites keep their quoted words
(`oa:exact`), so evidence from it stays checkable against a copy of the document.

`sdgkg extract` knows a registered document by its SHA-256, whatever its file is called, and
mints its candidates' passages against the record; `sdgkg extract kg:source-...` re-reads the
text kept for a source.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from sdgkg.curation.add import AddResult, change_facts, editable_root, read_curated
from sdgkg.errors import InputError
from sdgkg.extract.documents import read_document
from sdgkg.namespaces import DCTERMS, KG, PREFIXES, SDGKG, compact, expand
from sdgkg.store.writes import locked

SEEDS_DIR = "seeds"
LANGUAGES = ("kk", "en", "ru")
SCHEMA, SKOS, XSD = PREFIXES["schema"], PREFIXES["skos"], PREFIXES["xsd"]
RDF_TYPE = PREFIXES["rdf"] + "type"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class SourceRecord:
    """What a curator says about a document when registering it."""

    title: str
    date: str | None = None
    url: str | None = None
    publisher: str | None = None  # an IRI or prefixed name of an organisation in the graph
    dateline: str | None = None
    labels: Mapping[str, str] | None = None  # the title in the other languages
    keep_text: bool = True
    iri: str | None = None


@dataclass(frozen=True)
class Registration:
    iri: str
    triples: tuple[ox.Triple, ...]
    text_file: str | None  # relative to the root, when the text is kept


def default_iri(path: Path) -> str:
    """kg:source-NAME, NAME the file name without `.txt`, in lower-case ASCII words."""
    stem = path.name.removesuffix(".txt")
    words = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return KG + "source-" + (words or "document")


def plan_registration(
    path: Path, record: SourceRecord, graph: ox.Store, lang: str = "auto"
) -> Registration:
    """The triples of a new source record for the document at `path` (read and checked as
    `sdgkg extract` reads it), refusing one the graph already has."""
    doc = read_document(path, str(path), lang)
    iri = _iri(record.iri) if record.iri else default_iri(path)
    _refuse_known(graph, iri, doc.sha256)
    date = record.date or doc.date
    if date is not None and not _is_date(date):
        raise InputError(f"--date {date}: not a date (YYYY-MM-DD)")
    labels = _labels(record, doc.lang)
    text_file = f"{SEEDS_DIR}/{path.name}" if record.keep_text else None
    if text_file is not None and not re.match(r"^[^/]+\.txt$", path.name):
        raise InputError(f"{path}: a kept source text is a .txt file", hint="rename it NAME.txt")
    if not record.keep_text and not record.url:
        raise InputError("a source kept without its text needs --url, where to read it")
    node = ox.NamedNode(iri)
    kind = SCHEMA + ("NewsArticle" if record.publisher else "CreativeWork")
    facts: list[tuple[str, ox.NamedNode | ox.Literal]] = [
        (RDF_TYPE, ox.NamedNode(kind)),
        (SCHEMA + "headline", ox.Literal(record.title, language=doc.lang)),
        (SCHEMA + "inLanguage", ox.Literal(doc.lang)),
        (SDGKG + "sha256", ox.Literal(doc.sha256)),
    ]
    facts += [(SKOS + "prefLabel", ox.Literal(text, language=tag)) for tag, text in labels.items()]
    if date:
        facts.append(
            (SCHEMA + "datePublished", ox.Literal(date, datatype=ox.NamedNode(XSD + "date")))
        )
    if record.url:
        facts.append(
            (SCHEMA + "url", ox.Literal(record.url, datatype=ox.NamedNode(XSD + "anyURI")))
        )
    if record.publisher:
        facts.append((DCTERMS + "publisher", ox.NamedNode(_iri(record.publisher))))
    if record.dateline:
        facts.append((SCHEMA + "dateline", ox.Literal(record.dateline)))
    if text_file:
        facts.append((SDGKG + "sourceFile", ox.Literal(text_file)))
    triples = tuple(ox.Triple(node, ox.NamedNode(p), o) for p, o in facts)
    return Registration(iri, triples, text_file)


def _is_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _iri(name: str) -> str:
    iri = expand(name) if ":" in name and not name.startswith("http") else name
    if iri is None or not iri.startswith(KG) or not _SLUG.match(iri.removeprefix(KG)):
        raise InputError(f"{name}: a source is named kg:NAME, NAME in lower-case words and hyphens")
    return iri


def _refuse_known(graph: ox.Store, iri: str, sha256: str) -> None:
    if any(graph.quads_for_pattern(ox.NamedNode(iri), None, None)):
        raise InputError(f"{compact(iri)} is already in the graph", hint="choose another --id")
    for quad in graph.quads_for_pattern(None, ox.NamedNode(SDGKG + "sha256"), ox.Literal(sha256)):
        known = compact(
            str(quad.subject) if isinstance(quad.subject, ox.Triple) else quad.subject.value
        )
        raise InputError(
            f"this document is already registered as {known}", hint=f"sdgkg extract {known}"
        )


def _labels(record: SourceRecord, lang: str) -> dict[str, str]:
    """The title in its own language and the curator's renderings in the others; the missing
    languages are reported, never made up."""
    labels = {lang: record.title, **dict(record.labels or {})}
    unknown = sorted(set(labels) - set(LANGUAGES))
    if unknown:
        raise InputError(f"--label {unknown[0]}=...: labels are in kk, en or ru")
    missing = [tag for tag in LANGUAGES if tag not in labels]
    if missing:
        raise InputError(
            f"the source needs its title in {', '.join(missing)} too (every entity is "
            "labelled in kk, en and ru)",
            hint=" ".join(f"--label {tag}=TITLE" for tag in missing),
        )
    return {tag: labels[tag] for tag in LANGUAGES}


def register_source(
    path: str | os.PathLike[str],
    record: SourceRecord,
    root: Path,
    lang: str = "auto",
    dry_run: bool = False,
) -> tuple[Registration, AddResult]:
    """Add the source's record to kg/sources.ttl and its text to seeds/, in one validated,
    locked, all-or-nothing write (the one `sdgkg add` uses). Returns (Registration, AddResult)."""

    data_root = editable_root(root)
    file = Path(path)
    with locked(data_root):
        graph = ox.Store()
        for facts in read_curated(data_root).values():
            graph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in facts)
        registration = plan_registration(file, record, graph, lang)
        extra: dict[Path, bytes] = {}
        if registration.text_file:
            kept = data_root / registration.text_file
            data = file.read_bytes()
            if kept.exists() and kept.read_bytes() != data:
                raise InputError(f"{registration.text_file} exists with other content")
            if not kept.exists():
                extra[kept] = data
        sources = data_root / "kg" / "sources.ttl"
        result = change_facts(
            data_root,
            {file: list(registration.triples)},
            to=sources,
            dry_run=dry_run,
            extra=extra,
        )
    return registration, result
