"""Results rendering: the CSV written directly is byte for byte the one pyoxigraph writes."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdgkg.errors import QueryError
from sdgkg.query.results import ResultFormat, render, sparql_json
from sdgkg.rdfio.terms import XSD, Term
from sdgkg.store.engine import QueryResult

TEXT = st.text(alphabet=st.sampled_from([*'ab ,;"\n\r\t\\é', "\u2028", "😀"]), max_size=12)
IRIS = st.sampled_from(["http://x/a", "http://x/a,b", "https://w3id.org/sdgkg/id/centre#x"])
TERMS = st.one_of(
    st.none(),
    IRIS.map(Term.iri),
    st.sampled_from(["b1", "node0", "x_y"]).map(lambda name: Term("bnode", name)),
    TEXT.map(Term.literal),
    st.builds(Term.literal, TEXT, st.none(), st.sampled_from(["en", "kk", "ru"])),
    st.builds(Term.literal, st.sampled_from(["1", "2.5", "true"]), st.just(XSD + "decimal")),
)


def through_pyoxigraph(result: QueryResult) -> bytes:
    raw = json.dumps(sparql_json(result)).encode("utf-8")
    return ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON).serialize(
        format=ox.QueryResultsFormat.CSV
    )


@given(
    st.integers(min_value=0, max_value=4).flatmap(
        lambda width: st.lists(st.tuples(*[TERMS] * width), max_size=5).map(
            lambda rows: QueryResult("select", tuple(f"v{i}" for i in range(width)), tuple(rows))
        )
    )
)
@settings(max_examples=500, deadline=None)
def test_csv_is_what_pyoxigraph_writes(result: QueryResult) -> None:
    assert render(result, ResultFormat.CSV) == through_pyoxigraph(result)


def test_csv_refuses_triple_terms() -> None:
    triple = Term("triple", "<http://x/s> <http://x/p> <http://x/o>")
    with pytest.raises(QueryError, match="triple terms cannot be written"):
        render(QueryResult("select", ("t",), ((triple,),)), ResultFormat.CSV)
