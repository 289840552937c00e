"""Compact JSON-LD written straight from sorted triples with the project's own context.

rdflib's JSON-LD writer needed the triples parsed into an rdflib Graph first and then had its
hash-ordered output sorted again: minutes for a million triples. This writer groups the
triples by subject in one pass and uses the context's term definitions the way JSON-LD
compaction does for the three kinds it has (`@container: @language`, `@type: @id` and a
datatype `@type`); a value a term cannot hold is written under the property's compact IRI in
expanded form, which is still valid compact JSON-LD and reads back as the same triple.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from sdgkg.namespaces import compact

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def write_jsonld(triples: Iterable[ox.Triple], context: dict[str, Any]) -> bytes:
    """A `{"@context", "@graph"}` document of `triples`, in stable bytes: nodes sorted by id,
    keys and values sorted, one node per line (json's C encoder only runs without indent)."""
    terms = _terms(context)
    by_subject: dict[Any, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for t in triples:
        by_subject[t.subject][t.predicate.value].add(t.object)
    nodes = [_node(s, predicates, terms) for s, predicates in by_subject.items()]
    nodes = [dict(sorted(node.items())) for node in sorted(nodes, key=lambda node: node["id"])]
    head = json.dumps(context, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    if len(nodes) == 1:  # one node is written inline, as JSON-LD compaction does
        body = json.dumps(nodes[0], indent=2, ensure_ascii=False)[1:].lstrip("\n")
        return f'{{\n  "@context": {head},\n  {body}\n'.encode()
    lines = ",\n    ".join(json.dumps(node, ensure_ascii=False) for node in nodes)
    return f'{{\n  "@context": {head},\n  "@graph": [\n    {lines}\n  ]\n}}\n'.encode()


def _terms(context: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Property IRI -> (term, definition) for the context's expanded term definitions."""
    found = {}
    for term, definition in context.items():
        if isinstance(definition, dict) and "@id" in definition:
            kind = definition.get("@type")
            if kind and kind != "@id":  # a datatype: compare it expanded
                definition = {**definition, "@type": _expand(kind, context)}
            found[_expand(definition["@id"], context)] = (term, definition)
    return found


def _expand(name: str, context: dict[str, Any]) -> str:
    prefix, colon, local = name.partition(":")
    namespace = context.get(prefix)
    return namespace + local if colon and isinstance(namespace, str) else name


def _node(subject: Any, predicates: dict[str, set[Any]], terms: dict) -> dict[str, Any]:
    node: dict[str, Any] = {"id": _id(subject)}
    for predicate, found in predicates.items():
        objects = list(found)
        if predicate == RDF_TYPE and all(isinstance(o, ox.NamedNode) for o in objects):
            _put(node, "type", [_iri(o.value) for o in objects])
            continue
        term = terms.get(predicate)
        placed = _by_term(term, objects) if term else None
        if placed is not None:
            _put(node, term[0], placed)
        else:
            _put(node, _iri(predicate), [_expanded(o) for o in objects])
    return node


def _by_term(term: tuple[str, dict[str, Any]], objects: list[Any]) -> Any:
    """The values as the term definition holds them, or None if one does not fit."""
    _, definition = term
    if definition.get("@container") == "@language":
        if not all(isinstance(o, ox.Literal) and o.language for o in objects):
            return None
        languages: dict[str, list[str]] = {}
        for o in objects:
            languages.setdefault(o.language, []).append(o.value)
        return {k: v[0] if len(v) == 1 else sorted(v) for k, v in sorted(languages.items())}
    kind = definition.get("@type")
    if kind == "@id" and all(isinstance(o, ox.NamedNode | ox.BlankNode) for o in objects):
        return [_id(o) for o in objects]
    typed = all(isinstance(o, ox.Literal) and o.datatype.value == kind for o in objects)
    if kind and kind != "@id" and typed:
        return [o.value for o in objects]
    return None


def _put(node: dict[str, Any], key: str, values: Any) -> None:
    if isinstance(values, dict):
        node[key] = values
        return
    values = sorted(values, key=lambda v: (isinstance(v, dict), str(v)))
    node[key] = values[0] if len(values) == 1 else values


def _expanded(obj: Any) -> Any:
    if isinstance(obj, ox.NamedNode | ox.BlankNode):
        return {"id": _id(obj)}
    if obj.language:
        return {"@language": obj.language, "@value": obj.value}
    if obj.datatype.value == XSD_STRING:
        return obj.value
    return {"@type": _iri(obj.datatype.value), "@value": obj.value}


def _id(node: Any) -> str:
    return f"_:{node.value}" if isinstance(node, ox.BlankNode) else _iri(node.value)


@lru_cache(maxsize=65536)
def _iri(iri: str) -> str:
    written = compact(iri)
    return written[1:-1] if written.startswith("<") else written
