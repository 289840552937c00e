"""The fast export path (the store's N-Triples regrouped as text) writes exactly the bytes of
the reference writers, `write_turtle` and `write_jsonld` over term objects, on the project's
graph, on generated graphs, on the W3C Turtle suite and on literals chosen to break the
escaping; and the JSON-LD it writes reads back as the same triples."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from sdgkg.errors import InputError
from sdgkg.export import export_graph, load_context
from sdgkg.graph import load_graph
from sdgkg.jsonld import render_jsonld, write_jsonld
from sdgkg.ntriples import dump_files, dump_ntriples, ntriples_terms, turtle_terms
from sdgkg.serialize import to_jsonld, to_turtle
from sdgkg.turtle import render_turtle, write_turtle

CHECKOUT = Path(__file__).resolve().parents[1]
W3C_TURTLE = CHECKOUT.parent / "shared" / "w3c-tests" / "rdf" / "rdf11" / "rdf-turtle"
KG = "https://w3id.org/sdgkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


CONTEXT = load_context(CHECKOUT)


def fast(store: ox.Store) -> str | None:
    data = dump_ntriples(store)
    terms, grouped = turtle_terms(data), ntriples_terms(data)
    if terms is None or grouped is None:
        assert terms is None and grouped is None
        return None
    jsonld = render_jsonld(grouped, CONTEXT)
    assert jsonld == write_jsonld((quad.triple for quad in store), CONTEXT)
    return render_turtle(terms)


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
    back = ox.parse(render_jsonld(ntriples_terms(data), CONTEXT), format=ox.RdfFormat.JSON_LD)
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
    assert turtle_terms(dump_files(root)) is None
    triples = [q.triple for q in load_graph(root)]
    assert export_graph("turtle", root) == to_turtle(triples)
    assert export_graph("jsonld", root) == to_jsonld(triples, load_context(root))
    assert b"_:" in export_graph("turtle", root)
