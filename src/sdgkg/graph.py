"""Loading the graph files (and users' extra files) into a pyoxigraph Store."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.namespaces import GRAPH_BASE
from sdgkg.paths import display_path, graph_files, resolve_root

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}


def graph_iri(root: Path, path: Path) -> str:
    """The named graph of a data file: GRAPH_BASE + its path relative to the root."""
    return GRAPH_BASE + quote(path.relative_to(root).as_posix())


def load_graph(root: str | os.PathLike[str] | None = None) -> ox.Store:
    """An in-memory Store holding every ontology/ and kg/ file in its own named graph."""
    data_root = resolve_root(root)
    store = ox.Store()
    load_files(store, data_root, graph_files(data_root))
    return store


def load_files(store: ox.Store, root: Path, paths: Iterable[Path], bulk: bool = False) -> None:
    """Load graph files of `root` into `store`, each into its named graph (`bulk`: through
    pyoxigraph's bulk loader, which writes an on-disk store much faster but not atomically)."""
    for path in paths:
        _load_file(store, path, graph_iri(root, path), display_path(path, root), bulk)


def load_extra(
    store: ox.Store, paths: Iterable[str | os.PathLike[str]], root: Path | None = None
) -> list[str]:
    """Load user files (format by extension), each into its own named graph; return the graphs."""
    graphs = []
    for index, raw in enumerate(paths, start=1):
        path = Path(raw)
        iri = f"{GRAPH_BASE}extra/{index}/{quote(path.name)}"
        _load_file(store, path, iri, display_path(path, root))
        graphs.append(iri)
    return graphs


def read_rdf_bytes(path: Path, shown: str) -> bytes:
    """The file's bytes, after checking it exists and is UTF-8 (all our text formats are)."""
    if not path.is_file():
        raise InputError(f"{shown}: no such file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror})") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{shown}: not UTF-8 text (bad byte at offset {exc.start})") from None
    return data


def rdf_format(path: Path, shown: str) -> ox.RdfFormat:
    """The RDF syntax implied by a file's extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{shown}: unknown RDF file extension", hint=f"use one of {known}")
    return fmt


def _load_file(store: ox.Store, path: Path, iri: str, shown: str, bulk: bool = False) -> None:
    fmt = rdf_format(path, shown)
    data = read_rdf_bytes(path, shown)
    graph = ox.NamedNode(iri)
    load = store.bulk_load if bulk else store.load
    try:
        load(data, format=fmt, base_iri=iri, to_graph=graph)
    except SyntaxError as exc:
        raise InputError(_syntax_message(shown, exc)) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{shown}: {exc}") from None


def _syntax_message(shown: str, exc: SyntaxError) -> str:
    # pyoxigraph puts the position in lineno/offset and repeats it in the message text.
    message = " ".join(str(exc.msg).split())
    message = message.split(": ", 1)[1] if message.startswith("Parser error at") else message
    if exc.lineno:
        return f"{shown}:{exc.lineno}:{exc.offset or 1}: {message}"
    return f"{shown}: {message}"
