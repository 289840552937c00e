"""`sdgkg query` on the fixture graph, in every output format."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib

SRX = "{http://www.w3.org/2005/sparql-results#}"
CENTRE = "https://w3id.org/sdgkg/id/centre"


def test_select_json_is_w3c_sparql_results_json(sdgkg):
    result = sdgkg("query", "labels", "-p", "lang=en", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    # Parameter variables are bound, not answers: their columns are left out.
    assert doc["head"]["vars"] == ["label", "language"]
    (binding,) = doc["results"]["bindings"]
    assert binding["label"] == {"type": "literal", "value": "UN SDG Centre", "xml:lang": "en"}
    assert binding["language"] == {"type": "literal", "value": "en"}


def test_select_xml_is_w3c_sparql_results_xml(sdgkg):
    result = sdgkg("query", "labels", "--format", "xml")
    assert result.exit_code == 0, result.stderr
    tree = ET.fromstring(result.stdout)
    assert tree.tag == f"{SRX}sparql"
    names = [v.get("name") for v in tree.find(f"{SRX}head")]
    # An optional parameter left unbound is an ordinary (here empty) column.
    assert names == ["label", "language", "lang"]
    rows = tree.find(f"{SRX}results").findall(f"{SRX}result")
    assert len(rows) == 3
    label = rows[0].find(f"{SRX}binding[@name='label']/{SRX}literal")
    assert label.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_select_csv_and_tsv_headers(sdgkg):
    csv_out = sdgkg("query", "labels", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(csv_out)))
    assert rows[0] == ["label", "language", "lang"]
    assert rows[1] == ["UN SDG Centre", "en", ""]
    tsv_out = sdgkg("query", "labels", "--format", "tsv").stdout
    lines = tsv_out.splitlines()
    assert lines[0] == "?label\t?language\t?lang"
    assert lines[1] == '"UN SDG Centre"@en\t"en"\t'


def test_without_a_terminal_select_defaults_to_csv(sdgkg):
    assert sdgkg("query", "labels").stdout.startswith("label,language,lang")


def test_table_compacts_iris_and_shows_language_tags(sdgkg):
    out = sdgkg("query", "labels", "--format", "table").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["label", "language", "lang"]
    assert lines[2].startswith('"UN SDG Centre"@en  "en"')
    assert lines[-1] == "(3 rows)"
    sparql = 'SELECT ?s WHERE { ?s skos:prefLabel "UN SDG Centre"@en }'
    assert sdgkg("query", sparql, "--format", "table").stdout.splitlines()[2] == "kg:centre"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("csv", "true\n"), ("tsv", "true\n"), ("table", "true\n")],
)
def test_ask_in_plain_formats(sdgkg, fmt, expected):
    assert sdgkg("query", "centre-is-centre", "-f", fmt).stdout == expected


def test_ask_json_and_xml(sdgkg):
    assert json.loads(sdgkg("query", "centre-is-centre", "-f", "json").stdout) == {
        "head": {},
        "boolean": True,
    }
    tree = ET.fromstring(sdgkg("query", "centre-is-centre", "-f", "xml").stdout)
    assert tree.find(f"{SRX}boolean").text == "true"
    false = sdgkg("query", "ASK { kg:centre a kg:Nothing }", "-f", "csv")
    assert false.stdout == "false\n"


@pytest.mark.parametrize(
    ("fmt", "syntax"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_construct_formats_parse_back(sdgkg, fmt, syntax):
    result = sdgkg("query", "centre-graph", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    graph = rdflib.Graph().parse(data=result.stdout, format=syntax)
    assert len(graph) == 6
    assert (rdflib.URIRef(CENTRE), None, None) in graph


def test_construct_defaults_to_turtle_with_project_prefixes(sdgkg):
    out = sdgkg("query", "centre-graph").stdout
    assert out.startswith("@prefix sdgkg: <https://w3id.org/sdgkg/ontology#> .")
    assert "kg:centre\n    a sdgkg:RegionalCentre ;" in out


def test_jsonld_uses_the_project_context(sdgkg):
    doc = json.loads(sdgkg("query", "centre-graph", "-f", "jsonld").stdout)
    assert doc["id"] == "kg:centre"
    assert doc["prefLabel"]["ru"] == "Центр ООН"


def test_wrong_format_for_the_kind_of_query(sdgkg):
    result = sdgkg("query", "centre-graph", "-f", "csv")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: format csv does not apply to a CONSTRUCT/DESCRIBE result\n"
        "Hint: table, turtle, jsonld, nt\n"
    )
    result = sdgkg("query", "labels", "-f", "turtle")
    assert result.stderr.startswith("Error: format turtle does not apply to a SELECT result\n")


def test_unknown_query_name_suggests_close_names(sdgkg):
    result = sdgkg("query", "label")
    assert result.exit_code == 2
    assert (
        result.stderr == "Error: unknown query 'label'\nHint: did you mean labels or long-labels?\n"
    )


def test_query_from_a_file_and_from_text(sdgkg, root):
    by_path = sdgkg("query", str(root / "queries" / "labels.rq"), "-f", "json")
    assert len(json.loads(by_path.stdout)["results"]["bindings"]) == 3
    text = sdgkg("query", "SELECT ?c WHERE { ?c a sdgkg:RegionalCentre }", "-f", "csv")
    assert text.stdout.splitlines() == ["c", CENTRE]


def test_sparql_syntax_error_is_one_line(sdgkg):
    result = sdgkg("query", "SELECT ?x WHERE { ?x }")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: invalid SPARQL at line 1, column ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { kg:a kg:b kg:c }",
        "PREFIX ex: <http://ex/>\nDELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "LOAD <http://example.org/x.ttl>",
        "DROP GRAPH <http://ex/g>",
    ],
)
def test_updates_are_refused(sdgkg, update):
    result = sdgkg("query", update)
    assert result.exit_code == 2
    keyword = update.split("\n")[-1].split()[0]
    assert result.stderr.startswith(
        f"Error: {keyword} is an update; sdgkg only runs read-only queries\n"
    )


def test_missing_query_file(sdgkg):
    result = sdgkg("query", "nowhere/else.rq")
    assert (result.exit_code, result.stderr) == (2, "Error: nowhere/else.rq: no such query file\n")
