"""The query screen refuses SERVICE, updates, foreign FROM and deep nesting, by tokens."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdgkg.errors import QueryError
from sdgkg.safety import screen as guard
from sdgkg.safety.screen import screen_query

OWN = "https://w3id.org/sdgkg/graph/kg/tasks.ttl"

REFUSED = {
    "service": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "service-silent": "SELECT * WHERE { SERVICE SILENT <http://example.org/s> { ?s ?p ?o } }",
    "service-variable": "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "service-lowercase": "select * where { service <http://x/> { ?s ?p ?o } }",
    "service-escaped": "SELECT * WHERE { SERVI\\u0043E <http://x/> { ?s ?p ?o } }",
    "load": "LOAD <http://example.org/data.ttl>",
    "load-into": "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://g>",
    "insert-data": "INSERT DATA { <http://a> <http://b> <http://c> }",
    "delete-where": "DELETE WHERE { ?s ?p ?o }",
    "with": "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "clear": "CLEAR ALL",
    "drop": "DROP GRAPH <http://g>",
    "create": "CREATE GRAPH <http://g>",
    "copy": "COPY DEFAULT TO <http://g>",
    "move": "MOVE DEFAULT TO <http://g>",
    "add": "ADD DEFAULT TO <http://g>",
    "prologue-then-update": "PREFIX ex: <http://ex/>\n# a comment\nINSERT DATA { ex:a ex:b ex:c }",
    "from-file": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "from-url": "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
    "from-named-url": "SELECT * FROM NAMED <https://example.org/g> WHERE { ?s ?p ?o }",
    "from-relative": "SELECT * FROM <data.ttl> WHERE { ?s ?p ?o }",
    "from-base-relative": "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
    "from-prefixed-url": "PREFIX ex: <http://ex/> SELECT * FROM ex:g WHERE { ?s ?p ?o }",
    "from-unknown-own": "SELECT * FROM <https://w3id.org/sdgkg/graph/kg/nope.ttl> WHERE {}",
    "deep": "SELECT * WHERE " + "{" * 100 + "}" * 100,
    "deep-parens": "SELECT * WHERE { FILTER (" + "(" * 100 + "1" + ")" * 100 + ") }",
}

ALLOWED = {
    "keyword-in-string": 'SELECT * WHERE { ?s ?p "SERVICE LOAD INSERT DELETE" }',
    "keyword-in-long-string": "SELECT * WHERE { ?s ?p '''a\nSERVICE <x> {}\n''' }",
    "keyword-in-comment": "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> LOAD",
    "keyword-in-iri": "SELECT * WHERE { ?s <http://example.org/SERVICE/load> ?o }",
    "keyword-as-variable": "SELECT ?service ?load WHERE { ?service ?load ?insert }",
    "keyword-in-prefixed-name": "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:add ex:load }",
    "keyword-as-prefix": "PREFIX load: <http://ex/> SELECT * WHERE { ?s load:x ?o }",
    "less-than": "SELECT * WHERE { ?s ?p ?o FILTER (?o < 3 && ?o > 1) }",
    "from-own": f"SELECT * FROM <{OWN}> WHERE {{ ?s ?p ?o }}",
    "from-named-own": f"SELECT * FROM NAMED <{OWN}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "nested-a-little": "SELECT * WHERE " + "{" * 20 + "?s ?p ?o" + "}" * 20,
}


@pytest.mark.parametrize("sparql", REFUSED.values(), ids=REFUSED.keys())
def test_refused_before_evaluation(sparql: str) -> None:
    with pytest.raises(QueryError):
        screen_query(sparql, graphs={OWN})


@pytest.mark.parametrize("sparql", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed(sparql: str) -> None:
    screen_query(sparql, graphs={OWN})


def test_the_messages_name_what_is_refused() -> None:
    with pytest.raises(QueryError, match="SERVICE is refused"):
        screen_query(REFUSED["service-silent"])
    with pytest.raises(QueryError, match="LOAD is an update"):
        screen_query(REFUSED["load"])
    with pytest.raises(QueryError, match="FROM <file:///etc/passwd> is refused"):
        screen_query(REFUSED["from-file"])
    with pytest.raises(QueryError, match="nested deeper than 64 levels"):
        screen_query(REFUSED["deep"])


def test_without_a_graph_list_the_project_graph_namespace_is_allowed() -> None:
    screen_query("SELECT * FROM <https://w3id.org/sdgkg/graph/anything> WHERE { ?s ?p ?o }")


def test_the_depth_limit_is_a_parameter() -> None:
    screen_query("SELECT * WHERE {{{ ?s ?p ?o }}}", max_depth=3)
    with pytest.raises(QueryError):
        screen_query("SELECT * WHERE {{{{ ?s ?p ?o }}}}", max_depth=3)


# Pieces of queries that matter to the tokens: quotes, brackets, comments, IRIs, escapes, and
# the watched words in every disguise (inside strings, IRIs, names, and in other case).
PIECES = [
    *("{", "}", "(", ")", "[", "]", "<", ">", '"', "'", "'''", "#", "\n", " ", "\\", ":", "?"),
    *("SERVICE ", "service", "FROM ", "from", "NAMED ", "LOAD ", "WITH", "created", "PREFIX "),
    *("BASE ", "<http://x/>", "<file:///etc/passwd>", "ex:", "kg:a", "\\u0053ERVICE ", "@en"),
]


@given(st.lists(st.sampled_from(PIECES), max_size=40), st.integers(min_value=0, max_value=8))
@settings(max_examples=2000, deadline=None)
def test_the_quick_check_passes_only_what_the_full_reading_passes(
    pieces: list[str], max_depth: int
) -> None:
    text = guard._unescaped("".join(pieces))
    if guard._plainly_harmless(text, max_depth):
        guard._screen_tokens(text, {OWN}, max_depth)  # must not raise


@given(st.lists(st.sampled_from(PIECES), max_size=40))
@settings(max_examples=2000, deadline=None)
def test_the_quick_check_sees_the_words_the_tokens_hold(pieces: list[str]) -> None:
    text = guard._unescaped("".join(pieces))
    words = {text for kind, text in guard._significant(text) if kind == "word"}
    assert set(guard._WORD.findall(text)) - {""} == words


def test_words_in_comments_and_strings_need_no_full_reading() -> None:
    sparql = '# tasks created with their status\nSELECT * WHERE { ?s ?p "from a SERVICE" }'
    assert guard._plainly_harmless(sparql, guard.MAX_DEPTH)


def test_from_gets_the_full_reading_and_the_own_graph_passes() -> None:
    assert not guard._plainly_harmless(ALLOWED["from-own"], guard.MAX_DEPTH)
    screen_query(ALLOWED["from-own"], graphs={OWN})


def test_an_escaped_keyword_is_seen_by_the_quick_check() -> None:
    assert not guard._plainly_harmless(guard._unescaped(REFUSED["service-escaped"]), 64)
