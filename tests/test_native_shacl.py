"""The native checker finds what pySHACL finds, and says Unsupported where it cannot tell.

Seeded faults over the project's graph (its extraction outputs included): triples dropped,
values duplicated or retargeted, literals retyped, types removed, predicates no shape allows,
offsets that no longer fit their quotes. Each case compares every result with pySHACL's:
focus node, path, value, constraint component and severity (SDGKG_NATIVE_CASES sets how many).
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from sdgkg.extract import extract, write
from sdgkg.rdfio.screening import is_well_typed
from sdgkg.store.graph import graph_iri, load_graph
from sdgkg.store.paths import shape_files
from sdgkg.validation import fast, native
from sdgkg.validation import shacl as reference
from sdgkg.validation.native import checker
from sdgkg.validation.native.prebound import SelectConstraint, Unanswerable

REPO = Path(__file__).resolve().parent.parent
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OA = "http://www.w3.org/ns/oa#"
SH = "http://www.w3.org/ns/shacl#"
CASES = int(os.environ.get("SDGKG_NATIVE_CASES", "12"))
FOUND: set[str] = set()  # constraint components the cases produced


def shapes_of(root: Path) -> list[ox.Quad]:
    return [
        q
        for path in shape_files(root)
        for q in ox.parse(
            path=str(path), format=ox.RdfFormat.TURTLE, base_iri=graph_iri(root, path)
        )
    ]


@pytest.fixture(scope="module")
def project() -> tuple[list[ox.Triple], list[ox.Quad], object]:
    store = load_graph(REPO)
    triples = sorted({q.triple for q in store}, key=str)
    return triples, shapes_of(REPO), reference.shapes_graph(REPO)


def keys(results) -> set[tuple]:
    return {
        (r.focus_node, r.path, r.value, r.constraint_component.value.split("#")[-1], r.severity)
        for r in results
    }


def native_keys(triples: list[ox.Triple], shapes: list[ox.Quad]) -> set[tuple]:
    return keys(fast.as_result(f) for f in native.check(triples, shapes))


def pyshacl_keys(triples: list[ox.Triple], shapes_graph) -> set[tuple]:
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return keys(reference.run_shapes(reference.data_graph(ntriples, {}), shapes_graph).results)


def test_the_project_graph_conforms_for_both(project):
    triples, shapes, shapes_graph = project
    assert native_keys(triples, shapes) == pyshacl_keys(triples, shapes_graph) == set()


def faulty(rng: random.Random, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The graph with a few seeded faults of the kinds the shapes are there to catch."""
    found = list(triples)
    for _ in range(rng.randint(2, 5)):
        index = rng.randrange(len(found))
        t = found[index]
        kind = rng.randrange(8)
        if kind == 0:  # a triple dropped
            del found[index]
        elif kind == 1:  # a second value, taken from elsewhere in the graph
            found.append(ox.Triple(t.subject, t.predicate, rng.choice(triples).object))
        elif kind == 2:  # the value replaced by another node of the graph
            found[index] = ox.Triple(t.subject, t.predicate, rng.choice(triples).subject)
        elif kind == 3 and isinstance(t.object, ox.Literal):  # the literal retyped
            retyped = rng.choice(
                [
                    ox.Literal(t.object.value),
                    ox.Literal(t.object.value, language=rng.choice(["kk", "en", "fr"])),
                    ox.Literal("x" + t.object.value, datatype=t.object.datatype),
                    ox.Literal(t.object.value, datatype=ox.NamedNode(XSD + "integer")),
                ]
            )
            found[index] = ox.Triple(t.subject, t.predicate, retyped)
        elif kind == 4:  # a type removed
            typed = [i for i, u in enumerate(found) if u.predicate == RDF_TYPE]
            del found[rng.choice(typed)]
        elif kind == 5:  # a predicate used where no shape lists it
            found.append(ox.Triple(t.subject, rng.choice(triples).predicate, t.object))
        elif kind == 6:  # an offset moved, so the quote no longer fits
            offsets = [
                i for i, u in enumerate(found) if u.predicate.value in (OA + "start", OA + "end")
            ]
            at = rng.choice(offsets)
            u = found[at]
            moved = ox.Literal(
                str(int(u.object.value) + rng.choice([-3, 1, 7])), datatype=u.object.datatype
            )
            found[at] = ox.Triple(u.subject, u.predicate, moved)
        else:  # a fact's value changed, so its evidence no longer matches a triple
            found[index] = ox.Triple(t.subject, t.predicate, ox.Literal(str(rng.randint(0, 9))))
    return found


@pytest.mark.parametrize("case", range(CASES))
def test_native_results_equal_pyshacls_on_seeded_faults(project, case):
    triples, shapes, shapes_graph = project
    data = faulty(random.Random(case), triples)
    try:
        expected = pyshacl_keys(data, shapes_graph)
    except TypeError:
        # rdflib's SPARQL stops on arithmetic with an ill-typed number (`validate` refuses
        # such a literal before pySHACL runs); the native checker must not pass the data.
        assert any(not is_well_typed(t.object) for t in data if isinstance(t.object, ox.Literal))
        assert native_keys(data, shapes)
        return
    assert native_keys(data, shapes) == expected
    FOUND.update(key[3] for key in expected)


def test_the_cases_found_violations_of_many_kinds():
    # Guards the fault generator (runs after the cases): agreement on conforming data, or on
    # one kind of fault, would prove little.
    assert len(FOUND) >= 8, FOUND


def test_a_shapes_feature_it_lacks_is_unsupported(project):
    triples, shapes, _ = project
    extra = ox.parse(
        b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x:shape> sh:targetNode <urn:x:a> ; sh:property [ sh:path <urn:x:p> ;
            sh:lessThan <urn:x:q> ] .""",
        format=ox.RdfFormat.TURTLE,
    )
    with pytest.raises(native.Unsupported, match="lessThan"):
        native.check(triples, [*shapes, *extra])


def test_recursive_shapes_are_unsupported(project):
    triples, _, _ = project
    recursive = ox.parse(
        b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x:s> sh:targetNode <urn:x:a> ;
            sh:property [ sh:path <urn:x:p> ; sh:node <urn:x:s> ] .""",
        format=ox.RdfFormat.TURTLE,
    )
    with pytest.raises(native.Unsupported, match="recursive"):
        native.check(triples, list(recursive))


def test_the_project_report_is_decided_natively_only_when_it_conforms(tmp_path):
    root = tmp_path / "graph"
    for folder in ("ontology", "kg", "shapes"):
        shutil.copytree(REPO / folder, root / folder)
    report = fast.conforming_report(root)
    assert report is not None and report.conforms and report.results == ()
    (root / "kg" / "extracted" / "broken.ttl").write_text(
        "<https://w3id.org/sdgkg/extracted/x> a <http://www.w3.org/ns/oa#TextPositionSelector> .\n",
        encoding="utf-8",
    )
    assert fast.conforming_report(root) is None  # a violation: pySHACL must write the report


# --- SPARQL constraints: asked once for many nodes, or node by node --------------------------

SELECTOR_LENGTH = """PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT $this ?start ?end WHERE {
        $this oa:hasSelector ?position, ?quote .
        { ?position oa:start ?start ; oa:end ?end . ?quote oa:exact ?exact . }
        FILTER (STRLEN(?exact) = ?end - ?start)  # the passages that fit: rows to compare
    }"""


@pytest.mark.parametrize(
    ("query", "once"),
    [
        (SELECTOR_LENGTH, True),
        ("SELECT $this WHERE { BIND (1 AS ?one) $this ?p ?o FILTER (?one = 1) }", True),
        ("SELECT $this WHERE { $this ?p ?o FILTER NOT EXISTS { $this ?p $this } }", True),
        ("SELECT $this WHERE { $this ?p ?o OPTIONAL { ?o ?q $this } }", True),
        # $this read before a triple pattern binds it: a pre-bound query differs.
        ("SELECT $this WHERE { BIND ($this AS ?me) $this ?p ?o }", False),
        ("SELECT $this WHERE { OPTIONAL { $this ?p ?o } ?s ?p ?o }", False),
        ("SELECT $this WHERE { $this ?p ?o { ?s ?p ?o FILTER (?s != $this) } }", False),
        ("SELECT $this WHERE { $this ?p ?o } GROUP BY $this", False),
        ("SELECT $this (COUNT(?o) AS ?n) WHERE { $this ?p ?o }", False),
        ("SELECT ?o WHERE { $this ?p ?o }", False),  # rows would not say whose they are
        ("SELECT (?o AS ?this) WHERE { $this ?p ?o }", False),
    ],
)
def test_a_constraint_is_asked_once_only_when_that_means_pre_binding(query, once):
    assert SelectConstraint(ox.NamedNode("urn:x:c"), query, "").asked_once is once


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("SELECT $this WHERE { { SELECT $this WHERE { $this ?p ?o } } }", "not one SELECT"),
        # One graph to pySHACL, one named graph per file to Oxigraph: not the same data.
        ("SELECT $this WHERE { GRAPH ?g { $this ?p ?o } }", "names graphs"),
    ],
)
def test_a_query_the_engines_would_read_differently_is_left_to_pyshacl(query, why):
    with pytest.raises(Unanswerable, match=why):
        assert SelectConstraint(ox.NamedNode("urn:x:c"), query, "").asked_once


@pytest.mark.parametrize(
    "query",
    [
        SELECTOR_LENGTH,
        "SELECT $this ?value WHERE { $this ?p ?value FILTER (isLiteral(?value)) }",
        "SELECT $this WHERE { $this ?p ?o FILTER NOT EXISTS { ?o a ?type } }",
        "SELECT $this ?value WHERE { $this ?p ?o OPTIONAL { ?o ?q ?value } }",
    ],
)
def test_asked_once_gives_the_rows_of_asking_node_by_node(project, query):
    triples = project[0]
    store = ox.Store()
    store.extend(ox.Quad(*t) for t in triples)
    focus = sorted({t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}, key=str)
    constraint = SelectConstraint(ox.NamedNode("urn:x:c"), query, "{?value}")
    once = constraint.rows(store, focus)
    node_by_node = constraint.rows(store, focus, many=len(focus) + 1)
    assert once and set(once) == set(node_by_node)


def test_extract_leaves_shapes_the_native_checker_lacks_to_pyshacl(tmp_path):
    root = tmp_path / "graph"
    for folder in ("ontology", "kg", "shapes"):
        shutil.copytree(REPO / folder, root / folder)
    # sh:equals is not implemented natively: the check must still happen, by pySHACL.
    (root / "shapes" / "equals.ttl").write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        <https://w3id.org/sdgkg/shapes#SameEnds> a sh:NodeShape ;
            sh:targetClass <https://w3id.org/sdgkg/ontology#Candidate> ;
            sh:property [ sh:path rdf:subject ; sh:equals rdf:object ;
                sh:message "A candidate's subject equals its object." ] .
        """,
        encoding="utf-8",
    )
    assert fast.conforming_report(root) is None
    [found] = extract([REPO / "tests" / "fixtures" / "articles" / "centre-launch.en.txt"], root)
    report = write([found], root)
    assert not report.conforms
    assert {r.constraint_component.value for r in report.results} == {
        SH + "EqualsConstraintComponent"
    }
    assert not (root / "kg" / "extracted" / "centre-launch.en.ttl").exists()


def test_the_two_halves_of_a_check_find_what_one_process_finds(project, monkeypatch):
    triples, shapes, _ = project
    data = faulty(random.Random(7), triples)
    both = native_keys(data, shapes)
    monkeypatch.setattr(checker, "on_two_cores", lambda work, items, cut: (work(items), []))
    assert both and native_keys(data, shapes) == both
