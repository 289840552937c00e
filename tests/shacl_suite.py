"""The W3C SHACL test suite in tests/fixtures/shacl-suite, read into plain cases.

Each test is an `sht:Validate` entry of a manifest: a data graph, a shapes graph (most often
the test file itself, `<>`) and the expected `sh:ValidationReport`. A case keeps both graphs as
pyoxigraph triples and the report as `conforms` plus a set of `ResultKey`s, so any SHACL
checker's report, read with `report_results`, can be compared with it.

Blank nodes have no identity across parsers and checkers, so a key names a blank focus node or
value by what the data graph says about it (`_:[<p> <o>; ...]`, nested blank nodes described
the same way) and a complex result path by its SPARQL path text (`^<p>/<q>`). Two blank nodes
with the same outgoing triples get the same name; the suite has none that a report tells apart.
`sh:sourceShape` and messages are left out of the key: a blank property shape has no stable
name, and the messages are free text. The results are a set, so a result listed twice counts
once (core/validation-reports/shared does, and says the count is under discussion).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

SUITE = Path(__file__).resolve().parent / "fixtures" / "shacl-suite"
# The base the suite's own implementation reports use for test IRIs (urn:x-shacl-test:/core/...).
BASE = "urn:x-shacl-test:/"
# The manifests whose tests are vendored: all of SHACL Core, and the SPARQL-based constraints
# without the pre-binding tests.
ROOTS = (
    "core/manifest.ttl",
    "sparql/node/manifest.ttl",
    "sparql/property/manifest.ttl",
    "sparql/component/manifest.ttl",
)

SH = "http://www.w3.org/ns/shacl#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

Object = ox.NamedNode | ox.BlankNode | ox.Literal


class ResultKey(NamedTuple):
    """One validation result, as text: terms in N-Triples form, blank nodes described."""

    focus_node: str
    path: str | None
    value: str | None
    component: str
    severity: str


@dataclass(frozen=True)
class SuiteCase:
    name: str  # the test's IRI under the suite, e.g. "core/node/class-001"
    label: str
    data_file: Path
    shapes_file: Path
    data: tuple[ox.Triple, ...]
    shapes: tuple[ox.Triple, ...]
    expected_conforms: bool
    expected_results: frozenset[ResultKey]
    features: frozenset[str]  # the sh: predicates its shapes use, e.g. "sh:minCount"


class Graph:
    """Triples indexed by subject, for the few walks a reader needs."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = tuple(triples)
        self.out: dict[object, list[tuple[ox.NamedNode, Object]]] = defaultdict(list)
        for t in self.triples:
            self.out[t.subject].append((t.predicate, t.object))

    def values(self, subject: object, predicate: str) -> list[Object]:
        return [o for p, o in self.out.get(subject, ()) if p.value == predicate]

    def value(self, subject: object, predicate: str) -> Object | None:
        found = self.values(subject, predicate)
        return found[0] if found else None

    def items(self, head: object) -> list[Object]:
        """The members of the RDF list starting at `head`."""
        members = []
        while head != ox.NamedNode(RDF + "nil"):
            first, rest = self.value(head, RDF + "first"), self.value(head, RDF + "rest")
            if first is None or rest is None:
                raise ValueError(f"broken RDF list at {head}")
            members.append(first)
            head = rest
        return members


@cache
def parse(path: Path) -> Graph:
    """A file of the suite, its relative IRIs resolved as the manifests resolve them."""
    relative = path.relative_to(SUITE).as_posix()
    return Graph(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE + relative))


def suite_cases() -> list[SuiteCase]:
    """Every test of the vendored manifests, in manifest order."""
    return [case for root in ROOTS for case in _cases_under(SUITE / root)]


def _cases_under(path: Path) -> list[SuiteCase]:
    manifest, node = parse(path), _iri(path)
    cases = []
    for included in manifest.values(node, MF + "include"):
        cases += _cases_under(_file(included))
    for entries in manifest.values(node, MF + "entries"):
        cases += [_case(entry, manifest) for entry in manifest.items(entries)]
    return cases


def _case(entry: Object, manifest: Graph) -> SuiteCase:
    if manifest.value(entry, RDF + "type") != ox.NamedNode(SHT + "Validate"):
        raise ValueError(f"{entry}: not an sht:Validate test")
    action = manifest.value(entry, MF + "action")
    data_ref = manifest.value(action, SHT + "dataGraph")
    shapes_ref = manifest.value(action, SHT + "shapesGraph")
    if data_ref is None or shapes_ref is None:
        raise ValueError(f"{entry}: the action names no data or shapes graph")
    data_file, shapes_file = _file(data_ref), _file(shapes_ref)
    data, shapes = parse(data_file), parse(shapes_file)
    report = manifest.value(entry, MF + "result")
    if not isinstance(report, ox.BlankNode):
        raise ValueError(f"{entry}: expects {report}, not a validation report")
    conforms, results = report_results(report, manifest, data)
    return SuiteCase(
        name=entry.value.removeprefix(BASE),
        label=_text(manifest.value(entry, "http://www.w3.org/2000/01/rdf-schema#label")),
        data_file=data_file,
        shapes_file=shapes_file,
        data=data.triples,
        shapes=shapes.triples,
        expected_conforms=conforms,
        expected_results=results,
        features=_features(shapes, _test_machinery(manifest) if shapes is manifest else set()),
    )


def report_results(
    report: Object, report_graph: Graph, data: Graph
) -> tuple[bool, frozenset[ResultKey]]:
    """A `sh:ValidationReport`'s conforms flag and results; blank focus nodes and values are
    described by what `data` says about them."""
    conforms = report_graph.value(report, SH + "conforms")
    if not isinstance(conforms, ox.Literal) or conforms.value not in ("true", "false"):
        raise ValueError(f"{report}: no sh:conforms boolean")
    keys = set()
    for result in report_graph.values(report, SH + "result"):
        path, value = (
            report_graph.value(result, SH + "resultPath"),
            report_graph.value(result, SH + "value"),
        )
        keys.add(
            ResultKey(
                focus_node=term_text(_required(report_graph, result, "focusNode"), data),
                path=None if path is None else path_text(path, report_graph),
                value=None if value is None else term_text(value, data),
                component=str(_required(report_graph, result, "sourceConstraintComponent")),
                severity=str(_required(report_graph, result, "resultSeverity")),
            )
        )
    return conforms.value == "true", frozenset(keys)


def _required(graph: Graph, result: Object, name: str) -> Object:
    found = graph.value(result, SH + name)
    if found is None:
        raise ValueError(f"a validation result without sh:{name}")
    return found


def term_text(term: Object, data: Graph, seen: frozenset[object] = frozenset()) -> str:
    """A term in N-Triples form; a blank node as the sorted list of its outgoing triples."""
    if not isinstance(term, ox.BlankNode):
        return str(term)
    if term in seen:
        return "_:[...]"  # a cycle through blank nodes
    inner = seen | {term}
    pairs = sorted(f"{p} {term_text(o, data, inner)}" for p, o in data.out.get(term, ()))
    return "_:[" + "; ".join(pairs) + "]"


def path_text(path: Object, graph: Graph) -> str:
    """A SHACL property path in SPARQL's syntax with full IRIs, a sequence or alternative inside
    another path in brackets: `(^<p>)/(<q>|<r>)*` is written `^<p>/(<q>|<r>)*`."""
    if isinstance(path, ox.NamedNode):
        return str(path)
    if graph.value(path, RDF + "first") is not None:
        return "/".join(_operand(p, graph) for p in graph.items(path))
    alternatives = graph.value(path, SH + "alternativePath")
    if alternatives is not None:
        return "|".join(_operand(p, graph) for p in graph.items(alternatives))
    inverse = graph.value(path, SH + "inversePath")
    if inverse is not None:
        return "^" + _operand(inverse, graph, unary=True)
    for name, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        inner = graph.value(path, SH + name)
        if inner is not None:
            return _operand(inner, graph, unary=True) + mark
    raise ValueError(f"{path}: not a SHACL path")


def _operand(path: Object, graph: Graph, unary: bool = False) -> str:
    """A part of a path; bracketed where SPARQL's precedence would otherwise regroup it."""
    text = path_text(path, graph)
    compound = graph.value(path, RDF + "first") is not None or (
        graph.value(path, SH + "alternativePath") is not None
    )
    bare = isinstance(path, ox.NamedNode) or not (compound or unary)
    return text if bare else f"({text})"


def _features(shapes: Graph, left_out: set[object]) -> frozenset[str]:
    return frozenset(
        "sh:" + t.predicate.value.removeprefix(SH)
        for t in shapes.triples
        if t.predicate.value.startswith(SH) and t.subject not in left_out
    )


def _test_machinery(manifest: Graph) -> set[object]:
    """The manifest's own nodes (entries, actions, expected reports and what hangs from them),
    whose sh: predicates describe a report, not a shape."""
    machinery: set[object] = set()
    pending: list[object] = [
        t.subject for t in manifest.triples if t.predicate.value.startswith(MF)
    ]
    while pending:
        node = pending.pop()
        if node in machinery:
            continue
        machinery.add(node)
        pending += [o for _, o in manifest.out.get(node, ()) if isinstance(o, ox.BlankNode)]
    return machinery


def _text(term: Object | None) -> str:
    return term.value if isinstance(term, ox.Literal) else ""


def _iri(path: Path) -> ox.NamedNode:
    return ox.NamedNode(BASE + path.relative_to(SUITE).as_posix())


def _file(reference: Object) -> Path:
    if not isinstance(reference, ox.NamedNode) or not reference.value.startswith(BASE):
        raise ValueError(f"{reference}: not a file of the suite")
    return SUITE / reference.value.removeprefix(BASE)
