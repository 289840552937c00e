"""Named queries: the header parser, the listing, and the project's own query files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdgkg import list_queries, load_graph, run_query
from sdgkg.errors import QueryError
from sdgkg.query.named import Param, ParamType, parse_query
from sdgkg.store.engine import EmbeddedEngine

from .conftest import REPO, real_data_exists


def test_header_becomes_a_named_query():
    text = (
        "#+ title: Names\n#+ description: The names.\n"
        "#+ param: lang | language | - | Only this language.\n"
        "#+ param: who | iri | kg:centre | The resource.\n"
        "#+ param: n | integer | ! | Required.\n"
        "# an ordinary comment\nSELECT * WHERE { ?s ?p ?o }\n"
    )
    query = parse_query(text, "names")
    assert (query.name, query.title, query.description) == ("names", "Names", "The names.")
    assert query.params == (
        Param("lang", ParamType.LANGUAGE, None, "Only this language."),
        Param("who", ParamType.IRI, "kg:centre", "The resource."),
        Param("n", ParamType.INTEGER, None, "Required.", required=True),
    )
    assert query.text == text  # the file stays valid SPARQL: the header is comments


def test_grlc_header_and_variables_become_params():
    text = (
        "#+ summary: Labels\n#+ description: 'Labels: of a resource.'\n"
        "#+ defaults:\n#+   - who: https://w3id.org/sdgkg/id/centre\n"
        "#+ params:\n#+   - lang: language | Only this language.\n"
        "#+   - n: integer | How many.\n"
        "SELECT ?label $_who_iri $__lang WHERE { ?_who_iri rdfs:label ?label\n"
        "  FILTER (COALESCE(LANG(?label) = ?__lang, true) && STRLEN(?label) > ?_n) }\n"
    )
    query = parse_query(text, "labels")
    assert (query.title, query.description) == ("Labels", "Labels: of a resource.")
    who = "https://w3id.org/sdgkg/id/centre"
    assert query.params == (
        Param("who", ParamType.IRI, who, "", variable="_who_iri"),
        Param("lang", ParamType.LANGUAGE, None, "Only this language.", variable="__lang"),
        Param("n", ParamType.INTEGER, None, "How many.", required=True, variable="_n"),
    )
    assert query.renames == {"_who_iri": "who", "__lang": "lang", "_n": "n"}
    assert "variable" not in query.as_dict()["params"][0]  # type: ignore[index]


def test_bad_param_lines_are_query_errors():
    with pytest.raises(QueryError, match="bad param line"):
        parse_query("#+ param: lang | language\nASK {}", "q")
    with pytest.raises(QueryError, match="unknown type 'date'"):
        parse_query("#+ param: d | date | - | x\nASK {}", "q")


def test_list_includes_checks_sorted_by_name(root):
    names = [q.name for q in list_queries(root)]
    assert names == [
        "centre-graph",
        "centre-is-centre",
        "checks/facts-without-evidence-violation",
        "labels",
        "long-labels",
    ]


def test_queries_command_text_and_json(sdgkg):
    lines = sdgkg("queries").stdout.splitlines()
    assert lines[3] == "labels                                   Labels of a resource"
    doc = json.loads(sdgkg("queries", "--format", "json").stdout)
    labels = next(q for q in doc if q["name"] == "labels")
    assert labels["params"][0] == {
        "name": "entity",
        "type": "iri",
        "default": "kg:centre",
        "required": False,
        "description": "The resource.",
    }


def test_a_check_finds_the_fact_without_evidence(root):
    result = run_query("checks/facts-without-evidence-violation", root=root)
    assert [row[0].display() for row in result.rows] == ["kg:fact-almaty-label"]


# The project's own assets, where the other half of the repository already has them.
REAL_QUERIES = sorted((REPO / "queries").rglob("*.rq")) if (REPO / "queries").is_dir() else []
needs_real = pytest.mark.skipif(not real_data_exists(), reason="no kg/ in this checkout yet")


@pytest.fixture(scope="module")
def real_engine() -> EmbeddedEngine:
    return EmbeddedEngine(load_graph(REPO))


@needs_real
@pytest.mark.parametrize("path", REAL_QUERIES, ids=lambda p: p.stem)
def test_every_real_query_has_a_header_and_runs(path: Path, real_engine):
    query = parse_query(path.read_text(encoding="utf-8"), path.stem, path)
    assert query.title, f"{path.name} has no '#+ title:' line"
    if not any(param.required for param in query.params):
        run_query(query, {}, engine=real_engine)


@needs_real
@pytest.mark.parametrize(
    "path", [p for p in REAL_QUERIES if p.stem.endswith("-violation")], ids=lambda p: p.stem
)
def test_every_real_check_returns_no_rows(path: Path, real_engine):
    query = parse_query(path.read_text(encoding="utf-8"), path.stem, path)
    assert run_query(query, {}, engine=real_engine).rows == ()
