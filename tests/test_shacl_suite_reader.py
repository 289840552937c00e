"""The reader of the vendored W3C SHACL test suite (tests/shacl_suite.py) finds every test, and
pySHACL, the reference checker, gives each test's expected report as the reader reads it: so
the expected keys are right, and another checker can be held to the same ones."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate

from .shacl_suite import SH, SUITE, Graph, ResultKey, SuiteCase, report_results, suite_cases

CASES = suite_cases()

# Tests where pySHACL 0.40's report differs from the suite's, each with the reason. Strict: a
# pySHACL that gets one right fails the run until its entry is removed.
PYSHACL_DEVIATIONS = {
    "core/property/uniqueLang-002": "pySHACL takes sh:uniqueLang by its boolean value, so "
    '"1"^^xsd:boolean turns the constraint on; the suite says only true does',
    "sparql/node/prefixes-001": "pySHACL does not follow sh:prefixes/owl:imports*/sh:declare to "
    "the ontology that declares ex: (it passes on a parsed file only because rdflib keeps the "
    "file's @prefix lines, which a graph of triples has not)",
}


def test_the_reader_finds_every_vendored_test() -> None:
    folders = Counter(case.name.rsplit("/", 1)[0] for case in CASES)
    assert folders == {
        "core/complex": 2,
        "core/misc": 5,
        "core/node": 32,
        "core/path": 13,
        "core/property": 38,
        "core/targets": 7,
        "core/validation-reports": 1,
        "sparql/component": 3,
        "sparql/node": 4,
        "sparql/property": 1,
    }
    assert len({case.name for case in CASES}) == len(CASES)
    assert all(case.data_file.is_file() and case.shapes_file.is_file() for case in CASES)


def test_a_case_reads_its_graphs_expected_report_and_features() -> None:
    case = by_name("core/node/class-001")
    ex = "http://datashapes.org/sh/tests/core/node/class-001.test#"
    assert case.label == "Test of sh:class at node shape 001"
    assert case.data_file == case.shapes_file == SUITE / "core/node/class-001.ttl"
    assert case.expected_conforms is False
    component, violation = f"<{SH}ClassConstraintComponent>", f"<{SH}Violation>"
    assert case.expected_results == {
        ResultKey(f"<{ex}Quokki>", None, f"<{ex}Quokki>", component, violation),
        ResultKey(f"<{ex}Typeless>", None, f"<{ex}Typeless>", component, violation),
    }
    # The expected report's own sh: terms (sh:result, sh:focusNode ...) are no feature.
    assert case.features == {"sh:class", "sh:targetNode"}


def test_a_case_with_separate_data_and_shapes_files() -> None:
    case = by_name("core/path/path-complex-002")
    assert case.data_file.name == "path-complex-002-data.ttl"
    assert case.shapes_file.name == "path-complex-002-shapes.ttl"
    assert {r.path for r in case.expected_results} == {
        "^<http://example.org/shacl/tests/p>/^<http://example.org/shacl/tests/p>"
    }
    assert case.features == {"sh:class", "sh:inversePath", "sh:path", "sh:targetNode"}


def test_a_blank_focus_node_is_named_by_its_triples() -> None:
    case = by_name("core/node/datatype-001")
    blank = {r.focus_node for r in case.expected_results if r.focus_node.startswith("_:")}
    assert blank == {
        "_:[<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://datashapes.org/sh/tests/core/node/datatype-001.test#TestClass>]"
    }


def test_every_listed_deviation_is_a_case() -> None:
    assert set(PYSHACL_DEVIATIONS) <= {case.name for case in CASES}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case.name,
            marks=[pytest.mark.xfail(reason=PYSHACL_DEVIATIONS[case.name], strict=True)]
            if case.name in PYSHACL_DEVIATIONS
            else [],
        )
        for case in CASES
    ],
)
# or-datatypes-001 holds "none"^^xsd:boolean on purpose; rdflib warns about it.
@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
def test_pyshacl_gives_the_expected_report(case: SuiteCase) -> None:
    assert pyshacl_report(case) == (case.expected_conforms, case.expected_results)


def pyshacl_report(case: SuiteCase) -> tuple[bool, frozenset[ResultKey]]:
    """pySHACL's report on the case, read the way the reader reads the expected one."""
    conforms, report, text = validate(
        to_rdflib(case.data),
        shacl_graph=to_rdflib(case.shapes),
        inference="none",
        abort_on_first=False,
        allow_warnings=False,  # the spec's conforms: false on a warning too
        do_owl_imports=False,
    )
    assert isinstance(report, rdflib.Graph), text
    report_graph = Graph(from_rdflib(report))
    node = next(report.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "ValidationReport")))
    found = report_results(to_oxigraph(node), report_graph, Graph(case.data))
    assert found[0] == conforms
    return found


def by_name(name: str) -> SuiteCase:
    return next(case for case in CASES if case.name == name)


def to_rdflib(triples: tuple[ox.Triple, ...]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in triples:
        graph.add(
            (to_rdflib_term(t.subject), to_rdflib_term(t.predicate), to_rdflib_term(t.object))
        )
    return graph


def to_rdflib_term(term: object) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)  # the same id, so pySHACL's blank nodes are the case's
    assert isinstance(term, ox.Literal)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    # normalize=False keeps the lexical form (rdflib would write "01"^^xsd:integer as "1").
    return rdflib.Literal(term.value, datatype=term.datatype.value, normalize=False)


def from_rdflib(graph: rdflib.Graph) -> list[ox.Triple]:
    return [ox.Triple(*(to_oxigraph(term) for term in triple)) for triple in graph]


def to_oxigraph(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, rdflib.Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    datatype = term.datatype or rdflib.XSD.string
    return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
