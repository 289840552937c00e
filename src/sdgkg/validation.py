"""SHACL validation of the graph plus new files, with a typed report.

pySHACL and rdflib are imported inside the functions that need them, so querying and exporting
never pay for them.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.graph import graph_iri, load_extra, load_graph
from sdgkg.paths import display_path, graph_files, resolve_root, shape_files
from sdgkg.terms import Term

if TYPE_CHECKING:
    from rdflib import Graph

SH = "http://www.w3.org/ns/shacl#"


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, in the project's term model."""

    focus_node: Term
    path: Term | None
    value: Term | None
    severity: Severity
    message: str
    constraint_component: Term
    source_shape: Term
    introduced: bool = False

    def key(self) -> tuple[Term | None, ...]:
        shape = self.source_shape
        return (self.focus_node, self.path, self.value, self.constraint_component, shape)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    results: tuple[ValidationResult, ...]
    report_turtle: str = ""  # the pySHACL report graph, for `--format turtle`

    def count(self, severity: Severity) -> int:
        return sum(1 for result in self.results if result.severity is severity)


def validate(
    root: str | os.PathLike[str] | None = None, new_files: Sequence[str | os.PathLike[str]] = ()
) -> ValidationReport:
    """Validate the graph plus `new_files` against shapes/; results the graph alone does not
    have are marked `introduced`."""
    from sdgkg import delta
    from sdgkg.curation import check_subjects_unique  # curation itself builds on validation
    from sdgkg.index import query_store
    from sdgkg.writes import reading

    data_root = resolve_root(root)
    # The report's cache key and the data read must describe the same files: no add between.
    with reading(data_root):
        shapes = _shapes_graph(data_root)
        key = delta.report_key(data_root, [*graph_files(data_root), *shape_files(data_root)])
        # The graph's own report comes from the cache when it can (one full run per version
        # of the graph and shapes); new files are then checked only where they change a result.
        base = delta.load_cached_report(key) if new_files else None
        graph = load_graph(data_root) if base is None else query_store(data_root)
    check_subjects_unique(graph, data_root)
    if base is None:
        base = _run(_data_graph(_union_ntriples(graph), {}), shapes)
        delta.store_cached_report(key, base)  # so checking new facts next needs no full run
    if not new_files:
        return base
    report = delta.validate_delta(data_root, graph, new_files, shapes, base)
    return report or _full_with_new(data_root, new_files, shapes, base)


def _full_with_new(
    root: Path, new_files: Sequence[str | os.PathLike[str]], shapes: Graph, base: ValidationReport
) -> ValidationReport:
    from sdgkg.writes import reading

    with reading(root):
        store = load_graph(root)
    load_extra(store, new_files, root)
    report = _run(_data_graph(_union_ntriples(store), {}), shapes)
    base_keys = {r.key() for r in base.results}
    results = tuple(replace(r, introduced=r.key() not in base_keys) for r in report.results)
    return ValidationReport(report.conforms, results, report.report_turtle)


def _union_ntriples(store: ox.Store) -> bytes:
    return ox.serialize((quad.triple for quad in store), format=ox.RdfFormat.N_TRIPLES)


def _data_graph(ntriples: bytes, bnodes: dict[str, Any]) -> Graph:
    from rdflib import Graph

    graph = Graph()
    graph.parse(io.BytesIO(ntriples), format="nt", bnode_context=bnodes)
    return graph


def _shapes_graph(root: Path) -> Graph:
    from rdflib import Graph

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


def _run(data: Graph, shapes: Graph) -> ValidationReport:
    """pySHACL's report on `data`; a big graph is checked by several processes at once."""
    from sdgkg import shacl_workers

    count = shacl_workers.worker_count(data)
    if count < 2:
        return _run_shapes(data, shapes)
    shares = shacl_workers.focus_shares(data, shapes, count)

    def check_share(index: int) -> ValidationReport:
        return _run_shapes(data, shacl_workers.with_targets(shapes, shares[index]))

    return _merged(shacl_workers.run_shares(count, check_share))


def _run_shapes(data: Graph, shapes: Graph) -> ValidationReport:
    from pyshacl import validate as shacl_validate

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
    results = tuple(sorted(_results(report), key=_sort_key))
    return ValidationReport(bool(conforms), results, report.serialize(format="turtle"))


def _merged(reports: Sequence[ValidationReport]) -> ValidationReport:
    """One report of runs over shares of the focus nodes: one sh:ValidationReport node."""
    from rdflib import RDF, SH, BNode, Graph, Literal

    graph = Graph()
    for report in reports:
        graph.parse(data=report.report_turtle, format="turtle")
    conforms = all(report.conforms for report in reports)
    merged = BNode()
    for node in list(graph.subjects(RDF.type, SH.ValidationReport)):
        for result in graph.objects(node, SH.result):
            graph.add((merged, SH.result, result))
        graph.remove((node, None, None))
    graph.add((merged, RDF.type, SH.ValidationReport))
    graph.add((merged, SH.conforms, Literal(conforms)))
    results = tuple(sorted((r for report in reports for r in report.results), key=_sort_key))
    return ValidationReport(conforms, results, graph.serialize(format="turtle"))


def _sort_key(result: ValidationResult) -> tuple[str, ...]:
    return tuple(t.n3() if t else "" for t in result.key()) + (result.message,)


def _results(report: Graph) -> Iterable[ValidationResult]:
    from rdflib import URIRef

    # Only top-level results: a failed sh:node also nests its own results as sh:detail.
    for node in report.objects(None, URIRef(SH + "result")):

        def one(name: str, node: Any = node) -> Any:
            return report.value(node, URIRef(SH + name))

        yield ValidationResult(
            focus_node=_term(one("focusNode")),
            path=_term(one("resultPath")) if one("resultPath") is not None else None,
            value=_term(one("value")) if one("value") is not None else None,
            severity=_severity(one("resultSeverity")),
            message=str(one("resultMessage") or ""),
            constraint_component=_term(one("sourceConstraintComponent")),
            source_shape=_term(one("sourceShape")),
        )


def _severity(node: Any) -> Severity:
    local = str(node).removeprefix(SH).lower()
    return Severity(local) if local in {s.value for s in Severity} else Severity.VIOLATION


def _term(node: Any) -> Term:
    from rdflib import BNode, Literal

    if isinstance(node, BNode):
        return Term("bnode", str(node))
    if isinstance(node, Literal):
        datatype = str(node.datatype) if node.datatype else None
        return Term.literal(str(node), datatype, node.language)
    return Term.iri(str(node))


def render_report(report: ValidationReport, fmt: str = "text") -> str:
    """The report as `fmt`: "text", "turtle" or "json" (or a ValidationFormat)."""
    from sdgkg.formats import ValidationFormat, choose

    renderers = {
        ValidationFormat.TEXT: render_text,
        ValidationFormat.TURTLE: render_turtle,
        ValidationFormat.JSON: render_json,
    }
    return renderers[choose(ValidationFormat, fmt)](report)


def render_text(report: ValidationReport) -> str:
    """Plain words: a summary line, then one block per result."""
    if not report.results:
        return "The graph conforms to the shapes: no results.\n"
    verdict = "conforms" if report.conforms else "does NOT conform"
    counts = ", ".join(f"{report.count(s)} {s.value}(s)" for s in Severity)
    blocks = [f"The graph {verdict} to the shapes: {counts}."]
    blocks += [_text_block(result) for result in report.results]
    return "\n\n".join(blocks) + "\n"


def _text_block(result: ValidationResult) -> str:
    mark = " (introduced by the new facts)" if result.introduced else ""
    lines = [f"{result.severity.value.capitalize()}{mark}: {result.message}"]
    lines.append(f"  focus node: {result.focus_node.display()}")
    if result.path:
        lines.append(f"  path:       {result.path.display()}")
    if result.value:
        lines.append(f"  value:      {result.value.display()}")
    shape = result.source_shape.display()
    lines.append(f"  shape:      {shape} ({result.constraint_component.display()})")
    return "\n".join(lines)


def render_json(report: ValidationReport) -> str:
    """A JSON list with one object per result; terms in N-Triples syntax."""
    items = [_json_item(result) for result in report.results]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _json_item(result: ValidationResult) -> dict[str, Any]:
    item = {}
    for field in fields(result):
        value = getattr(result, field.name)
        item[field.name] = value.n3() if isinstance(value, Term) else value
    item["severity"] = result.severity.value
    return item


def render_turtle(report: ValidationReport) -> str:
    """The pySHACL report graph."""
    return report.report_turtle


@contextmanager
def _parsed_sparql_reused() -> Iterator[None]:
    """Parse each SPARQL constraint once per run, not once per focus node.

    pySHACL hands rdflib the constraint's text for every focus node, and rdflib parses it
    each time: 80% of a full run on the project graph. rdflib's prepared queries are meant to
    be run again with other bindings, so a cache keyed by the text gives the same answers.
    """
    from rdflib.plugins.sparql import processor

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
                tree = processor.parseQuery(text)
                prepared[key] = processor.translateQuery(tree, base, initNs or {})
            text = prepared[key]
        return original(self, text, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original  # type: ignore[method-assign]
