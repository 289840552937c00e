"""A validation split over worker processes reports exactly what one pySHACL run reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, Namespace

from sdgkg import load_graph
from sdgkg import parallel as halves
from sdgkg.validation import shacl as validation
from sdgkg.validation import shards as shacl_workers

REPO = Path(__file__).resolve().parent.parent
KG = Namespace("https://w3id.org/sdgkg/id/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SCHEMA = Namespace("https://schema.org/")
SDGKG = Namespace("https://w3id.org/sdgkg/ontology#")


@pytest.fixture(scope="module")
def graphs() -> tuple[Graph, Graph]:
    """The project's graph with a few violations of different shapes, and the shapes."""
    data = validation.data_graph(validation.union_ntriples(load_graph(REPO)), {})
    data.add((KG.centre, SKOS.prefLabel, Literal("A second English name", lang="en")))
    data.add((KG.centre, SCHEMA.color, Literal("blue")))  # closed shape
    pillar = next(data.subjects(SCHEMA.position, None))
    data.add((pillar, SCHEMA.position, Literal(99)))  # one position too many
    return data, validation.shapes_graph(REPO)


def test_split_run_has_the_results_of_one_run(graphs, monkeypatch):
    data, shapes = graphs
    monkeypatch.setattr(shacl_workers, "MIN_TRIPLES", 0)
    monkeypatch.setattr(halves, "fork_cores", lambda: 2)
    one = validation.run_shapes(data, shapes)
    split = validation.run_shacl(data, shapes)
    assert not one.conforms and len(one.results) >= 3
    assert (split.conforms, split.results) == (one.conforms, one.results)


def test_merged_report_graph_has_one_report_with_every_result(graphs, monkeypatch):
    data, shapes = graphs
    monkeypatch.setattr(shacl_workers, "MIN_TRIPLES", 0)
    monkeypatch.setattr(halves, "fork_cores", lambda: 2)
    report = validation.run_shacl(data, shapes)
    graph = Graph().parse(data=report.report_turtle, format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(False)
    assert len(list(graph.objects(node, SH.result))) == len(report.results)


def test_shares_split_every_shapes_focus_nodes_between_the_workers(graphs):
    data, shapes = graphs
    shares = shacl_workers.focus_shares(data, shapes, 2)
    statement_shape = Namespace("https://w3id.org/sdgkg/shapes#").StatementShape
    first, second = (set(share[statement_shape]) for share in shares)
    assert first and second and not first & second
    candidates = set(data.subjects(RDF.type, SDGKG.Candidate))  # a subclass of rdf:Statement
    assert first | second == set(data.subjects(RDF.type, RDF.Statement)) | candidates


def test_a_share_targets_only_its_own_focus_nodes(graphs):
    data, shapes = graphs
    share = {KG.centre: [KG.centre]}
    narrowed = shacl_workers.with_targets(shapes, share)
    assert set(narrowed.subject_objects(SH.targetNode)) == {(KG.centre, KG.centre)}
    assert not list(narrowed.triples((None, SH.targetClass, None)))
    targeting = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
    implicit = {RDFS.Class, OWL.Class}  # a shape that is a class targets its instances
    kept = {
        t for t in shapes if t[1] not in targeting and not (t[1] == RDF.type and t[2] in implicit)
    }
    assert set(narrowed) == kept | {(KG.centre, SH.targetNode, KG.centre)}


def test_small_graphs_are_checked_in_this_process(graphs):
    assert shacl_workers.worker_count(Graph()) == 1
