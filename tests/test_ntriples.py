"""The fast export path (the store's N-Triples regrouped as text) writes exactly the bytes of
the reference writers, `write_turtle` and `write_jsonld` over term objects, on the project's
graph, on generated graphs, on the W3C Turtle suite and on literals chosen to break the
escaping; and the JSON-LD it writes reads back as the same triples."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from sdgkg import export_graph, load_graph
from sdgkg.errors import InputError
from sdgkg.export import load_context
from sdgkg.rdfio.jsonld import jsonld_from_ntriples, write_jsonld
from sdgkg.rdfio.ntriples import dump_ntriples, turtle_from_ntriples
from sdgkg.rdfio.serialize import to_jsonld, to_turtle
from sdgkg.rdfio.turtle import write_turtle
from sdgkg.store.graph import dump_files

CHECKOUT = Path(__file__).resolve().parents[1]
W3C_TURTLE = CHECKOUT.parent / "shared" / "w3c-tests" / "rdf" / "rdf11" / "rdf-turtle"
KG = "https://w3id.org/sdgkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


CONTEXT = load_context(CHECKOUT)


def fast(store: ox.Store) -> str | None:
    data = dump_ntriples(store)
    turtle, jsonld = turtle_from_ntriples(data), jsonld_from_ntriples(data, CONTEXT)
    if turtle is None or jsonld is None:
        assert turtle is None and jsonld is None
        return None
    assert jsonld == write_jsonld((quad.triple for quad in store), CONTEXT)
    # The same bytes when the subjects are written in two halves, in a child process.
    assert jsonld_from_ntriples(data, CONTEXT, parallel_from=0) == jsonld
    assert turtle_from_ntriples(data, parallel_from=0) == turtle
    return turtle


def reference(store: ox.Store) -> str:
    return write_turtle(quad.triple for quad in store)


def store_of(triples: list[ox.Triple], graphs: int = 1) -> ox.Store:
    store = ox.Store()
    for index in range(graphs):  # the same triples in several files: written once
        graph = ox.NamedNode(f"https://w3id.org/sdgkg/graph/{index}")
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return store


def test_project_graph_fast_path_matches_reference() -> None:
    store = load_graph(CHECKOUT)
    written = fast(store)
    assert written is not None and written.count("\n") > 1000
    assert written == reference(store)
    assert export_graph("turtle", CHECKOUT) == written.encode("utf-8")
    assert export_graph("jsonld", CHECKOUT) == write_jsonld((q.triple for q in store), CONTEXT)


def test_generated_graph_fast_path_matches_reference(tmp_path: Path) -> None:
    sys.path.insert(0, str(CHECKOUT / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(CHECKOUT / "bench"))
    generate(3000, tmp_path / "g")
    store = load_graph(tmp_path / "g")
    written = fast(store)
    assert written is not None and written == reference(store)


def test_tricky_literals_and_iris_match_reference() -> None:
    s, p = ox.NamedNode(KG + "a"), ox.NamedNode(KG + "note")
    every_control = "".join(chr(c) for c in [*range(0x20), 0x7F])
    values = [
        ox.Literal(every_control + "\\b \\f \\\\b \" ' \u2028 \x85 é ﻿"),
        ox.Literal("\b\f"),
        ox.Literal("ends with a backslash \\"),
        ox.Literal("x", language="kk"),
        ox.Literal("x", language="en-GB"),
        ox.Literal("2025-08-06", datatype=ox.NamedNode(XSD + "date")),
        ox.Literal("x", datatype=ox.NamedNode("http://example.org/dt#x")),
        ox.Literal("x", datatype=ox.NamedNode(KG + "bad/local")),
        ox.NamedNode("http://example.org/not a prefix".replace(" ", "_")),
        ox.NamedNode(RDF + "type"),
        ox.NamedNode("http://metadata.un.org/sdg/codes/geoArea/398"),
        ox.NamedNode(KG + "x.y"),
        ox.NamedNode(KG + "ends."),
        ox.Literal("> <https://w3id.org/sdgkg/id/x> ."),
        # One odd character each: the JSON-LD writer copies a string without escapes as is.
        *(ox.Literal(f"a{chr(c)}b") for c in [*range(0x20), 0x7F, 0x85, 0x2028, 0xFEFF]),
    ]
    for number in ["0", "00", "012", "12", "-1", "+1", "²", "٣", "1.0", " 1"]:
        values.append(ox.Literal(number, datatype=ox.NamedNode(XSD + "integer")))
    for flag in ["true", "false", "1", "TRUE"]:
        values.append(ox.Literal(flag, datatype=ox.NamedNode(XSD + "boolean")))
    values.append(ox.Literal("true"))
    triples = [ox.Triple(s, p, value) for value in values]
    for name in ["type", "subject", "predicate", "object"]:
        triples.append(ox.Triple(s, ox.NamedNode(RDF + name), ox.NamedNode(KG + name)))
    triples.append(ox.Triple(ox.NamedNode("http://example.org/z"), p, ox.Literal("z")))
    store = store_of(triples, graphs=2)
    written = fast(store)
    assert written is not None and written == reference(store)
    # The N-Triples escapes are undone for JSON-LD's strings: they read back the same.
    strings = [t for t in triples if isinstance(t.object, ox.Literal) and "\\" in str(t.object)]
    data = dump_ntriples(store_of(strings))
    back = ox.parse(jsonld_from_ntriples(data, CONTEXT), format=ox.RdfFormat.JSON_LD)
    assert len(strings) >= 3 and {q.triple for q in back} == set(strings)


def test_jsonld_terms_of_the_context_match_reference() -> None:
    # Every property the context defines, with one and two values of every kind of term.
    values = [
        ox.Literal("x", language="kk"),
        ox.Literal("y", language="ru"),
        ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("2025-08-06", datatype=ox.NamedNode(XSD + "date")),
        ox.Literal('tab\t quote" back\\slash'),
        ox.NamedNode(KG + "b"),
        ox.NamedNode("http://example.org/b"),
    ]
    iris = {v["@id"] for v in CONTEXT.values() if isinstance(v, dict) and "@id" in v}
    properties = [RDF + "type", KG + "p", *sorted(iris)]
    store, index = ox.Store(), 0
    graph = ox.NamedNode("https://w3id.org/sdgkg/graph/x")
    for prop in properties:
        prefix, _, local = prop.partition(":")
        iri = CONTEXT[prefix] + local if isinstance(CONTEXT.get(prefix), str) else prop
        for first in range(len(values)):
            for second in range(first, len(values)):
                subject = ox.NamedNode(f"{KG}s{index}")
                index += 1
                for value in {values[first], values[second]}:
                    store.add(ox.Quad(subject, ox.NamedNode(iri), value, graph))
    assert len(iris) >= 5
    assert fast(store) == reference(store)  # fast() also compares the JSON-LD bytes


def test_blank_nodes_and_lookalikes_take_the_reference_way() -> None:
    s, p = ox.NamedNode(KG + "a"), ox.NamedNode(KG + "note")
    assert fast(store_of([ox.Triple(s, p, ox.BlankNode("x"))])) is None
    assert fast(store_of([ox.Triple(ox.BlankNode("x"), p, s)])) is None
    lookalike = store_of([ox.Triple(s, p, ox.Literal("_:x and << <a> >> _:y"))])
    assert fast(lookalike) == reference(lookalike)


@pytest.mark.skipif(
    not W3C_TURTLE.is_dir(), reason="the W3C test suites are not beside this checkout"
)
def test_w3c_turtle_suite_fast_path_matches_reference() -> None:
    compared = 0
    for path in sorted(W3C_TURTLE.glob("*.nt")):
        store = ox.Store()
        graph = ox.NamedNode("https://w3id.org/sdgkg/graph/w3c")
        try:
            store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        except SyntaxError:
            continue
        written = fast(store)
        if written is None:
            continue  # blank nodes: the reference path writes those
        assert written == reference(store), path.name
        compared += 1
    assert compared >= 50


def test_parallel_file_dump_reports_errors_as_load_graph_does(root: Path) -> None:
    broken = root / "kg" / "zz-broken.ttl"
    broken.write_text("@prefix kg: <https://w3id.org/sdgkg/id/> .\nkg:a kg:b .\n", "utf-8")
    with pytest.raises(InputError) as by_load:
        load_graph(root)
    for fmt in ("turtle", "jsonld"):
        with pytest.raises(InputError) as by_export:
            export_graph(fmt, root)
        assert str(by_export.value) == str(by_load.value)
        assert str(by_export.value).startswith("kg/zz-broken.ttl:2:")


def test_graph_with_blank_nodes_exports_as_before(root: Path) -> None:
    extra = root / "kg" / "zz-blank.ttl"
    extra.write_text(
        '@prefix kg: <https://w3id.org/sdgkg/id/> .\nkg:a kg:note [ kg:text "x" ] .\n', "utf-8"
    )
    assert turtle_from_ntriples(dump_files(root)) is None
    triples = [q.triple for q in load_graph(root)]
    assert export_graph("turtle", root) == to_turtle(triples)
    assert export_graph("jsonld", root) == to_jsonld(triples, load_context(root))
    assert b"_:" in export_graph("turtle", root)


def test_jsonld_of_one_node_and_of_none_match_reference() -> None:
    one = store_of([ox.Triple(ox.NamedNode(KG + "a"), ox.NamedNode(KG + "p"), ox.Literal("x"))])
    assert fast(one) == reference(one)  # fast() compares the JSON-LD: one node is inline
    assert jsonld_from_ntriples(b"", CONTEXT) == write_jsonld([], CONTEXT)


def test_jsonld_values_sort_as_the_reference_sorts_them() -> None:
    # Values whose JSON text sorts otherwise than the value: "a" before "a!" and "a b", but
    # '"a"' after '"a!"'; IRIs likewise; and every kind of term of a context of our own.
    context = {
        **CONTEXT,
        "note": {"@id": "kg:note"},
        "plain": {"@id": "kg:plain", "@type": "xsd:string"},
        "lang": {"@id": "kg:lang", "@type": "rdf:langString"},
        "vocab": {"@id": "kg:vocab", "@type": "@vocab"},
        "kind": {"@id": "rdf:type", "@type": "@id"},
        "ref": {"@id": "kg:ref", "@type": "@id"},
        "day": {"@id": "kg:day", "@type": "xsd:date"},
        "names": {"@id": "kg:names", "@container": "@language"},
    }
    texts = ["a", "a!", "a b", "a\t", 'a"', "é", "z", ""]
    kinds = [
        [ox.Literal(text) for text in texts],
        [ox.Literal(text, language=tag) for text in texts for tag in ["en", "kk"]],
        [ox.Literal(text, datatype=ox.NamedNode(XSD + "date")) for text in texts],
        [ox.NamedNode(KG + local) for local in ["a", "a!", "a.b", "b"]],
        [ox.NamedNode("http://example.org/a!b"), ox.NamedNode("http://example.org/a")],
    ]
    values = [value for kind in kinds for value in kind]
    # Each value alone, each pair in order, each kind whole, and all of them at once.
    sets = [*([v] for v in values), *zip(values, values[1:], strict=False), *kinds, values]
    store = ox.Store()
    graph = ox.NamedNode("https://w3id.org/sdgkg/graph/x")
    for index, prop in enumerate(["note", "plain", "lang", "vocab", "ref", "day", "names", "x"]):
        iri = ox.NamedNode(KG + prop)
        for number, objects in enumerate(sets):
            subject = ox.NamedNode(f"{KG}s{index}-{number}")
            for value in objects:
                store.add(ox.Quad(subject, iri, value, graph))
        store.add(ox.Quad(ox.NamedNode(f"{KG}t{index}"), ox.NamedNode(RDF + "type"), iri, graph))
    store.add(ox.Quad(ox.NamedNode(KG + "t"), ox.NamedNode(RDF + "type"), values[0], graph))
    data = dump_ntriples(store)
    expected = write_jsonld((quad.triple for quad in store), context)
    assert jsonld_from_ntriples(data, context) == expected
    assert jsonld_from_ntriples(data, context, parallel_from=0) == expected


def test_halves_never_split_a_subject() -> None:
    # Subjects whose IRIs begin with one another, many triples each: wherever the middle
    # line falls, the two halves give the bytes of one pass.
    p = [ox.NamedNode(KG + name) for name in ["p", "q"]]
    for count in range(1, 9):
        names = ["s", "s1", "s10", "s1a", "s2"][: 1 + count % 5]
        triples = [
            ox.Triple(ox.NamedNode(KG + name), p[k % 2], ox.Literal(str(k)))
            for name in names
            for k in range(count)
        ]
        data = dump_ntriples(store_of(triples, graphs=2))
        one_pass = jsonld_from_ntriples(data, CONTEXT)
        assert one_pass == write_jsonld(triples, CONTEXT)
        assert jsonld_from_ntriples(data, CONTEXT, parallel_from=0) == one_pass
        assert turtle_from_ntriples(data, parallel_from=0) == write_turtle(triples)
