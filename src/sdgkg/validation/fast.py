"""`validate` without pySHACL where the native checker can decide: when the graph conforms.

A large generated graph (the output of `extract` on a long article) costs pySHACL half a minute
and the native checker (`native`) about a second. The native checker only ever decides that
a graph conforms: when it finds a violation, or meets what it does not implement, the caller
runs pySHACL, whose report (explained and located) is what a curator reads.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from sdgkg.rdfio.terms import Term, from_oxigraph
from sdgkg.store.graph import graph_iri, load_graph
from sdgkg.store.paths import shape_files
from sdgkg.store.writes import reading
from sdgkg.validation import native
from sdgkg.validation.graphrules import check_subjects_unique
from sdgkg.validation.report import (
    Severity,
    ValidationReport,
    ValidationResult,
    severity_of,
    sort_key,
)


def conforming_report(root: Path) -> ValidationReport | None:
    """The report on `root`'s graph if the native checker finds no violation in it (warnings
    and notes may remain, as pySHACL allows them); None when pySHACL must decide."""
    with reading(root):
        store = load_graph(root)
    # An ill-typed literal that a shape constrains is a violation here, and pySHACL, run for
    # the report, refuses it first (`graphrules`); one that no shape reads stops nothing here.
    check_subjects_unique(store, root)
    try:
        shapes = [q for path in shape_files(root) for q in _parse_shapes(root, path)]
        findings = native.check(store, shapes)
    except (native.Unsupported, SyntaxError, OSError):
        return None  # pySHACL reads the shapes again and names what it cannot read
    if any(severity_of(f.severity.value) is Severity.VIOLATION for f in findings):
        return None
    results = tuple(sorted((as_result(f) for f in findings), key=sort_key))
    return ValidationReport(True, results)


def _parse_shapes(root: Path, path: Path) -> list[ox.Quad]:
    # Relative IRIs resolve as in `shacl.shapes_graph`: against the file's graph IRI.
    with path.open("rb") as handle:
        return list(ox.parse(handle, format=ox.RdfFormat.TURTLE, base_iri=graph_iri(root, path)))


def as_result(finding: native.Finding) -> ValidationResult:
    """A finding in the report's terms (a path longer than one predicate as its SPARQL text,
    in a blank-node term, as pySHACL's reports are read)."""
    path = finding.path
    if path is not None and path.predicate is not None:
        path_term: Term | None = Term.iri(native.text(path.predicate))
    else:
        path_term = None if path is None else Term("bnode", path.text())
    shape = from_oxigraph(finding.shape)
    return ValidationResult(
        focus_node=from_oxigraph(finding.focus),
        path=path_term,
        value=_optional(finding.value),
        severity=severity_of(finding.severity.value),
        message=finding.message,
        constraint_component=from_oxigraph(finding.component),
        source_shape=shape,
        shape_name=shape.display() if shape.kind == "iri" else "",
    )


def _optional(term: object) -> Term | None:
    return None if term is None else from_oxigraph(term)
