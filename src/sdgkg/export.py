"""Exporting the whole graph in one RDF syntax, deterministically, to bytes or a file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.formats import ExportFormat, choose
from sdgkg.gcpauses import no_gc_pauses
from sdgkg.namespaces import PREFIXES
from sdgkg.rdfio.jsonld import jsonld_from_ntriples, write_jsonld
from sdgkg.rdfio.ntriples import bytes_written, turtle_from_ntriples
from sdgkg.rdfio.serialize import canonical_triples, to_jsonld, to_ntriples, to_rdfxml, to_turtle
from sdgkg.rdfio.turtle import write_turtle
from sdgkg.store.engine import EmbeddedEngine
from sdgkg.store.graph import dump_files, load_graph
from sdgkg.store.writes import replace_file

CONTEXT_FILE = Path("ontology") / "context.jsonld"
_CONTEXT_NAME = CONTEXT_FILE.as_posix()


def export_graph(root: Path, fmt: ExportFormat | str = ExportFormat.TURTLE) -> bytes:
    """The graph (ontology/ and kg/) serialized in `fmt`; the same data gives the same bytes."""
    fmt = choose(ExportFormat, fmt)
    if fmt in (ExportFormat.TURTLE, ExportFormat.JSONLD):
        # Fastest: regroup pyoxigraph's own N-Triples text, no Python object per triple.
        data = dump_files(root)
        with no_gc_pauses():  # None: blank nodes, which the reference writers label
            if fmt is ExportFormat.TURTLE and (text := turtle_from_ntriples(data)) is not None:
                return text.encode("utf-8")
            if fmt is ExportFormat.JSONLD:
                written = jsonld_from_ntriples(data, load_context(root))
                if written is not None:
                    return written
    store = load_graph(root)
    if fmt in (ExportFormat.NQUADS, ExportFormat.TRIG):
        return _dataset(store, fmt)
    if fmt in (ExportFormat.TURTLE, ExportFormat.JSONLD) and not _has_blank_nodes(store):
        # Fast path: both writers group, deduplicate and sort by themselves, so the triples
        # stream from the store without the global sort canonical_triples needs for blanks.
        triples_of = (quad.triple for quad in store)
        if fmt is ExportFormat.TURTLE:
            return write_turtle(triples_of).encode("utf-8")
        return write_jsonld(triples_of, load_context(root))
    triples = [quad.triple for quad in store]
    if fmt is ExportFormat.TURTLE:
        return to_turtle(triples)
    if fmt is ExportFormat.NT:
        return to_ntriples(triples)
    if fmt is ExportFormat.XML:
        return to_rdfxml(triples)
    return to_jsonld(triples, load_context(root))


def _has_blank_nodes(store: ox.Store) -> bool:
    ask = "ASK { GRAPH ?g { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) } }"
    return bool(EmbeddedEngine(store).query(ask).boolean)


def _dataset(store: ox.Store, fmt: ExportFormat) -> bytes:
    # One named graph per source file, graphs in path order, triples sorted within each.
    graphs = sorted({quad.graph_name.value for quad in store})
    quads = []
    for name in graphs:
        graph = ox.NamedNode(name)
        found = store.quads_for_pattern(None, None, None, graph)
        triples = canonical_triples(quad.triple for quad in found)
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    if fmt is ExportFormat.NQUADS:
        return bytes_written(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return bytes_written(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES))


def load_context(root: Path) -> dict[str, Any]:
    """The project's JSON-LD context (the value of "@context" in ontology/context.jsonld)."""
    path = root / CONTEXT_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{_CONTEXT_NAME}: cannot read the JSON-LD context ({exc})") from None
    context = document.get("@context") if isinstance(document, dict) else None
    if not isinstance(context, dict):
        raise InputError(f'{_CONTEXT_NAME}: expected an object with an "@context" object')
    return context


def write_atomically(data: bytes, target: str | os.PathLike[str]) -> None:
    """Write `data` to `target` so that readers never see a half-written file."""
    path = Path(target)
    try:
        replace_file(path, data)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
