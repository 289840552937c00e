"""The store's own N-Triples dump, regrouped as text: the fast path of Turtle and JSON-LD export.

At a million triples, making Python term objects for every triple (a Quad, a Triple and three
terms each) and writing them back out took most of an export's time. pyoxigraph writes
N-Triples in Rust: one `subject predicate object .` per line, IRIs and literals already
escaped, and with the same string escapes the canonical Turtle writer uses except `\\b` and
`\\f` (rewritten here as `\\u0008` and `\\u000C`). Splitting those lines and compacting the IRIs
gives the very terms `sdgkg.rdfio.turtle.term` writes, so `render_turtle` makes the same bytes; the
JSON-LD writer reads the same N-Triples text (`sdgkg.rdfio.jsonld`). Graphs with blank nodes
(which need canonical labels) or triple terms go the reference way.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from sdgkg.namespaces import RDF_TYPE, XSD, compact
from sdgkg.parallel import on_two_cores
from sdgkg.rdfio.turtle import (
    Blocks,
    is_canonical_bare,
    join_blocks,
    prefix_of,
    subject_block,
    subject_key,
)

_TYPE = f"<{RDF_TYPE}>"
_BARE = {XSD + "integer", XSD + "boolean"}
# One escape sequence of N-Triples, matched left to right so "\\\\b" is not taken for "\\b".
_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_AS_TURTLE = {"\\b": "\\u0008", "\\f": "\\u000C"}


def bytes_written(data: bytes | None) -> bytes:
    """What a pyoxigraph writer returns when it is given no file: bytes (typed Optional)."""
    if data is None:
        raise TypeError("the writer was given an output file")
    return data


def dump_ntriples(store: ox.Store) -> bytes:
    """Every named graph of `store` as N-Triples, graph after graph (duplicates kept)."""
    graphs = sorted(store.named_graphs(), key=lambda graph: graph.value)
    dumps = (store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in graphs)
    return b"".join(bytes_written(data) for data in dumps)


def turtle_from_ntriples(data: bytes, *, parallel_from: int = 100_000) -> str | None:
    """The canonical Turtle of an N-Triples text, the bytes of `render_turtle`; None if it
    holds a blank node or a triple term. The lines are sorted and each subject's block is
    written as its run of lines ends; from `parallel_from` lines on, they are cut between two
    subjects and the halves are written on two cores."""
    lines = data.split(b"\n")
    lines.sort()  # each subject's lines together; the empty string of the last newline first
    if len(lines) <= max(parallel_from, 2):
        blocks = _turtle_blocks(lines)
        return None if blocks is None else join_blocks([blocks])
    first, second = on_two_cores(_turtle_blocks, lines, subject_boundary(lines))
    return None if first is None or second is None else join_blocks([first, second])


def _turtle_blocks(lines: list[bytes]) -> Blocks | None:
    """The subject blocks of sorted N-Triples lines, written one subject's run at a time: no
    map of the whole half is built (at 1M triples, 1.1 s a half instead of 2.9 s)."""
    blocks: list[tuple[tuple[bool, str], str]] = []
    prefixes: set[str | None] = set()
    iris: dict[str, str] = {}
    predicates: dict[str, str] = {}
    last, subject = "", ""
    node: dict[str, set[str]] = {}
    for raw in lines:
        if not raw:
            continue
        s, p, o = raw.decode()[:-2].split(" ", 2)  # IRIs hold no spaces
        if s != last:
            if s[1] in "<:":  # "_:" a blank node, "<<" a triple term
                return None
            if node:
                blocks.append((subject_key(subject), subject_block(subject, node)))
            last, node = s, {}
            subject = iris.get(s) or _written_iri(s, iris, prefixes)
        name = predicates.get(p)
        if name is None:
            name = predicates[p] = _turtle_predicate(p)
            prefixes.add(prefix_of(name))
        if o[0] == '"':
            o = _literal(o)
            if o[-1] != '"' and "^^" in o:
                prefixes.add(prefix_of(o))  # its datatype's
        elif o[0] == "<" and o[1] != "<":
            o = iris.get(o) or _written_iri(o, iris, prefixes)
        else:
            return None
        found = node.get(name)
        if found is None:
            node[name] = {o}
        else:
            found.add(o)  # a duplicate line (a triple in two files) adds nothing
    if node:
        blocks.append((subject_key(subject), subject_block(subject, node)))
    return blocks, prefixes


def _written_iri(iri: str, written: dict[str, str], prefixes: set[str | None]) -> str:
    found = written[iri] = _compact_iri(iri)
    prefixes.add(prefix_of(found))
    return found


def subject_boundary(lines: list[bytes]) -> int:
    """The index nearest the middle of sorted N-Triples lines where a new subject starts."""
    middle = len(lines) // 2
    subject = lines[middle - 1].split(b" ", 1)[0] + b" "
    while middle < len(lines) and lines[middle].startswith(subject):
        middle += 1
    return middle


def _compact_iri(iri: str) -> str:
    return compact(iri[1:-1])


def _turtle_predicate(iri: str) -> str:
    return "a" if iri == _TYPE else compact(iri[1:-1])


def _literal(obj: str) -> str:
    end = obj.rindex('"')
    body, suffix = obj[1:end], obj[end + 1 :]
    if "\\b" in body or "\\f" in body:
        body = _ESCAPE.sub(lambda m: _AS_TURTLE.get(m[0], m[0]), body)
    if not suffix:
        return f'"{body}"'
    if suffix[0] == "@":
        return f'"{body}"{suffix}'
    datatype = suffix[3:-1]
    if datatype in _BARE and is_canonical_bare(body, datatype):
        return body
    return f'"{body}"^^{compact(datatype)}'
