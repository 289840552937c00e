"""SHACL shapes in shapes/: fixtures that must conform or fail, and the real graph.

Each fixture in tests/shapes/valid and tests/shapes/invalid is validated ALONE (not merged with
ontology/ and kg/): the shapes target by class, so a fixture only has to contain the nodes it
is about and the nodes they point to. Leading comment lines declare what a fixture tests:

    # shape: sdgkgsh:PillarShape [more shapes]   (node shapes the fixture exercises)
    # expect: sh:MinCountConstraintComponent skos:prefLabel [warning]

An invalid fixture's report must contain exactly the expected (severity, component, path)
triples (top-level results; `-` stands for "no sh:resultPath" and `^p` for an inverse path),
and the first of them must come from the declared shape or one of its property shapes. A valid
fixture must produce no result at all, and each shape it declares must have a focus node in it.
"""

from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
FIXTURES = ROOT / "tests" / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))

# Guards against a glob or filter silently emptying the parametrized suites.
EXPECTED_VALID = 14
EXPECTED_INVALID = 83

PREFIXES = {
    "sdgkg": "https://w3id.org/sdgkg/ontology#",
    "kg": "https://w3id.org/sdgkg/id/",
    "sdgkgsh": "https://w3id.org/sdgkg/shapes#",
    "kgx": "https://w3id.org/sdgkg/extracted/",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": "https://schema.org/",
    "sh": str(SH),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
SDGKGSH = Namespace(PREFIXES["sdgkgsh"])
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


def expand(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    return URIRef(PREFIXES[prefix] + local)


def shorten(term: Node) -> str:
    for prefix, namespace in PREFIXES.items():
        if isinstance(term, URIRef) and str(term).startswith(namespace):
            return prefix + ":" + term.removeprefix(namespace)
    return str(term)


@cache
def shapes_graph() -> Graph:
    graph = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def validate(data: Graph) -> tuple[bool, Graph]:
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph() + Graph(),  # a copy: pySHACL adds triples to the shapes graph
        inference="none",
        advanced=False,
        js=False,
        allow_warnings=True,
        inplace=False,
    )
    return bool(conforms), report


def path_text(report: Graph, path: Node | None) -> str:
    if path is None:
        return "-"
    if isinstance(path, BNode):
        inverse = report.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + shorten(inverse)
    return shorten(path)


def results(report: Graph) -> list[tuple[str, str, str, Node]]:
    """(severity, component, path, source shape) of every validation result."""
    rows = []
    for result in report.objects(None, SH.result):  # not the nested sh:detail results
        severity = "warning" if report.value(result, SH.resultSeverity) == SH.Warning else ""
        component = shorten(report.value(result, SH.sourceConstraintComponent))
        path = path_text(report, report.value(result, SH.resultPath))
        rows.append((severity, component, path, report.value(result, SH.sourceShape)))
    return rows


def header(path: Path, key: str) -> list[list[str]]:
    values = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        name, _, rest = line.lstrip("# ").partition(":")
        if name == key:
            values.append(rest.split())
    return values


def expectations(path: Path) -> list[tuple[str, str, str]]:
    """(severity, component, path) from the `# expect:` lines, in order."""
    rows = header(path, "expect")
    return [("warning" if row[2:] == ["warning"] else "", row[0], row[1]) for row in rows]


def declared_shapes(path: Path) -> list[URIRef]:
    return [expand(name) for row in header(path, "shape") for name in row]


def targeted_node_shapes() -> set[URIRef]:
    graph = shapes_graph()
    return {s for t in TARGETS for s in graph.subjects(t, None) if isinstance(s, URIRef)}


def shape_parts(shape: URIRef) -> set[Node]:
    """The shape itself and its property shapes: the possible sh:sourceShape of its results."""
    return {shape, *shapes_graph().objects(shape, SH.property)}


def focus_nodes(shape: URIRef, data: Graph) -> set[Node]:
    graph, nodes = shapes_graph(), set()
    for cls in graph.objects(shape, SH.targetClass):
        query = "SELECT ?s WHERE { ?s a/rdfs:subClassOf* ?c }"
        rows = data.query(query, initNs={"rdfs": RDFS}, initBindings={"c": cls})
        nodes |= {row[0] for row in rows}
    for prop in graph.objects(shape, SH.targetSubjectsOf):
        nodes |= set(data.subjects(prop, None))
    return nodes


def load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def test_fixture_counts() -> None:
    assert len(VALID) == EXPECTED_VALID
    assert len(INVALID) == EXPECTED_INVALID


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(fixture: Path) -> None:
    data = load(fixture)
    shapes = declared_shapes(fixture)
    assert shapes, "a valid fixture declares the shapes it exercises (# shape: ...)"
    for shape in shapes:
        assert focus_nodes(shape, data), f"{shorten(shape)} has no focus node in {fixture.name}"
    conforms, report = validate(data)
    assert conforms
    assert results(report) == []


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_as_declared(fixture: Path) -> None:
    (shape,) = declared_shapes(fixture)
    expected = expectations(fixture)
    assert expected, "an invalid fixture declares what it must fail with (# expect: ...)"
    conforms, report = validate(load(fixture))
    rows = results(report)
    assert {row[:3] for row in rows} == set(expected)
    # The first expectation is the point of the fixture: the declared shape must report it.
    sources = {row[3] for row in rows if row[:3] == expected[0]}
    assert sources & shape_parts(shape), f"{expected[0]} is not reported by {shorten(shape)}"
    assert conforms == all(severity == "warning" for severity, _, _ in expected)


def test_every_targeted_shape_has_valid_and_invalid_fixtures() -> None:
    valid = {shape for path in VALID for shape in declared_shapes(path)}
    invalid = {shape for path in INVALID for shape in declared_shapes(path)}
    shapes = targeted_node_shapes()
    assert shapes - valid == set()
    assert shapes - invalid == set()
    assert (valid | invalid) - shapes == set(), "fixtures name shapes that do not exist"


@cache
def _project_graph() -> Graph:
    graph = Graph()
    paths = sorted([*(ROOT / "ontology").glob("*.ttl"), *(ROOT / "kg").rglob("*.ttl")])
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def project_graph() -> Graph:
    return _project_graph() + Graph()


def test_project_graph_conforms() -> None:
    conforms, report = validate(project_graph())
    assert [row[:3] for row in results(report)] == []
    assert conforms


MUTATIONS = {
    # Changes to the real graph (validated with the ontology, so subclass targeting applies).
    "centre-typo": (
        "INSERT DATA { kg:centre sdgkg:hasPilar kg:pillar-social-justice }",
        {
            ("", "sh:ClosedConstraintComponent", "sdgkg:hasPilar"),
            ("", "sh:SPARQLConstraintComponent", "sdgkg:hasPilar"),
        },
    ),
    "task-completed-silently": (
        """DELETE { kg:task-appoint-leadership schema:actionStatus ?status }
        INSERT { kg:task-appoint-leadership schema:actionStatus schema:CompletedActionStatus }
        WHERE { kg:task-appoint-leadership schema:actionStatus ?status }""",
        {
            ("", "sh:SPARQLConstraintComponent", "schema:endTime"),
            ("", "sh:SPARQLConstraintComponent", "schema:actionStatus"),
            # The existing evidence now reifies a status the graph no longer asserts.
            ("", "sh:SPARQLConstraintComponent", "-"),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutated_project_graph_fails(name: str) -> None:
    update, expected = MUTATIONS[name]
    graph = project_graph()
    graph.update(update, initNs={p: Namespace(n) for p, n in PREFIXES.items()})
    conforms, report = validate(graph)
    assert not conforms
    assert {row[:3] for row in results(report)} == expected


def test_every_class_used_has_a_node_shape() -> None:
    used = set(project_graph().objects(None, RDF.type))
    targeted = set(shapes_graph().objects(None, SH.targetClass))
    assert sorted(shorten(c) for c in used - targeted) == []


def test_every_constraint_has_a_message_and_severity() -> None:
    graph = shapes_graph()
    constraints = (
        set(graph.subjects(RDF.type, SH.NodeShape))
        | set(graph.subjects(RDF.type, SH.PropertyShape))
        | set(graph.objects(None, SH.property))
        | set(graph.objects(None, SH.sparql))
    )
    missing = [
        shorten(node) if isinstance(node, URIRef) else str(graph.value(node, SH.path))
        for node in constraints
        if not isinstance(graph.value(node, SH.message), Literal)
        or graph.value(node, SH.severity) not in (SH.Violation, SH.Warning)
    ]
    assert missing == []


def test_shapes_live_in_the_shapes_namespace() -> None:
    graph = shapes_graph()
    named = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert {shorten(s) for s in named if not s.startswith(str(SDGKGSH))} == set()
