"""Compact JSON-LD written straight from sorted triples with the project's own context.

rdflib's JSON-LD writer needed the triples parsed into an rdflib Graph first and then had its
hash-ordered output sorted again: minutes for a million triples. This writer groups the
triples by subject in one pass and uses the context's term definitions the way JSON-LD
compaction does for the three kinds it has (`@container: @language`, `@type: @id` and a
datatype `@type`); a value a term cannot hold is written under the property's compact IRI in
expanded form, which is still valid compact JSON-LD and reads back as the same triple.
This is the reference writer; export's fast path, `jsonld_from_ntriples` below, writes the same
bytes as text, without a dict per node: at a million triples, grouping the lines into dicts of
sets, building the node dicts and dumping them took half of a six-second export. There the
store's N-Triples lines are sorted instead: each subject's lines, each predicate's within them,
and duplicates (a triple in two files) come out side by side, and each run of lines is written
as JSON text at once. Little needs converting: N-Triples and JSON escape the same characters in
a string (the quote, the backslash and every control character), so a literal without a
backslash is its own JSON string, and each IRI is compacted and written once. Values sort as
the reference sorts them because UTF-8 bytes sort in code point order, as str does (the tests
hold the two writers together).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

import pyoxigraph as ox

from sdgkg.namespaces import RDF_LANG_STRING, RDF_TYPE, XSD_STRING, compact
from sdgkg.parallel import on_two_cores
from sdgkg.rdfio.ntriples import subject_boundary

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


def _node(
    subject: str, predicates: dict[str, set[str]], terms: dict[str, tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    node: dict[str, Any] = {"id": _id(subject)}
    for predicate, objects in predicates.items():
        if predicate == RDF_TYPE and all(o[0] == "<" for o in objects):
            _put(node, "type", [written_iri(o[1:-1]) for o in objects])
            continue
        term = terms.get(predicate)
        placed = _by_term(term, objects) if term else None
        if term is not None and placed is not None:
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
            languages.setdefault(language or "", []).append(value)  # every one has a language
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


# A predicate's run of objects (N-Triples terms) -> (key, `"key": value` as JSON text).
Place = Callable[[list[bytes]], tuple[str, bytes]]
_TYPE = f"<{RDF_TYPE}>".encode()
_QUOTE, _IRI, _BLANK = ord('"'), ord("<"), ord("_")


def jsonld_from_ntriples(
    data: bytes, context: dict[str, Any], *, parallel_from: int = 100_000
) -> bytes | None:
    """The JSON-LD document of an N-Triples text (duplicate lines allowed), the same bytes as
    `render_jsonld`; None if it holds a blank node or a triple term (they need the reference
    writer, which labels blank nodes). From `parallel_from` lines on, the subjects are
    written in two halves on two cores: at a million triples, 1.55 s instead of 2.0 s when a
    core is free, for 0.5 s more CPU in all (the fork's copied pages)."""
    lines = data.split(b"\n")
    lines.sort()  # the empty string of the final newline comes first: skipped below
    writer = _Writer(context)
    if len(lines) < max(parallel_from, 2):
        nodes = writer.nodes(lines)
    else:
        first, second = on_two_cores(writer.nodes, lines, subject_boundary(lines))
        nodes = None if first is None or second is None else first + second
    del lines
    if nodes is None:
        return None
    nodes.sort(key=itemgetter(0))  # stable, as the reference's sort by id
    return document(context, [text for _, text in nodes])


class _Writer:
    """Writes the nodes of sorted N-Triples lines, with what it learns of each IRI and
    predicate kept for the next line."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.terms = context_terms(context)
        self.ids: dict[bytes, tuple[str, bytes]] = {}  # IRIs and blank nodes, see `id_of`
        self.places: dict[bytes, Place] = {}

    def nodes(self, lines: list[bytes]) -> list[tuple[str, bytes]] | None:
        """(id, JSON text) of each subject of `lines`, which are sorted. One loop over every
        line, so it is written flat and with local names."""
        nodes, places = [], self.places
        last_s = last_p = previous = b""
        entries: list[tuple[str, bytes]] = []
        objects: list[bytes] = []
        place: Place = _unplaced  # set with the first line, before any use
        for line in lines:
            if line == previous:  # a duplicate, or the empty last line
                continue
            previous = line
            s, p, o = line[:-2].split(b" ", 2)  # IRIs hold no spaces
            if o[0] == _BLANK or o[1] == _IRI:  # "_:" a blank node, "<<" a triple term
                return None
            if s == last_s:
                if p == last_p:
                    objects.append(o)
                    continue
                entries.append(place(objects))
            else:
                if last_s:
                    entries.append(place(objects))
                    nodes.append(self.node(last_s, entries))
                if s[0] == _BLANK or s[1] == _IRI:
                    return None
                last_s, entries = s, []
            last_p, objects = p, [o]
            place = places.get(p) or places.setdefault(p, self.place(p))
        if last_s:
            entries.append(place(objects))
            nodes.append(self.node(last_s, entries))
        return nodes

    def node(self, subject: bytes, entries: list[tuple[str, bytes]]) -> tuple[str, bytes]:
        value, text = self.ids.get(subject) or self.id_of(subject)
        entries.append(("id", b'"id": ' + text))
        entries.sort()  # keys are unique: the texts are never compared
        return value, b"{" + b", ".join([entry for _, entry in entries]) + b"}"

    def id_of(self, term: bytes) -> tuple[str, bytes]:
        """(value, JSON string) of an IRI or blank node written in N-Triples."""
        found = self.ids.get(term)
        if found is None:
            written = term.decode()
            value = written if written[0] == "_" else written_iri(written[1:-1])
            found = self.ids[term] = (value, _string(value))
        return found

    def place(self, predicate: bytes) -> Place:
        """How a predicate's objects are written: under the context's term for it if they all
        fit the term's definition, else under the compact IRI, expanded (as `_node` does)."""
        iri = predicate[1:-1].decode()
        fallback = self.expanded(written_iri(iri))
        term = self.terms.get(iri)
        placed = self.by_term(*term, fallback) if term else None
        if predicate == _TYPE:
            return self.id_list("type", (_IRI,), placed or fallback)
        return placed or fallback

    def by_term(self, name: str, definition: dict[str, Any], fallback: Place) -> Place | None:
        kind = definition.get("@type")
        if definition.get("@container") == "@language":
            return self.languages(name, fallback)
        if kind == "@id":
            return self.id_list(name, (_IRI, _BLANK), fallback)
        return self.typed(name, kind, fallback) if kind else None

    def id_list(self, name: str, starts: tuple[int, ...], fallback: Place) -> Place:
        head, ids, id_of = _string(name) + b": ", self.ids, self.id_of

        def place(objects: list[bytes]) -> tuple[str, bytes]:
            if len(objects) == 1:  # most often, so tested first
                o = objects[0]
                if o[0] in starts:
                    return name, head + (ids.get(o) or id_of(o))[1]
            elif all(o[0] in starts for o in objects):
                return name, head + _array(sorted(id_of(o) for o in objects))
            return fallback(objects)

        return place

    def languages(self, name: str, fallback: Place) -> Place:
        head = _string(name) + b": {"
        keys: dict[bytes, bytes] = {}

        def language_key(tag: bytes) -> bytes:
            return keys.get(tag) or keys.setdefault(tag, _string(tag.decode()) + b": ")

        def place(objects: list[bytes]) -> tuple[str, bytes]:
            if len(objects) == 1:  # most often: no grouping, no sorting
                o = objects[0]
                end = o.rfind(b'"')
                if o[0] != _QUOTE or o[end + 1 : end + 2] != b"@":
                    return fallback(objects)
                return name, head + language_key(o[end + 2 :]) + _literal_text(o, end)[1] + b"}"
            by_language: dict[bytes, list[tuple[bytes, bytes]]] = {}
            for o in objects:
                end = o.rfind(b'"')
                if o[0] != _QUOTE or o[end + 1 : end + 2] != b"@":
                    return fallback(objects)
                by_language.setdefault(o[end + 2 :], []).append(_literal_text(o, end))
            return name, head + b", ".join(_languages(by_language)) + b"}"

        return place

    def typed(self, name: str, datatype: str, fallback: Place) -> Place:
        head = _string(name) + b": "

        def place(objects: list[bytes]) -> tuple[str, bytes]:
            values = []
            for o in objects:
                end = o.rfind(b'"')
                if o[0] != _QUOTE or _datatype(o[end + 1 :]) != datatype:
                    return fallback(objects)
                values.append(_literal_text(o, end))
            if len(values) == 1:
                return name, head + values[0][1]
            return name, head + _array(sorted(values))

        return place

    def expanded(self, name: str) -> Place:
        head = _string(name) + b": "

        def place(objects: list[bytes]) -> tuple[str, bytes]:
            if len(objects) == 1:
                return name, head + self.value(objects[0])[1]
            return name, head + _array(sorted(self.value(o) for o in objects))

        return place

    def value(self, term: bytes) -> tuple[tuple[bool, str], bytes]:
        """(the reference's sort key, JSON text) of an object in expanded form."""
        if term[0] != _QUOTE:
            value, text = self.id_of(term)
            return (True, str({"id": value})), b'{"id": ' + text + b"}"
        end = term.rfind(b'"')
        lexical, text = _literal_text(term, end)
        value, suffix = lexical.decode(), term[end + 1 :].decode()
        if suffix[:1] == "@":
            key = str({"@language": suffix[1:], "@value": value})
            language = _string(suffix[1:])
            return (True, key), b'{"@language": ' + language + b', "@value": ' + text + b"}"
        datatype = _datatype(term[end + 1 :])
        if datatype == XSD_STRING:
            return (False, value), text
        compact = written_iri(datatype)
        key = str({"@type": compact, "@value": value})
        return (True, key), b'{"@type": ' + _string(compact) + b', "@value": ' + text + b"}"


def _unplaced(objects: list[bytes]) -> tuple[str, bytes]:
    raise AssertionError("objects placed before their predicate was seen")


def _literal_text(term: bytes, end: int) -> tuple[bytes, bytes]:
    """(value as UTF-8, JSON string) of a literal whose closing quote is at `end`."""
    body = term[1:end]
    if b"\\" not in body:  # nothing escaped: the N-Triples string is the JSON string
        return body, term[: end + 1]
    value = unescape(body.decode())
    return value.encode(), _string(value)


def _datatype(suffix: bytes) -> str:
    """The datatype IRI of a literal, from what follows its closing quote."""
    if not suffix:
        return XSD_STRING
    return RDF_LANG_STRING if suffix[0] == ord("@") else suffix[3:-1].decode()


def _languages(by_language: dict[bytes, list[tuple[bytes, bytes]]]) -> list[bytes]:
    written = []
    for language in sorted(by_language):
        values = by_language[language]
        text = values[0][1] if len(values) == 1 else _array(sorted(values))
        written.append(_string(language.decode()) + b": " + text)
    return written


def _array(values: list[tuple[Any, bytes]]) -> bytes:
    return b"[" + b", ".join([text for _, text in values]) + b"]"


def _string(value: str) -> bytes:
    return encode_basestring(value).encode()
