"""The engine turns pyoxigraph results into Terms, reusing the conversions it has made."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from sdgkg.rdfio.terms import from_oxigraph
from sdgkg.store import engine
from sdgkg.store.engine import materialize

EX = "http://example.org/"


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    for i in range(50):
        subject = ox.NamedNode(f"{EX}s{i}")
        store.add(ox.Quad(subject, ox.NamedNode(EX + "p"), ox.Literal(f"v{i}", language="en")))
        store.add(ox.Quad(subject, ox.NamedNode(EX + "q"), ox.Literal(str(i % 3))))
    return store


def test_rows_are_the_converted_terms_in_variable_order(store: ox.Store) -> None:
    query = "SELECT ?o ?s ?p WHERE { ?s ?p ?o } ORDER BY ?s ?p"
    result = materialize(store.query(query))
    expected = [tuple(from_oxigraph(term) for term in row) for row in store.query(query)]
    assert result.variables == ("o", "s", "p") and list(result.rows) == expected


def test_a_repeated_term_is_converted_once(store: ox.Store) -> None:
    result = materialize(store.query("SELECT ?p WHERE { ?s ?p ?o }"))
    assert len(result.rows) == 100 and len({id(row[0]) for row in result.rows}) == 2


def test_the_memory_of_conversions_is_bounded(
    store: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "_CONVERTED", {})
    monkeypatch.setattr(engine, "_MOST_CONVERTED", 10)
    result = materialize(store.query("CONSTRUCT WHERE { ?s ?p ?o }"))
    assert len(result.triples) == 100 and len(engine._CONVERTED) <= 10
    assert set(result.triples) == {
        tuple(map(from_oxigraph, t)) for t in store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    }
