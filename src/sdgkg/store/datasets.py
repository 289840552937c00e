"""Which named graphs a query reads by default: the one rule for the embedded engine, used
by the CLI, the library, the persistent index and the server alike.

Every data file is loaded into its own named graph (`sdgkg.store.graph.graph_iri`). A query
that names no dataset of its own reads as its default graph the union of the curated graphs
only: the ontology and the kg/ topic files, sources and translations included (they describe
resources people ask about, and the curators write them). Two kinds of graph stay out of the
way of ordinary queries, reachable with GRAPH (every named graph stays available):

- evidence, kg/evidence/**: the reified statements and the passages they cite;
- candidates, kg/extracted/**: what `sdgkg extract` proposes, until a curator accepts it.

A store's own default graph (a library user's triples loaded without a graph) is read too.
The persistent index keeps a copy of the curated graphs in its own default graph, so that a
query there looks up one graph, not fifteen (on disk, the list of graphs made a query at 1M
triples take 0.7 s instead of 0.1 s): for such a store (`curated_copy`) the default graph is
that copy alone, and "all graphs" the copy with the evidence and candidate graphs.
"""

from __future__ import annotations

from typing import Literal

import pyoxigraph as ox

from sdgkg.namespaces import GRAPH_BASE
from sdgkg.store.paths import GENERATED_DIR

GraphKind = Literal["curated", "evidence", "candidates"]

# IRI prefixes of the graphs kept out of the default graph (the named queries write them
# out in their GRAPH filters; tests/test_datasets.py checks they agree).
EVIDENCE_GRAPHS = GRAPH_BASE + "kg/evidence/"
CANDIDATE_GRAPHS = GRAPH_BASE + GENERATED_DIR.as_posix() + "/"


def graph_kind(iri: str) -> GraphKind:
    """What a named graph holds, from its IRI."""
    if iri.startswith(EVIDENCE_GRAPHS):
        return "evidence"
    if iri.startswith(CANDIDATE_GRAPHS):
        return "candidates"
    return "curated"


Graphs = list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]


def default_graphs(store: ox.Store, curated_copy: bool = False) -> Graphs:
    """The graphs whose union is the default graph of a query without its own dataset."""
    if curated_copy:
        return [ox.DefaultGraph()]
    return [ox.DefaultGraph(), *curated_graphs(store)]


def every_graph(store: ox.Store, curated_copy: bool = False) -> Graphs | None:
    """The graphs an "all graphs" query reads as its default graph; None: all the store's
    graphs (pyoxigraph's union default graph). With a curated copy: the copy and the other
    named graphs (the union would read the curated triples twice)."""
    if curated_copy:
        others = [g for g in store.named_graphs() if graph_kind(g.value) != "curated"]
        return [ox.DefaultGraph(), *sorted(others, key=lambda g: g.value)]
    return None


def curated_graphs(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode]:
    """The store's curated named graphs, in IRI order."""
    curated = [g for g in store.named_graphs() if graph_kind(g.value) == "curated"]
    return sorted(curated, key=lambda g: g.value)
