"""Compact JSON-LD written as bytes straight from N-Triples lines: the fast path of JSON-LD export.

`sdgkg.jsonld` builds a dict per node and lets json write it. At a million triples, grouping the
lines into dicts of sets, building the node dicts and dumping them took half of a six-second
export. Here the store's N-Triples lines are sorted instead: each subject's lines, each
predicate's within them, and duplicates (a triple in two files) come out side by side, and
each run of lines is written as JSON text at once. Little needs converting: N-Triples and
JSON escape the same characters in a string (the quote, the backslash and every control
character), so a literal without a backslash is its own JSON string, and each IRI is compacted
and written once. Values sort as the reference sorts them because UTF-8 bytes sort in code
point order, as str does. The bytes are those of `sdgkg.jsonld.render_jsonld` (the tests hold
the two writers together).
"""

from __future__ import annotations

from collections.abc import Callable
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from sdgkg.halves import on_two_cores
from sdgkg.jsonld import (
    RDF_LANG_STRING,
    RDF_TYPE,
    XSD_STRING,
    context_terms,
    document,
    unescape,
    written_iri,
)
from sdgkg.ntriples import subject_boundary

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
        place: Place | None = None
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
                return name, head + language_key(o[end + 2 :]) + _literal(o, end)[1] + b"}"
            by_language: dict[bytes, list[tuple[bytes, bytes]]] = {}
            for o in objects:
                end = o.rfind(b'"')
                if o[0] != _QUOTE or o[end + 1 : end + 2] != b"@":
                    return fallback(objects)
                by_language.setdefault(o[end + 2 :], []).append(_literal(o, end))
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
                values.append(_literal(o, end))
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
        lexical, text = _literal(term, end)
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


def _literal(term: bytes, end: int) -> tuple[bytes, bytes]:
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
