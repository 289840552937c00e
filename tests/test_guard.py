"""The query screen refuses SERVICE, updates, foreign FROM and deep nesting, by tokens."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdgkg.errors import QueryError
from sdgkg.safety import screen as guard
from sdgkg.safety.screen import screen, screen_query
from sdgkg.safety.sparql_lexer import normalise

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
def test_the_normal_form_reads_back_the_same(pieces: list[str], max_depth: int) -> None:
    # Whatever the screen passes, it passes as a text with nothing left to interpret: reading
    # that text again gives the same tokens, and no escape is left outside a string.
    try:
        text = screen_query("".join(pieces), {OWN}, max_depth)
    except QueryError:
        return
    again, tokens = normalise(text)
    assert again == text
    assert screen_query(text, {OWN}, max_depth) == text
    assert not any("\\u" in t.text.lower() for t in tokens if t.kind != "string")


@given(st.lists(st.sampled_from(PIECES), max_size=40))
@settings(max_examples=2000, deadline=None)
def test_a_watched_word_outside_strings_and_comments_is_refused(pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        _normal, tokens = normalise(text)
    except QueryError:
        return
    words = {t.text.upper() for t in tokens if t.kind == "word"}
    if words & (guard.UPDATE_KEYWORDS | {"SERVICE"}):
        with pytest.raises(QueryError):
            screen_query(text, {OWN})


def test_the_screen_reads_escapes_and_line_ends_as_the_engine_does() -> None:
    # An escaped quote stays inside its string, a CR ends a comment; the text handed on has
    # the escape decoded and re-escaped, so no later reading can differ.
    hidden = 'ASK { BIND("\\u0022 #" AS ?x) SERVICE SILENT <http://127.0.0.1:9/a> { } }'
    with pytest.raises(QueryError, match="SERVICE"):
        screen_query(hidden)
    with pytest.raises(QueryError, match="SERVICE"):
        screen_query("ASK { #x\rSERVICE SILENT <http://127.0.0.1:9/a> { } }")
    normal = screen_query('SELECT ?x { BIND("a\\u0022b" AS ?x) } # c')
    assert normal == 'SELECT ?x { BIND("a\\"b" AS ?x) }  '


def test_what_cannot_be_read_with_certainty_is_refused() -> None:
    for text in ("SELECT * { ?s ?p \\u003F }", "ASK {} \x00"):
        with pytest.raises(QueryError, match="cannot be read with certainty"):
            screen_query(text)
    # An unterminated string is refused too, and said as the parser's errors are.
    with pytest.raises(QueryError, match="line 1, column 18: this string is not closed"):
        screen_query('SELECT * { ?s ?p "unterminated }')
    with pytest.raises(QueryError, match="cannot be part of an IRI"):
        screen_query("SELECT * { ?s <http://x/\\u003E> ?o }")


@pytest.mark.parametrize("piece", ["'\\", "\\", '"', "<a", "'''", "#", "\\u00", "a:"])
def test_the_screen_is_linear(piece: str) -> None:
    text = "ASK { " + piece * 40_000
    started = time.perf_counter()
    with contextlib.suppress(QueryError):
        screen_query(text)
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    "chain", ["!" * 5000, "- " * 5000, "1+" * 5000, "{} UNION " * 5000, "<http://p>|" * 5000]
)
def test_long_operator_chains_are_refused_before_they_overflow_the_engine(chain: str) -> None:
    with pytest.raises(QueryError, match="nested deeper|more than 4000 operators"):
        screen_query(f"SELECT * {{ {chain} }}")


def test_from_is_reported_so_the_union_does_not_override_it() -> None:
    assert screen(ALLOWED["from-own"], {OWN}).names_dataset
    assert not screen("SELECT * { ?s ?p ?o }").names_dataset
