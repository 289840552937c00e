"""The constraint of a SHACL result in words, with the numbers ("needs 3, found 1"), and a
hint wherever the shapes make one derivable: the missing languages of a label, the closest
known IRIs of the class for a link to an IRI the graph does not know, the values of an
`sh:in`, the datatype or pattern expected, the predicates a closed shape allows, and for the
evidence rules the `sdgkg add` form that carries the evidence."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.collection import Collection

from sdgkg.namespaces import RDF, RDF_TYPE, RDFS, SH, compact
from sdgkg.rdfio.screening import is_well_typed
from sdgkg.rdfio.terms import Term, to_oxigraph
from sdgkg.validation.names import path_text, shape_name
from sdgkg.validation.names import sh as _sh
from sdgkg.validation.names import show as _show
from sdgkg.validation.report import ValidationResult, path_display


@dataclass
class Data:
    """The shapes, and the data the results are about (the graph and the new facts)."""

    shapes: Graph
    stores: Sequence[ox.Store]

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


def describe(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    component = result.constraint_component.value.removeprefix(SH)
    component = component.removesuffix("ConstraintComponent")
    describe = _DESCRIBERS.get(component)
    if describe is None or shape is None:
        return "", ""
    return describe(context, result, shape)


def _value(shapes: Graph, shape: Any, name: str) -> Any:
    return shapes.value(shape, _sh(name))


def _values_of(context: Data, result: ValidationResult, shape: Any) -> list[Any] | None:
    """The values of the shape's path at the focus node (forward or inverse paths); None when
    they cannot be read: a blank focus node (pySHACL and the store name blank nodes apart) or
    a longer path."""
    if result.focus_node.kind != "iri":
        return None
    path = _value(context.shapes, shape, "path")
    focus = to_oxigraph(result.focus_node)
    if isinstance(path, URIRef):
        return context.objects(focus, str(path))
    inverse = context.shapes.value(path, _sh("inversePath")) if path is not None else None
    if isinstance(inverse, URIRef):
        return context.subjects(str(inverse), focus)
    return None


def _found(values: list[Any] | None) -> str:
    return "" if values is None else f", found {len(values)}"


def _count_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    low, high = _value(context.shapes, shape, "minCount"), _value(context.shapes, shape, "maxCount")
    values = _values_of(context, result, shape)
    if low is not None and high is not None and int(low) == int(high):
        words = f"needs {int(low)}{_found(values)}"
    elif result.constraint_component.value.endswith("MinCountConstraintComponent"):
        words = f"needs at least {int(low)}{_found(values)}"
    else:
        words = f"allows at most {int(high)}{_found(values)}"
    return words, _language_hint(context, result, shape, values or [])


def _language_hint(context: Data, result: ValidationResult, shape: Any, values: list[Any]) -> str:
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


def _count_lang(values: list[Any], lang: str) -> int:
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


def _class_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    classes = [str(c) for c in context.shapes.objects(shape, _sh("class"))]
    return _needs_classes(context, result, classes)


def _needs_classes(context: Data, result: ValidationResult, classes: list[str]) -> tuple[str, str]:
    wanted = _or([compact(c) for c in classes])
    if result.value is None or result.value.kind != "iri":
        return f"needs an instance of {wanted}", ""
    value = to_oxigraph(result.value)
    shown = result.value.display()
    if not context.described(value):
        hint = _unknown_hint(context, result.value.value, classes)
        return f"needs an instance of {wanted}; the graph does not describe {shown}", hint
    types = sorted(compact(t) for t in context.classes(value))
    found = f"{shown} is a {_and(types)}" if types else f"{shown} has no rdf:type"
    return f"needs an instance of {wanted}; {found}", ""


def _unknown_hint(context: Data, iri: str, classes: list[str]) -> str:
    """For a link to an IRI the graph does not know: the closest known IRIs of the classes
    wanted, else the first few of them."""
    names = sorted({compact(i) for c in classes for i in context.instances(c)})
    close = difflib.get_close_matches(compact(iri), names, n=3, cutoff=0.6)
    if close:
        return f"did you mean {_or(close)}?"
    if not names:
        return f"the graph has no {_or([compact(c) for c in classes])} yet"
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return f"the graph's {_or([compact(c) for c in classes])}: {', '.join(names[:5])}{more}"


def _node_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
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


def _or_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
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
            hint = _unknown_hint(context, result.value.value, classes)
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


def _datatype_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
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


def _in_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    allowed = [_show(v) for v in Collection(context.shapes, _value(context.shapes, shape, "in"))]
    return f"needs one of {len(allowed)} values", f"use one of {_or(allowed)}"


def _pattern_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    pattern = str(_value(context.shapes, shape, "pattern"))
    shown = result.value.display() if result.value else "the value"
    return f"needs text matching {pattern}", f"{shown} does not match {pattern}"


def _language_in_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    tags = _languages(context.shapes, shape)
    found = result.value.language if result.value and result.value.language else None
    words = f"needs a language tag in {_or(tags)}, found {'@' + found if found else 'none'}"
    if result.value is not None and result.value.kind == "literal":
        return words, "write it as " + _or([f'"{result.value.value}"@{t}' for t in tags])
    return words, ""


def _unique_lang_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    values = _values_of(context, result, shape) or []
    doubled = sorted(
        {v.language for v in values if isinstance(v, ox.Literal) and v.language}
        - {lang for lang in _present_once(values)}
    )
    return "needs one value per language", (
        f"keep one {path_display(result.path) if result.path else 'value'} in {_and(doubled)}"
        if doubled
        else ""
    )


def _present_once(values: list[Any]) -> set[str]:
    tags = [v.language for v in values if isinstance(v, ox.Literal) and v.language]
    return {tag for tag in tags if tags.count(tag) == 1}


def _range_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
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


def _length_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    low = _value(context.shapes, shape, "minLength")
    high = _value(context.shapes, shape, "maxLength")
    length = len(result.value.value) if result.value else 0
    if low is not None and length < int(low):
        return f"needs at least {_many(int(low), 'character')}, found {length}", ""
    return f"allows at most {_many(int(high), 'character')}, found {length}", ""


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _node_kind_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    kind = _show(_value(context.shapes, shape, "nodeKind")).removeprefix("sh:")
    names = {"IRI": "an IRI", "Literal": "a literal", "BlankNode": "a blank node"}
    found = {"iri": "an IRI", "literal": "a literal", "bnode": "a blank node"}
    value = found.get(result.value.kind, "a term") if result.value else "none"
    wanted = names.get(kind, kind)
    hint = "write the IRI, not a string" if kind == "IRI" and value == "a literal" else ""
    return f"needs {wanted}, found {value}", hint


def _closed_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
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


def _qualified_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
    inner = _value(context.shapes, shape, "qualifiedValueShape")
    classes = _alternative_classes(context.shapes, inner)
    low = _value(context.shapes, shape, "qualifiedMinCount")
    high = _value(context.shapes, shape, "qualifiedMaxCount")
    values = _values_of(context, result, shape)
    counted = None if values is None else [v for v in values if set(classes) & context.classes(v)]
    what = f"{_or([compact(c) for c in classes])} values" if classes else "such values"
    if low is not None and high is not None and int(low) == int(high):
        return f"needs {int(low)} {what}{_found(counted)}", ""
    if result.constraint_component.value.endswith("QualifiedMinCountConstraintComponent"):
        return f"needs at least {int(low)} {what}{_found(counted)}", ""
    return f"allows at most {int(high)} {what}{_found(counted)}", ""


def _sparql_words(context: Data, result: ValidationResult, shape: Any) -> tuple[str, str]:
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
