"""What a curator needs beside each SHACL result: where, which shapes, the constraint in words,
and a hint, all derived from the shapes graph, the data and the files' text.

- Shapes are named by their IRI, or, for a blank one, by the nearest named shape up the
  `sh:property` / `sh:node` / `sh:or` / `sh:qualifiedValueShape` links and its path.
- Results with the same focus node, path, value and constraint component are one result; the
  node shapes that reached it (e.g. a shared label shape used by two node shapes that both
  target the node) are listed.
- A result the new facts introduced points at the triple in the new file that made it (the
  value's position when the value is the triple's object); any other at its focus node's block
  in the kg/ file that describes it (see `locate` for the limits).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from sdgkg.namespaces import GRAPH_BASE, RDF_TYPE, RDFS
from sdgkg.rdfio.screening import line_of_subject
from sdgkg.rdfio.terms import Term, to_oxigraph
from sdgkg.store.paths import display_path
from sdgkg.validation.hints import Data, describe
from sdgkg.validation.locate import Located, Position, locate_file
from sdgkg.validation.names import sh as _sh
from sdgkg.validation.names import shape_name
from sdgkg.validation.report import ValidationReport, ValidationResult, sort_key


@dataclass
class _Context(Data):
    """Explaining also needs where things are: the data root, the new files located, the
    graph files' text (read once), the blank shapes by name (for cached reports)."""

    root: Path = Path()
    new: list[Located] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    shape_by_name: dict[str, Any] = field(default_factory=dict)


def explain(
    report: ValidationReport,
    shapes: Graph,
    stores: Sequence[ox.Store],
    root: Path,
    new_files: Sequence[Path] = (),
) -> ValidationReport:
    """The report with identical results merged and each result explained and located."""
    new = [locate_file(Path(p), display_path(Path(p), None)) for p in new_files]
    context = _Context(shapes, stores, root, new)
    merged = [_explained(context, group) for group in _groups(report.results)]
    results = tuple(sorted(merged, key=sort_key))
    return ValidationReport(report.conforms, results, report.report_turtle)


def relocated(report: ValidationReport, files: Sequence[Path], root: Path) -> ValidationReport:
    """The report of a copy of the graph with new facts merged in (as `add` and `extract`
    validate), pointed at the real files: each introduced result at the triple of `files`
    that made it, every other at its focus node's block in `root`'s own kg/ file."""
    new = [locate_file(Path(p), display_path(Path(p), None)) for p in files]
    results = []
    for result in report.results:
        place = _in_new_files(result, new) if result.introduced else None
        if place is None and result.file is not None and result.focus_node.kind == "iri":
            try:
                text = (root / result.file).read_text(encoding="utf-8")
            except OSError:
                text = None
            if text is not None:
                place = (result.file, Position(line_of_subject(text, result.focus_node.value), 1))
        if place is not None:
            result = replace(result, file=place[0], line=place[1].line, column=place[1].column)
        results.append(result)
    return ValidationReport(report.conforms, tuple(results), report.report_turtle)


def _groups(results: Iterable[ValidationResult]) -> list[list[ValidationResult]]:
    groups: dict[tuple[Any, ...], list[ValidationResult]] = {}
    for result in sorted(results, key=sort_key):
        key = (result.focus_node, result.path, result.value, result.constraint_component)
        groups.setdefault(key + (result.severity,), []).append(result)
    return list(groups.values())


def _explained(context: _Context, group: list[ValidationResult]) -> ValidationResult:
    first = group[0]
    nodes = list(dict.fromkeys(_shape_node(context, r) for r in group))
    names = list(dict.fromkeys(r.shape_name or r.source_shape.display() for r in group))
    shape = nodes[0]
    reached = _reached_by(context, nodes, first)
    words, hint = describe(context, first, shape)
    file, at = _location(context, first)
    return replace(
        first,
        introduced=any(r.introduced for r in group),
        shape_name=" and ".join(names),
        shapes=tuple(reached),
        constraint=words,
        hint=hint,
        file=file,
        line=at.line if at else None,
        column=at.column if at else None,
    )


def _shape_node(context: _Context, result: ValidationResult) -> Any:
    """The source shape in this shapes graph: by IRI, by blank node id when the result comes
    from a run on this very graph, else by its name (a cached report's blank ids are stale)."""
    shape = result.source_shape
    if shape.kind == "iri":
        return URIRef(shape.value)
    if (BNode(shape.value), None, None) in context.shapes:
        return BNode(shape.value)
    if not context.shape_by_name:
        for node in set(context.shapes.subjects(None, None)):
            if isinstance(node, BNode):
                context.shape_by_name.setdefault(shape_name(context.shapes, node), node)
    return context.shape_by_name.get(result.shape_name)


# --- which node shapes reached a result -----------------------------------------------------


def _reached_by(context: _Context, shapes: list[Any], result: ValidationResult) -> list[str]:
    """The shapes among `shapes` and their parents (sh:property) that target the focus node;
    all the parents when none can be told to (a blank focus node cannot be looked up)."""
    focus = _node(result.focus_node)
    found: list[str] = []
    for shape in shapes:
        if shape is None:
            continue
        if focus is not None and _targets(context, shape, focus):
            found.append(shape_name(context.shapes, shape))
        parents = [p for p in context.shapes.subjects(_sh("property"), shape) if p != shape]
        applying = [p for p in parents if focus is not None and _targets(context, p, focus)]
        found += [shape_name(context.shapes, p) for p in applying or parents]
    return list(dict.fromkeys(found))


def _targets(context: _Context, shape: Any, focus: Any) -> bool:
    """Whether `shape` targets `focus` (by its sh:target* or as a class)."""
    shapes = context.shapes
    if focus in {to_oxigraph_node(n) for n in shapes.objects(shape, _sh("targetNode"))}:
        return True
    classes = {str(c) for c in shapes.objects(shape, _sh("targetClass"))}
    if (shape, URIRef(RDF_TYPE), URIRef(RDFS + "Class")) in shapes:
        classes.add(str(shape))
    if classes and classes & context.classes(focus):
        return True
    for predicate in shapes.objects(shape, _sh("targetSubjectsOf")):
        if context.objects(focus, str(predicate)):
            return True
    for predicate in shapes.objects(shape, _sh("targetObjectsOf")):
        if not isinstance(focus, ox.Literal) and context.subjects(str(predicate), focus):
            return True
    return False


def to_oxigraph_node(node: Any) -> Any:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, Literal):
        datatype = ox.NamedNode(str(node.datatype)) if node.datatype else None
        return ox.Literal(str(node), datatype=datatype, language=node.language)
    return None


# --- where ------------------------------------------------------------------------------------


def _location(context: _Context, result: ValidationResult) -> tuple[str | None, Position | None]:
    if result.introduced:
        found = _in_new_files(result, context.new)
        if found is not None:
            return found
    return _in_graph(context, result)


def _in_new_files(
    result: ValidationResult, located: Sequence[Located]
) -> tuple[str, Position] | None:
    """The triple of the new files that made the result: (focus, path, value), else the focus
    node's triples on its path, else its block, else a triple pointing at it."""
    focus = _node(result.focus_node)
    if focus is None:
        return None  # a blank node: the files' blank nodes cannot be matched to pySHACL's
    path = _node(result.path) if result.path is not None else None
    value = _node(result.value) if result.value is not None else None
    for file in located:
        if focus is not None and path is not None and value is not None:
            at = file.of_triple(ox.Triple(focus, path, value), at_object=True)
            if at is not None:
                return file.path, at
            if not isinstance(value, ox.Literal):  # an inverse path: (value, p, focus)
                at = file.of_triple(ox.Triple(value, path, focus))
                if at is not None:
                    return file.path, at
    for file in located:
        if focus is not None and path is not None:
            first = min((at for _, (at, _) in file.matching(focus, path, None)), default=None)
            if first is not None:
                return file.path, first
            first = min((at for _, (at, _) in file.matching(None, path, focus)), default=None)
            if first is not None:
                return file.path, first
    for file in located:
        if focus in file.subjects:
            return file.path, file.subjects[focus]
    for file in located:
        first = min((at for _, (at, _) in file.matching(None, None, focus)), default=None)
        if first is not None:
            return file.path, first
    return None


def _node(term: Term) -> Any:
    """The term as the store has it; None for a blank node (pySHACL names them its own way)
    or a triple term."""
    if term.kind in ("bnode", "triple"):
        return None
    return to_oxigraph(term)


def _in_graph(context: _Context, result: ValidationResult) -> tuple[str | None, Position | None]:
    """The kg/ (or ontology/) file describing the focus node, and the line of its block."""
    focus = _node(result.focus_node)
    if not isinstance(focus, ox.NamedNode):
        return None, None
    for store in context.stores:
        for quad in store.quads_for_pattern(focus, None, None):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(GRAPH_BASE):
                name = unquote(graph.value.removeprefix(GRAPH_BASE))
                if name.startswith("extra/"):
                    continue
                text = _text(context, name)
                if text is None:
                    continue
                return name, Position(line_of_subject(text, focus.value), 1)
    return None, None


def _text(context: _Context, name: str) -> str | None:
    if name not in context.texts:
        try:
            context.texts[name] = (context.root / name).read_text(encoding="utf-8")
        except OSError:
            return None
    return context.texts[name]
