"""Parameters are bound as terms through substitutions, never pasted into the query."""

from __future__ import annotations

import json

import pytest

from sdgkg.errors import QueryError
from sdgkg.query.named import bind_params, parse_query, resolve_query
from sdgkg.rdfio.terms import XSD, Term

ALMATY = "https://w3id.org/sdgkg/id/almaty"


def bindings(result):
    return json.loads(result.stdout)["results"]["bindings"]


@pytest.mark.parametrize("value", ["kg:almaty", f"<{ALMATY}>", ALMATY])
def test_iri_param_accepts_prefixed_bracketed_and_full(sdgkg, value):
    result = sdgkg("query", "labels", "-p", f"entity={value}", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert {b["label"]["value"] for b in bindings(result)} == {"Almaty", "Алматы"}


def test_defaults_apply_and_optional_params_stay_unbound(root):
    query = resolve_query("labels", root)
    assert bind_params(query, {}) == {"entity": Term.iri("https://w3id.org/sdgkg/id/centre")}
    assert bind_params(query, {"lang": "KK"})["lang"] == Term.literal("kk")


def test_integer_param(sdgkg, root):
    result = sdgkg("query", "long-labels", "-p", "entity=kg:centre", "-p", "min=10", "-f", "json")
    assert [b["label"]["value"] for b in bindings(result)] == ["UN SDG Centre", "БҰҰ орталығы"]
    bound = bind_params(resolve_query("long-labels", root), {"entity": "kg:x"})
    assert bound["min"] == Term.literal("0", XSD + "integer")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "colour=red"], "Error: unknown parameter 'colour' for long-labels\n"),
        ([], "Error: missing required parameter 'entity' for long-labels\n"),
        (["-p", "entity=kg:x", "-p", "min=ten"], "Error: parameter min: 'ten' is not an integer\n"),
        (["-p", "entity=almaty"], "Error: parameter entity: 'almaty' is not an IRI\n"),
        (["-p", "entity"], "Error: bad --param 'entity'\n"),
    ],
)
def test_bad_params_are_usage_errors(sdgkg, args, message):
    result = sdgkg("query", "long-labels", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] + "\n" == message


def test_injection_attempt_stays_a_literal(sdgkg):
    evil = 'en") } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o FILTER("x'
    result = sdgkg("query", "labels", "-p", f"lang={evil}", "-f", "json")
    assert result.exit_code == 2  # not a language tag: refused before any query runs
    text = 'x" } ; DROP ALL ; #'
    query = "SELECT ?label ?name WHERE { ?s skos:prefLabel ?label FILTER(STR(?label) = ?name) }"
    result = sdgkg("query", query, "-p", f"name={text}", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert bindings(result) == []
    assert sdgkg("stats").stdout.startswith("Triples: 21")


def test_free_params_on_plain_sparql():
    query = parse_query("SELECT ?s ?o WHERE { ?s ?p ?o }", "<sparql>")
    bound = bind_params(query, {"s": "kg:centre", "o": "<http://ex/o>", "p2": "kg centre"})
    assert bound == {
        "s": Term.iri("https://w3id.org/sdgkg/id/centre"),
        "o": Term.iri("http://ex/o"),
        "p2": Term.literal("kg centre"),
    }
    with pytest.raises(QueryError, match="bad parameter name"):
        bind_params(query, {"not a var": "x"})


def test_binding_a_variable_the_query_does_not_select(sdgkg):
    result = sdgkg("query", "SELECT ?s WHERE { ?s ?p ?o }", "-p", "o=kg:almaty")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot bind ?o: the query does not select it\n")
