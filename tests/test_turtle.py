"""The canonical Turtle writer declares exactly the prefixes its terms use."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Triple

from sdgkg.rdfio.turtle import write_turtle

KG = "https://w3id.org/sdgkg/id/"
DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")


def test_a_prefix_inside_literal_text_is_not_declared() -> None:
    text = write_turtle([Triple(NamedNode(KG + "a"), NamedNode(KG + "note"), Literal("see org:x"))])
    assert text.splitlines()[0] == "@prefix kg: <https://w3id.org/sdgkg/id/> ."
    assert "@prefix org:" not in text


def test_a_datatype_prefix_is_declared() -> None:
    dated = Literal("2025-08-06", datatype=DATE)
    text = write_turtle([Triple(NamedNode(KG + "a"), NamedNode(KG + "on"), dated)])
    assert "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ." in text
    assert 'kg:on "2025-08-06"^^xsd:date .' in text


def test_no_triples_is_an_empty_file() -> None:
    assert write_turtle([]) == ""
