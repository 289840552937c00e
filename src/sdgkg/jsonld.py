"""Compact JSON-LD written straight from sorted triples with the project's own context.

rdflib's JSON-LD writer needed the triples parsed into an rdflib Graph first and then had its
hash-ordered output sorted again: minutes for a million triples. This writer groups the
triples by subject in one pass and uses the context's term definitions the way JSON-LD
compaction does for the three kinds it has (`@container: @language`, `@type: @id` and a
datatype `@type`); a value a term cannot hold is written under the property's compact IRI in
expanded form, which is still valid compact JSON-LD and reads back as the same triple.
This is the reference writer; export's fast path (`sdgkg.jsonld_lines`) writes the same bytes
as text, without a dict per node.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from sdgkg.namespaces import compact

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# One N-Triples string escape, matched left to right.
_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def write_jsonld(triples: Iterable[ox.Triple], context: dict[str, Any]) -> bytes:
    """A `{"@context", "@graph"}` document of `triples`, in stable bytes: nodes sorted by id,
    keys and values sorted, one node per line (json's C encoder only runs without indent)."""
    grouped: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for t in triples:
        grouped[str(t.subject)][t.predicate.value].add(str(t.object))
    return render_jsonld(grouped, context)


def render_jsonld(grouped: dict[str, dict[str, set[str]]], context: dict[str, Any]) -> bytes:
    """The document of triples grouped as N-Triples terms: subject -> predicate IRI -> objects
    (terms are handled as their N-Triples text, which the store's own dump gives for free)."""
    terms = context_terms(context)
    nodes = [_node(s, predicates, terms) for s, predicates in grouped.items()]
    nodes = [dict(sorted(node.items())) for node in sorted(nodes, key=lambda node: node["id"])]
    return document(context, [json.dumps(node, ensure_ascii=False).encode() for node in nodes])


def document(context: dict[str, Any], nodes: list[bytes]) -> bytes:
    """The document of nodes already written as JSON objects, in order: one per line of
    "@graph", or a single node inline and indented, as JSON-LD compaction writes it."""
    head = json.dumps(context, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    if len(nodes) == 1:  # values are strings, lists and objects: they read back the same
        node = json.loads(nodes[0])
        body = json.dumps(node, indent=2, ensure_ascii=False)[1:].lstrip("\n")
        return f'{{\n  "@context": {head},\n  {body}\n'.encode()
    start = f'{{\n  "@context": {head},\n  "@graph": [\n    '.encode()
    return start + b",\n    ".join(nodes) + b"\n  ]\n}\n"


def context_terms(context: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
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


def _node(subject: str, predicates: dict[str, set[str]], terms: dict) -> dict[str, Any]:
    node: dict[str, Any] = {"id": _id(subject)}
    for predicate, objects in predicates.items():
        if predicate == RDF_TYPE and all(o[0] == "<" for o in objects):
            _put(node, "type", [written_iri(o[1:-1]) for o in objects])
            continue
        term = terms.get(predicate)
        placed = _by_term(term, objects) if term else None
        if placed is not None:
            _put(node, term[0], placed)
        else:
            _put(node, written_iri(predicate), [_expanded(o) for o in objects])
    return node


def _literal(text: str) -> tuple[str, str | None, str]:
    """(value, language, datatype) of a literal's N-Triples text."""
    end = text.rindex('"')
    body, suffix = text[1:end], text[end + 1 :]
    value = unescape(body) if "\\" in body else body
    if suffix.startswith("@"):
        return value, suffix[1:], RDF_LANG_STRING
    return value, None, suffix[3:-1] if suffix else XSD_STRING


def unescape(body: str) -> str:
    """The string an N-Triples string body stands for, its escapes undone."""
    return _ESCAPE.sub(_unescaped, body)


def _unescaped(match: re.Match[str]) -> str:
    escape = match[0]
    return _SIMPLE[escape[1]] if len(escape) == 2 else chr(int(escape[2:], 16))


def _by_term(term: tuple[str, dict[str, Any]], objects: set[str]) -> Any:
    """The values as the term definition holds them, or None if one does not fit."""
    _, definition = term
    kind = definition.get("@type")
    if definition.get("@container") == "@language":
        literals = [_literal(o) for o in objects if o[0] == '"']
        if len(literals) < len(objects) or not all(language for _, language, _ in literals):
            return None
        languages: dict[str, list[str]] = {}
        for value, language, _ in literals:
            languages.setdefault(language, []).append(value)
        return {k: v[0] if len(v) == 1 else sorted(v) for k, v in sorted(languages.items())}
    if kind == "@id":  # IRIs and blank nodes only
        return None if any(o[0] == '"' for o in objects) else [_id(o) for o in objects]
    if kind:
        literals = [_literal(o) for o in objects if o[0] == '"']
        if len(literals) == len(objects) and all(d == kind for _, _, d in literals):
            return [value for value, _, _ in literals]
    return None


def _put(node: dict[str, Any], key: str, values: Any) -> None:
    if isinstance(values, dict):
        node[key] = values
    elif len(values) == 1:
        node[key] = values[0]
    else:
        node[key] = sorted(values, key=lambda v: (isinstance(v, dict), str(v)))


def _expanded(text: str) -> Any:
    if text[0] != '"':
        return {"id": _id(text)}
    value, language, datatype = _literal(text)
    if language:
        return {"@language": language, "@value": value}
    if datatype == XSD_STRING:
        return value
    return {"@type": written_iri(datatype), "@value": value}


def _id(text: str) -> str:
    """A subject or object written as JSON-LD, from its N-Triples text."""
    return text if text[0] == "_" else written_iri(text[1:-1])


@lru_cache(maxsize=65536)
def written_iri(iri: str) -> str:
    """An IRI as JSON-LD writes it here: compacted with the project's prefixes, else whole."""
    written = compact(iri)
    return written[1:-1] if written.startswith("<") else written
