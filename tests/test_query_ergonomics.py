"""Parameter values checked against what a query accepts, parser errors in words, the search
pattern, and label coverage."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sdgkg import QueryError, run_query
from sdgkg.cli import app
from sdgkg.query.search import search_pattern
from sdgkg.store.sparql_errors import explain
from tests.conftest import REPO

KG = "https://w3id.org/sdgkg/id/"


def fails(*args: str) -> list[str]:
    result = CliRunner().invoke(app, ["--root", str(REPO), "query", *args])
    assert result.exit_code == 2 and result.stdout == ""
    return result.stderr.splitlines()


def test_a_language_the_graph_lacks_is_an_error_not_an_empty_answer():
    assert fails("pillars", "-p", "lang=de") == [
        "Error: parameter lang: the graph has no 'de' labels",
        "Hint: give one of kk, en, ru",
    ]
    assert run_query("pillars", {"lang": "KK"}, REPO).rows  # case does not matter


def test_an_unknown_prefix_is_named():
    error, hint = fails("evidence", "-p", "predicate=foo:bar")
    assert error == "Error: parameter predicate: unknown prefix 'foo' in 'foo:bar'"
    assert hint.startswith("Hint: known prefixes: ") and " org," in hint


@pytest.mark.parametrize(
    ("sparql", "error", "hint"),
    [
        ("", "Error: the query is empty", "Hint: give a query NAME, a .rq FILE or SPARQL text"),
        ("   \n ", "Error: the query is empty", "Hint:"),
        (
            "SELECT * WHERE { ?s ?p ?o } LIMT 5",
            "Error: invalid SPARQL at line 1, column 29: unknown word 'LIMT'",
            "Hint: did you mean LIMIT?",
        ),
        (
            "SELEC ?x WHERE { ?x ?p ?o }",
            "Error: invalid SPARQL at line 1, column 1: unknown word 'SELEC'",
            "Hint: did you mean SELECT?",
        ),
        (
            "SELECT ?x\nWHERE {\n  ?x ?p ?o .\n",
            "Error: invalid SPARQL at line 2, column 7: this '{' is not closed",
            None,
        ),
        (
            "SELECT ?x WHERE { ?x ?p ?o } }",
            "Error: invalid SPARQL at line 1, column 30: this '}' closes nothing",
            None,
        ),
        (
            'SELECT ?x WHERE { ?x rdfs:label "Almaty }',
            "Error: invalid SPARQL at line 1, column 33: this string is not closed",
            None,
        ),
        (
            "SELECT ?x WHERE { ?x a foo:Bar }",
            "Error: invalid SPARQL at line 1, column 31: unknown prefix 'foo:'",
            "Hint: declare it with PREFIX foo: <...>, or use one of ",
        ),
        (
            "SELECT ?x WHERE { ?x ?p ?o } ORDER ?x",
            "Error: invalid SPARQL at line 1, column 30: ORDER must be followed by BY",
            None,
        ),
        (
            "SELECT (COUNT(?x) AS ?n WHERE { ?x ?p ?o }",
            "Error: invalid SPARQL at line 1, column 8: this '(' is not closed",
            None,
        ),
    ],
)
def test_parser_errors_say_where_and_what_in_words(sparql, error, hint):
    lines = fails(sparql)
    assert lines[0].startswith(error), lines
    assert len(lines) == (2 if hint else 1), lines
    if hint:
        assert lines[1].startswith(hint)
    assert not re.search(r"\[.*\.\.=|\\u\{", "\n".join(lines))  # no parser character classes


def test_a_correct_query_with_strings_and_iris_is_not_taken_for_a_mistake():
    sparql = (
        "SELECT ?x WHERE { ?x rdfs:label 'LIMT {'@en ; <https://schema.org/name> ?n . "
        "FILTER (STRLEN(?n) > 2) } ORDER BY DESC(?x) LIMIT 2"
    )
    assert run_query(sparql, root=REPO).kind == "select"


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("Алматыда", "алматы"),  # kk locative
        ("орталықтың", "орталы[қғ]"),  # қ voiced to ғ before a vowel
        ("Өзбекстанмен", "өзбекстан"),
        ("countries", "countri"),
        ("Almaty", "almat"),  # the English stem changes y to i: only the shared letters
        ("Центральной Азии", "центральн.*ази"),  # ru genitive (also a kk reading, longer)
        ("Тоқаев", "тоқа"),  # kk base and ru stem: the shorter, which matches both
        ("a.b(c)", "a.*b.*c"),
    ],
)
def test_search_patterns(text, pattern):
    assert search_pattern(text) == pattern


def test_search_needs_a_word():
    with pytest.raises(QueryError, match="has no word to search for"):
        run_query("search", {"text": " - "}, REPO)
    assert fails("search")[0] == "Error: missing required parameter 'text' for search"


def test_label_coverage_names_the_missing_labels(root):
    # The fixture's Almaty has labels in en and kk only.
    query = str(REPO / "queries" / "label-coverage.rq")
    result = run_query(query, root=root)
    found = [(row[0].value, row[1].value) for row in result.rows]
    assert found == [(KG + "almaty", "ru")]
    assert run_query(query, {"lang": "kk"}, root).rows == ()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="SELECTWHERBYORDGUP?x{}()[]<>\"'#@&:.;,* \n", max_size=40))
def test_any_text_gets_a_position_and_a_message_never_a_traceback(text):
    error = explain(text, "error at 1:1: expected something")
    assert error.message == "the query is empty" or error.message.startswith(
        "invalid SPARQL at line "
    )
