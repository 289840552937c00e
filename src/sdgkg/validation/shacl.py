"""pySHACL run on rdflib graphs, its report read into the project's typed `ValidationReport`.

The CLI imports this package only for the commands that validate, so querying and exporting
never pay for pySHACL and rdflib.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib import SH as SH_NS
from rdflib.plugins.sparql import processor

from sdgkg.errors import InputError
from sdgkg.namespaces import SH
from sdgkg.rdfio.ntriples import bytes_written
from sdgkg.rdfio.terms import Term
from sdgkg.store.graph import graph_iri
from sdgkg.store.paths import display_path, shape_files
from sdgkg.validation import shards
from sdgkg.validation.names import path_text, shape_name
from sdgkg.validation.report import ValidationReport, ValidationResult, severity_of, sort_key


def union_ntriples(store: ox.Store) -> bytes:
    return bytes_written(ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES))


def data_graph(ntriples: bytes, bnodes: dict[str, Any]) -> Graph:
    graph = Graph()
    graph.parse(io.BytesIO(ntriples), format="nt", bnode_context=bnodes)
    return graph


def shapes_graph(root: Path) -> Graph:
    files = shape_files(root)
    if not files:
        raise InputError(f"no SHACL shapes in {display_path(root / 'shapes', root)}/")
    graph = Graph()
    for path in files:
        try:
            # A file object (rdflib never treats it as a URL); relative IRIs resolve against
            # the project's graph namespace, never against a file: path on this machine.
            with path.open("rb") as handle:
                graph.parse(handle, format="turtle", publicID=graph_iri(root, path))
        except Exception as exc:  # rdflib raises many types for bad Turtle
            message = " ".join(str(exc).split())
            raise InputError(f"{display_path(path, root)}: {message}") from None
    return graph


def run_shacl(data: Graph, shapes: Graph) -> ValidationReport:
    """pySHACL's report on `data`; a big graph is checked by several processes at once."""
    count = shards.worker_count(data)
    if count < 2:
        return run_shapes(data, shapes)
    shares = shards.focus_shares(data, shapes, count)

    def check_share(index: int) -> ValidationReport:
        return run_shapes(data, shards.with_targets(shapes, shares[index]))

    return merged(shards.run_shares(count, check_share))


def run_shapes(data: Graph, shapes: Graph) -> ValidationReport:
    with _parsed_sparql_reused():
        conforms, report, text = shacl_validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=False,
            js=False,
            allow_warnings=True,
            inplace=False,
            do_owl_imports=False,
        )
    if not hasattr(report, "serialize"):  # pySHACL hands back a failure, not a report
        raise InputError(f"SHACL validation failed: {' '.join(str(text).split())[:300]}")
    results = distinct(_results(report, shapes))
    _drop_repeated_results(report, shapes)
    return ValidationReport(bool(conforms), results, report.serialize(format="turtle"))


def distinct(results: Iterable[ValidationResult]) -> tuple[ValidationResult, ...]:
    """Each result once, in order: pySHACL reports a property shape that two node shapes use
    (and that both apply to a node) once per node shape."""
    return tuple(sorted(set(results), key=sort_key))


def merged(reports: Sequence[ValidationReport]) -> ValidationReport:
    """One report of runs over shares of the focus nodes: one sh:ValidationReport node."""
    graph = Graph()
    for report in reports:
        graph.parse(data=report.report_turtle, format="turtle")
    conforms = all(report.conforms for report in reports)
    merged = BNode()
    for node in list(graph.subjects(RDF.type, SH_NS.ValidationReport)):
        for result in graph.objects(node, SH_NS.result):
            graph.add((merged, SH_NS.result, result))
        graph.remove((node, None, None))
    graph.add((merged, RDF.type, SH_NS.ValidationReport))
    graph.add((merged, SH_NS.conforms, Literal(conforms)))
    _drop_repeated_results(graph, graph)
    results = distinct(r for report in reports for r in report.results)
    return ValidationReport(conforms, results, graph.serialize(format="turtle"))


def _drop_repeated_results(report: Graph, shapes: Graph) -> None:
    """Keep one sh:result node per distinct result (as `distinct` keeps one result), so the
    report graph has as many results as the report."""
    seen: set[tuple[Any, ...]] = set()
    for owner, node in sorted(report.subject_objects(SH_NS.result), key=lambda pair: pair[1].n3()):
        r = next(iter(_results_of(report, shapes, [node])))
        # A blank shape's id differs between parsed reports: its message tells it apart.
        shape = r.source_shape if r.source_shape.kind == "iri" else None
        key = (r.focus_node, r.path, r.value, r.constraint_component, r.message, shape)
        if key in seen:
            report.remove((owner, SH_NS.result, node))
        seen.add(key)


def _results(report: Graph, shapes: Graph) -> Iterable[ValidationResult]:
    return _results_of(report, shapes, report.objects(None, URIRef(SH + "result")))


def _results_of(report: Graph, shapes: Graph, nodes: Iterable[Any]) -> Iterable[ValidationResult]:
    # Only top-level results: a failed sh:node also nests its own results as sh:detail.
    for node in nodes:

        def one(name: str, node: Any = node) -> Any:
            return report.value(node, URIRef(SH + name))

        yield ValidationResult(
            focus_node=_term(one("focusNode")),
            path=_path(one("resultPath"), report, shapes),
            value=_term(one("value")) if one("value") is not None else None,
            severity=severity_of(str(one("resultSeverity"))),
            message=str(one("resultMessage") or ""),
            constraint_component=_term(one("sourceConstraintComponent")),
            source_shape=_term(one("sourceShape")),
            shape_name=shape_name(shapes, one("sourceShape")),
        )


def _path(node: Any, report: Graph, shapes: Graph) -> Term | None:
    """The result's path; a complex one (e.g. `^oa:hasSelector`) as its SPARQL path text in a
    blank-node term, the same in every run (a blank node's id is not)."""
    if node is None:
        return None
    if not isinstance(node, BNode):
        return _term(node)
    graph = report if (node, None, None) in report else shapes
    return Term("bnode", path_text(graph, node))


def _term(node: Any) -> Term:
    if isinstance(node, BNode):
        return Term("bnode", str(node))
    if isinstance(node, Literal):
        datatype = str(node.datatype) if node.datatype else None
        return Term.literal(str(node), datatype, node.language)
    return Term.iri(str(node))


@contextmanager
def _parsed_sparql_reused() -> Iterator[None]:
    """Parse each SPARQL constraint once per run, not once per focus node.

    pySHACL hands rdflib the constraint's text for every focus node, and rdflib parses it
    each time: 80% of a full run on the project graph. rdflib's prepared queries are meant to
    be run again with other bindings, so a cache keyed by the text gives the same answers.
    """
    original = processor.SPARQLProcessor.query
    prepared: dict[tuple[str, str | None, tuple[Any, ...]], Any] = {}

    def query(
        self: Any,
        text: Any,
        initBindings: Any = None,
        initNs: Any = None,
        base: Any = None,
        DEBUG: bool = False,
    ) -> Any:  # noqa: N803 - rdflib's names
        if isinstance(text, str):
            key = (text, base, tuple(sorted((initNs or {}).items())))
            if key not in prepared:
                tree = processor.parseQuery(text)  # type: ignore[attr-defined]
                prepared[key] = processor.translateQuery(tree, base, initNs or {})  # type: ignore[attr-defined]
            text = prepared[key]
        return original(self, text, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original  # type: ignore[method-assign]
