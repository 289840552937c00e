"""RDF documents about the service itself: the SPARQL 1.1 Service Description (at GET /sparql
without a query), the VoID description of the dataset (/.well-known/void), and writing any
graph in the formats the server offers (the CLI's, plus RDF/XML, N-Quads and TriG)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from sdgkg.formats import ResultFormat
from sdgkg.namespaces import DCTERMS, PREFIXES
from sdgkg.rdfio.ntriples import bytes_written
from sdgkg.rdfio.serialize import to_jsonld, to_ntriples, to_rdfxml, to_turtle
from sdgkg.server.protocol import NQUADS, RDFXML, TRIG
from sdgkg.store.datasets import default_graphs, graph_kind

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TITLE = (
    "sdgkg: the knowledge graph of the UN Regional Centre for the Sustainable Development "
    "Goals for Central Asia and Afghanistan"
)
# The W3C names of the formats /sparql answers in (sd:resultFormat).
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "N-Quads",
    "TriG",
)


# Prefixes of the documents about the service, which use vocabularies the graph does not.
DOCUMENT_PREFIXES = {
    "sd": SD,
    "void": VOID,
    "formats": FORMATS,
    **{name: PREFIXES[name] for name in ("dcterms", "kg", "sdgkg", "owl", "rdfs", "skos", "xsd")},
}


def write_graph(
    triples: Iterable[ox.Triple],
    fmt: str,
    context: dict[str, Any],
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Triples in one of the server's graph formats (N-Quads and TriG: the default graph);
    Turtle with `prefixes` when they are given, else with the project's."""
    listed = list(triples)
    if prefixes and fmt in (ResultFormat.TURTLE, TRIG):
        return bytes_written(ox.serialize(listed, format=ox.RdfFormat.TURTLE, prefixes=prefixes))
    if fmt == ResultFormat.TURTLE:
        return to_turtle(listed)
    if fmt == ResultFormat.NT:
        return to_ntriples(listed)
    if fmt == ResultFormat.JSONLD:
        return to_jsonld(listed, context)
    if fmt == RDFXML:
        return to_rdfxml(listed)
    if fmt == NQUADS:
        return to_ntriples(listed)  # a triple line is a quad line in the default graph
    if fmt == TRIG:
        return to_turtle(listed)  # a Turtle document is a TriG document (default graph)
    raise ValueError(f"not a graph format: {fmt}")


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _count(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=_node(PREFIXES["xsd"] + "integer"))


def service_description(endpoint: str, store: ox.Store) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at `endpoint` (an absolute URL)."""
    service = _node(endpoint)
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    triples = [
        ox.Triple(service, RDF_TYPE, _node(SD + "Service")),
        ox.Triple(service, _node(SD + "endpoint"), service),
        ox.Triple(service, _node(SD + "supportedLanguage"), _node(SD + "SPARQL11Query")),
        # The default graph is the union of the curated named graphs (sdgkg.store.datasets),
        # not of all of them: no sd:UnionDefaultGraph.
        ox.Triple(service, _node(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _node(SD + "Dataset")),
        ox.Triple(dataset, _node(SD + "defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _node(SD + "Graph")),
        ox.Triple(default, _node(VOID + "triples"), _count(_distinct_triples(store))),
    ]
    triples += [
        ox.Triple(service, _node(SD + "resultFormat"), _node(FORMATS + name))
        for name in RESULT_FORMATS
    ]
    for index, graph in enumerate(sorted(store.named_graphs(), key=lambda g: g.value)):
        named, described = ox.BlankNode(f"named{index}"), ox.BlankNode(f"graph{index}")
        size = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        triples += [
            ox.Triple(dataset, _node(SD + "namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _node(SD + "NamedGraph")),
            ox.Triple(named, _node(SD + "name"), graph),
            ox.Triple(named, _node(SD + "graph"), described),
            ox.Triple(described, RDF_TYPE, _node(SD + "Graph")),
            ox.Triple(described, _node(VOID + "triples"), _count(size)),
        ]
    return triples


def void_description(base: str, store: ox.Store) -> list[ox.Triple]:
    """The VoID description of the dataset served at `base` (the site's URL, ending in /)."""
    dataset = _node(base + ".well-known/void#dataset")
    counts = _statistics(store)
    triples = [
        ox.Triple(dataset, RDF_TYPE, _node(VOID + "Dataset")),
        ox.Triple(dataset, _node(DCTERMS + "title"), ox.Literal(TITLE, language="en")),
        ox.Triple(dataset, _node(DCTERMS + "license"), _node(LICENSE)),
        ox.Triple(dataset, _node(VOID + "sparqlEndpoint"), _node(base + "sparql")),
        ox.Triple(dataset, _node(VOID + "uriSpace"), ox.Literal(PREFIXES["kg"])),
        ox.Triple(dataset, _node(VOID + "exampleResource"), _node(PREFIXES["kg"] + "centre")),
        ox.Triple(dataset, _node(VOID + "vocabulary"), _node(PREFIXES["sdgkg"])),
        ox.Triple(dataset, _node(VOID + "rootResource"), _node(PREFIXES["kg"] + "centre")),
    ]
    triples += [
        ox.Triple(dataset, _node(VOID + name), _count(number)) for name, number in counts.items()
    ]
    return triples + _subsets(base, dataset, store)


def _subsets(base: str, dataset: ox.NamedNode, store: ox.Store) -> list[ox.Triple]:
    """The evidence and the extraction candidates, which the default graph (counted above)
    leaves out: a void:subset each, with its size."""
    sizes = {"evidence": 0, "candidates": 0}
    for graph in store.named_graphs():
        found = graph_kind(graph.value)
        if found in sizes:
            sizes[found] += sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    triples = []
    for name, size in sizes.items():
        subset = _node(f"{base}.well-known/void#{name}")
        triples += [
            ox.Triple(dataset, _node(VOID + "subset"), subset),
            ox.Triple(subset, RDF_TYPE, _node(VOID + "Dataset")),
            ox.Triple(subset, _node(VOID + "triples"), _count(size)),
        ]
    return triples


def _distinct_triples(store: ox.Store) -> int:
    return _statistics(store)["triples"]


_STATISTICS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?distinctSubjects)
  (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?distinctObjects)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"""
_CLASSES = "SELECT (COUNT(DISTINCT ?c) AS ?classes) WHERE { ?s a ?c }"


def _statistics(store: ox.Store) -> dict[str, int]:
    """void:triples and friends over the default graph that queries read (distinct triples)."""
    found: dict[str, int] = {}
    for query in (_STATISTICS, _CLASSES):
        solutions = store.query(query, default_graph=default_graphs(store))
        variables = solutions.variables  # type: ignore[union-attr]
        for row in solutions:  # type: ignore[union-attr]
            found.update({v.value: int(row[v].value) for v in variables})
    return found
