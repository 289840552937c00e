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

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from sdgkg.namespaces import GRAPH_BASE, RDF, RDF_TYPE, RDFS, SH, compact
from sdgkg.rdfio.screening import is_well_typed, line_of_subject
from sdgkg.rdfio.terms import Term, to_oxigraph
from sdgkg.store.paths import display_path
from sdgkg.validation.locate import Located, Position, locate_file
from sdgkg.validation.names import path_text, shape_name
from sdgkg.validation.names import sh as _sh
from sdgkg.validation.names import show as _show
from sdgkg.validation.report import ValidationReport, ValidationResult, path_display, sort_key


@dataclass
class _Context:
    """What explaining needs: the shapes, the data (graph and new facts), the files' text."""

    shapes: Graph
    stores: Sequence[ox.Store]
    root: Path
    new: list[Located]
    texts: dict[str, str] = field(default_factory=dict)
    shape_by_name: dict[str, Any] = field(default_factory=dict)

    def objects(self, node: Any, predicate: str) -> list[Any]:
        found = []
        for store in self.stores:
            found += [
                q.object for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None)
            ]
        return list(dict.fromkeys(found))

    def subjects(self, predicate: str, obj: Any) -> list[Any]:
        found = []
        for store in self.stores:
            found += [
                q.subject for q in store.quads_for_pattern(None, ox.NamedNode(predicate), obj)
            ]
        return list(dict.fromkeys(found))

    def described(self, node: Any) -> bool:
        return any(next(store.quads_for_pattern(node, None, None), None) for store in self.stores)

    def classes(self, node: Any) -> set[str]:
        """The node's types and their superclasses (rdfs:subClassOf in the data)."""
        found: set[str] = set()
        todo = [t for t in self.objects(node, RDF_TYPE) if isinstance(t, ox.NamedNode)]
        while todo:
            current = todo.pop()
            if current.value not in found:
                found.add(current.value)
                todo += [
                    t
                    for t in self.objects(current, RDFS + "subClassOf")
                    if isinstance(t, ox.NamedNode)
                ]
        return found

    def instances(self, cls: str) -> list[str]:
        found = {s.value for s in self.subjects(RDF_TYPE, ox.NamedNode(cls))}
        for sub in self.subjects(RDFS + "subClassOf", ox.NamedNode(cls)):
            if isinstance(sub, ox.NamedNode) and sub.value != cls:
                found |= {s.value for s in self.subjects(RDF_TYPE, sub)}
        return sorted(found)


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
    words, hint = _describe(context, first, shape)
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
    focus = to_oxigraph(result.focus_node)
    found: list[str] = []
    for shape in shapes:
        if shape is None:
            continue
        if _targets(context, shape, focus):
            found.append(shape_name(context.shapes, shape))
        parents = [p for p in context.shapes.subjects(_sh("property"), shape) if p != shape]
        applying = [p for p in parents if _targets(context, p, focus)]
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


# --- the constraint in words, and a hint ----------------------------------------------------


def _describe(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    component = result.constraint_component.value.removeprefix(SH)
    component = component.removesuffix("ConstraintComponent")
    describe = _DESCRIBERS.get(component)
    if describe is None or shape is None:
        return "", ""
    return describe(context, result, shape)


def _value(shapes: Graph, shape: Any, name: str) -> Any:
    return shapes.value(shape, _sh(name))


def _count_values(context: _Context, result: ValidationResult) -> list[Any]:
    focus = to_oxigraph(result.focus_node)
    if result.path is None or result.path.kind != "iri":
        return []
    return context.objects(focus, result.path.value)


def _values_of(context: _Context, result: ValidationResult, shape: Any) -> list[Any]:
    """The values of the shape's path at the focus node (forward or inverse paths)."""
    path = _value(context.shapes, shape, "path")
    focus = to_oxigraph(result.focus_node)
    if isinstance(path, URIRef):
        return context.objects(focus, str(path))
    inverse = context.shapes.value(path, _sh("inversePath")) if path is not None else None
    if isinstance(inverse, URIRef) and not isinstance(focus, ox.Literal):
        return context.subjects(str(inverse), focus)
    return _count_values(context, result)


def _count_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    low, high = _value(context.shapes, shape, "minCount"), _value(context.shapes, shape, "maxCount")
    values = _values_of(context, result, shape)
    if low is not None and high is not None and int(low) == int(high):
        words = f"needs {int(low)}, found {len(values)}"
    elif result.constraint_component.value.endswith("MinCountConstraintComponent"):
        words = f"needs at least {int(low)}, found {len(values)}"
    else:
        words = f"allows at most {int(high)}, found {len(values)}"
    return words, _language_hint(context, result, shape, values)


def _language_hint(context: _Context, result: ValidationResult, shape: Any, values: list) -> str:
    languages = _languages(context.shapes, shape)
    if not languages:
        return ""
    present = {v.language for v in values if isinstance(v, ox.Literal) and v.language}
    missing = [lang for lang in languages if lang not in present]
    path = path_display(result.path) if result.path else "the value"
    if missing and result.constraint_component.value.endswith("MinCountConstraintComponent"):
        return f"add {path} in {_and(missing)} (present: {_and(sorted(present)) or 'none'})"
    doubled = sorted({lang for lang in present if _count_lang(values, lang) > 1})
    if doubled:
        return f"keep one {path} per language; {_and(doubled)} has more than one"
    return ""


def _count_lang(values: list, lang: str) -> int:
    return sum(1 for v in values if isinstance(v, ox.Literal) and v.language == lang)


def _languages(shapes: Graph, shape: Any) -> list[str]:
    found = _value(shapes, shape, "languageIn")
    return [str(item) for item in Collection(shapes, found)] if found is not None else []


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _or(items: Sequence[str]) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else "".join(items)


def _class_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    classes = [str(c) for c in context.shapes.objects(shape, _sh("class"))]
    return _needs_classes(context, result, classes)


def _needs_classes(
    context: _Context, result: ValidationResult, classes: list[str]
) -> tuple[str, str]:
    wanted = _or([compact(c) for c in classes])
    if result.value is None or result.value.kind != "iri":
        return f"needs an instance of {wanted}", ""
    value = to_oxigraph(result.value)
    shown = result.value.display()
    if not context.described(value):
        close = _closest(context, result.value.value, classes)
        hint = f"did you mean {_or(close)}?" if close else ""
        return f"needs an instance of {wanted}; the graph does not describe {shown}", hint
    types = sorted(compact(t) for t in context.classes(value))
    found = f"{shown} is a {_and(types)}" if types else f"{shown} has no rdf:type"
    return f"needs an instance of {wanted}; {found}", ""


def _closest(context: _Context, iri: str, classes: list[str]) -> list[str]:
    known = sorted({i for c in classes for i in context.instances(c)})
    names = {compact(i): i for i in known}
    close = difflib.get_close_matches(compact(iri), list(names), n=3, cutoff=0.6)
    return close or list(names)[:3]


def _node_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    target = _value(context.shapes, shape, "node")
    classes = _alternative_classes(context.shapes, target)
    name = shape_name(context.shapes, target) if target is not None else "a shape"
    if classes:
        words, hint = _needs_classes(context, result, classes)
        return words.replace("needs an instance of", f"needs {name}: an instance of", 1), hint
    return f"needs a value that conforms to {name}", ""


def _alternative_classes(shapes: Graph, shape: Any) -> list[str]:
    """The classes a shape accepts when it is `sh:class C` or `sh:or` of such shapes."""
    if shape is None:
        return []
    found = [str(c) for c in shapes.objects(shape, _sh("class"))]
    for alternatives in shapes.objects(shape, _sh("or")):
        for member in Collection(shapes, alternatives):
            found += _alternative_classes(shapes, member)
    return found


def _or_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    parts, classes = [], []
    for alternatives in context.shapes.objects(shape, _sh("or")):
        for member in Collection(context.shapes, alternatives):
            own = _alternative_classes(context.shapes, member)
            datatypes = [_show(d) for d in context.shapes.objects(member, _sh("datatype"))]
            classes += own
            if isinstance(member, URIRef) and own:
                parts.append(f"{compact(str(member))} ({_or([compact(c) for c in own])})")
            elif isinstance(member, URIRef):
                parts.append(f"a value that conforms to {compact(str(member))}")
            elif own:
                parts.append(f"an instance of {_or([compact(c) for c in own])}")
            elif datatypes:
                parts.append(f"a {_or(datatypes)} value")
    words = f"needs {_or(parts)}" if parts else "needs one of the alternatives (sh:or)"
    hint = ""
    if classes and result.value is not None and result.value.kind == "iri":
        value = to_oxigraph(result.value)
        types = sorted(compact(t) for t in context.classes(value))
        if types:
            words += f"; {result.value.display()} is a {_and(types)}"
        if not context.described(value):
            close = _closest(context, result.value.value, classes)
            hint = f"did you mean {_or(close)}?" if close else ""
    elif result.value is not None and result.value.kind == "literal":
        datatypes = [str(d) for m in _members(context.shapes, shape) for d in m]
        hint = _datatype_hint(result.value, datatypes)
    return words, hint


def _members(shapes: Graph, shape: Any) -> list[list[Any]]:
    return [
        list(shapes.objects(member, _sh("datatype")))
        for alternatives in shapes.objects(shape, _sh("or"))
        for member in Collection(shapes, alternatives)
    ]


def _datatype_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    datatype = str(_value(context.shapes, shape, "datatype"))
    value = result.value
    found = compact(value.datatype) if value and value.datatype else "a resource"
    if value is not None and value.kind == "literal" and value.language:
        found = f"a string tagged @{value.language}"
    words = f"needs a value of datatype {compact(datatype)}, found {found}"
    hint = _datatype_hint(value, [datatype]) if value is not None else ""
    if datatype == RDF + "langString" and value is not None and value.kind == "literal":
        tags = _languages(context.shapes, shape) or ["kk", "en", "ru"]
        hint = "tag it with its language: " + _or([f'"{value.value}"@{t}' for t in tags])
    return words, hint


def _datatype_hint(value: Term | None, datatypes: list[str]) -> str:
    if value is None or value.kind != "literal":
        return ""
    for datatype in datatypes:
        typed = ox.Literal(value.value, datatype=ox.NamedNode(datatype))
        if datatype != RDF + "langString" and is_well_typed(typed):
            return f'write it as "{value.value}"^^{compact(datatype)}'
    return f"expected {_or([compact(d) for d in datatypes])}"


def _in_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    allowed = [_show(v) for v in Collection(context.shapes, _value(context.shapes, shape, "in"))]
    return f"needs one of {len(allowed)} values", f"use one of {_or(allowed)}"


def _pattern_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    pattern = str(_value(context.shapes, shape, "pattern"))
    shown = result.value.display() if result.value else "the value"
    return f"needs text matching {pattern}", f"{shown} does not match {pattern}"


def _language_in_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    tags = _languages(context.shapes, shape)
    found = result.value.language if result.value and result.value.language else None
    words = f"needs a language tag in {_or(tags)}, found {'@' + found if found else 'none'}"
    if result.value is not None and result.value.kind == "literal":
        return words, "write it as " + _or([f'"{result.value.value}"@{t}' for t in tags])
    return words, ""


def _unique_lang_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    values = _values_of(context, result, shape)
    doubled = sorted(
        {v.language for v in values if isinstance(v, ox.Literal) and v.language}
        - {lang for lang in _present_once(values)}
    )
    return "needs one value per language", (
        f"keep one {path_display(result.path) if result.path else 'value'} in {_and(doubled)}"
        if doubled
        else ""
    )


def _present_once(values: list) -> set[str]:
    return {
        v.language
        for v in values
        if isinstance(v, ox.Literal) and _count_lang(values, v.language) == 1
    }


def _range_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    component = result.constraint_component.value.removeprefix(SH)
    name, sign = {
        "MinInclusiveConstraintComponent": ("minInclusive", ">="),
        "MaxInclusiveConstraintComponent": ("maxInclusive", "<="),
        "MinExclusiveConstraintComponent": ("minExclusive", ">"),
        "MaxExclusiveConstraintComponent": ("maxExclusive", "<"),
    }[component]
    bound = _value(context.shapes, shape, name)
    found = result.value.display() if result.value else "none"
    return f"needs a value {sign} {bound}, found {found}", ""


def _length_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    low = _value(context.shapes, shape, "minLength")
    high = _value(context.shapes, shape, "maxLength")
    length = len(result.value.value) if result.value else 0
    if low is not None and length < int(low):
        return f"needs at least {_many(int(low), 'character')}, found {length}", ""
    return f"allows at most {_many(int(high), 'character')}, found {length}", ""


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _node_kind_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    kind = _show(_value(context.shapes, shape, "nodeKind")).removeprefix("sh:")
    names = {"IRI": "an IRI", "Literal": "a literal", "BlankNode": "a blank node"}
    found = {"iri": "an IRI", "literal": "a literal", "bnode": "a blank node"}
    value = found.get(result.value.kind, "a term") if result.value else "none"
    wanted = names.get(kind, kind)
    hint = "write the IRI, not a string" if kind == "IRI" and value == "a literal" else ""
    return f"needs {wanted}, found {value}", hint


def _closed_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    allowed = sorted(
        {
            path_text(context.shapes, context.shapes.value(p, _sh("path")))
            for p in context.shapes.objects(shape, _sh("property"))
            if isinstance(context.shapes.value(p, _sh("path")), URIRef)
        }
    )
    ignored = _value(context.shapes, shape, "ignoredProperties")
    if ignored is not None:
        allowed += [_show(i) for i in Collection(context.shapes, ignored)]
    allowed = sorted(set(allowed))
    path = path_display(result.path) if result.path else "the predicate"
    words = f"the shape is closed: {path} is not one of its {len(allowed)} predicates"
    close = difflib.get_close_matches(path, allowed, n=3, cutoff=0.8)
    if close:
        return words, f"did you mean {_or(close)}?"
    return words, f"use one of {_and(allowed)}, or move the fact to another node"


def _qualified_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    inner = _value(context.shapes, shape, "qualifiedValueShape")
    classes = _alternative_classes(context.shapes, inner)
    low = _value(context.shapes, shape, "qualifiedMinCount")
    high = _value(context.shapes, shape, "qualifiedMaxCount")
    values = _values_of(context, result, shape)
    count = sum(1 for v in values if set(classes) & context.classes(v))
    what = f"{_or([compact(c) for c in classes])} values" if classes else "such values"
    if low is not None and high is not None and int(low) == int(high):
        return f"needs {int(low)} {what}, found {count}", ""
    if low is not None and count < int(low):
        return f"needs at least {int(low)} {what}, found {count}", ""
    return f"allows at most {int(high)} {what}, found {count}", ""


def _sparql_words(context: _Context, result: ValidationResult, shape: Any) -> tuple[str, str]:
    """The evidence rule (a SPARQL constraint that looks for a reified, derived fact): the
    `sdgkg add` form that would carry the evidence."""
    for constraint in context.shapes.objects(shape, _sh("sparql")):
        select = str(context.shapes.value(constraint, _sh("select")) or "")
        message = str(context.shapes.value(constraint, _sh("message")) or "")
        if "wasDerivedFrom" not in select or "rdf:subject" not in select:
            continue
        if not result.message.startswith(message.split("{", 1)[0]):
            continue
        if result.path is None or result.value is None:
            return "", ""
        return "", _evidence_form(result)
    return "", ""


def _evidence_form(result: ValidationResult) -> str:
    subject, predicate, obj = result.focus_node, result.path, result.value
    assert predicate is not None and obj is not None
    locals_ = [_local(t) for t in (subject, predicate, obj)]
    fact = "kg:fact-" + "-".join(part for part in locals_ if part)
    return (
        "add the evidence with `sdgkg add FILE.ttl`, FILE.ttl holding (a passage or source "
        f"in place of kg:PASSAGE):\n{fact} a rdf:Statement ;\n"
        f"    rdf:subject {subject.display()} ;\n    rdf:predicate {predicate.display()} ;\n"
        f"    rdf:object {obj.display()} ;\n    prov:wasDerivedFrom kg:PASSAGE ."
    )


def _local(term: Term) -> str:
    if term.kind != "iri":
        return re.sub(r"[^A-Za-z0-9]+", "-", term.value).strip("-")[:30].lower()
    return re.split(r"[/#]", term.value)[-1]


_DESCRIBERS = {
    "MinCount": _count_words,
    "MaxCount": _count_words,
    "Class": _class_words,
    "Node": _node_words,
    "Or": _or_words,
    "Datatype": _datatype_words,
    "In": _in_words,
    "Pattern": _pattern_words,
    "LanguageIn": _language_in_words,
    "UniqueLang": _unique_lang_words,
    "MinInclusive": _range_words,
    "MaxInclusive": _range_words,
    "MinExclusive": _range_words,
    "MaxExclusive": _range_words,
    "MinLength": _length_words,
    "MaxLength": _length_words,
    "NodeKind": _node_kind_words,
    "Closed": _closed_words,
    "QualifiedMinCount": _qualified_words,
    "QualifiedMaxCount": _qualified_words,
    "SPARQL": _sparql_words,
}


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
    if term.kind == "bnode":
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
