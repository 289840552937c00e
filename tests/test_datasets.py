"""The default graph holds the curated files; evidence and extraction candidates stay in named
graphs of their own, reached with GRAPH or read with everything by `all_graphs`."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from typer.testing import CliRunner

from sdgkg import list_queries, resolve_query, run_query
from sdgkg.cli import app
from sdgkg.errors import QueryError
from sdgkg.namespaces import GRAPH_BASE, KG, KGX
from sdgkg.store.datasets import CANDIDATE_GRAPHS, EVIDENCE_GRAPHS, graph_kind
from sdgkg.store.engine import EmbeddedEngine
from sdgkg.store.graph import graph_names, load_graph
from sdgkg.store.index import open_index
from sdgkg.store.remote import RemoteEngine
from tests.conftest import REPO
from tests.peers import start_sdgkg_serve
from tests.test_serve import call

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")

NAMES = [q.name for q in list_queries(REPO)]
EXAMPLE_PARAMS = {"search": {"text": "Алматыда"}}
# A word of the article that the curated labels, the evidence sentences and the candidates'
# passages all contain.
FREE_TEXT = """SELECT DISTINCT ?s WHERE {
  ?s ?p ?text FILTER (isLiteral(?text) && CONTAINS(LCASE(STR(?text)), "алматы")) }"""


def _subjects(result: object) -> set[str]:
    return {row[0].value for row in result.rows if row[0] is not None}  # type: ignore[attr-defined]


def test_the_graphs_are_sorted_by_their_folder() -> None:
    kinds = {iri.removeprefix(GRAPH_BASE): graph_kind(iri) for iri in graph_names(REPO)}
    assert kinds["kg/centre.ttl"] == kinds["ontology/sdgkg.ttl"] == "curated"
    assert kinds["kg/sources.ttl"] == kinds["kg/translations.ttl"] == "curated"
    assert kinds["kg/evidence/facts.ttl"] == kinds["kg/evidence/passages.ttl"] == "evidence"
    extracted = [name for name in kinds if name.startswith("kg/extracted/")]
    assert extracted and all(kinds[name] == "candidates" for name in extracted)


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_gives_the_rows_it_gave_over_all_graphs(name: str) -> None:
    # Before the graphs were kept apart, every query read all files as its default graph.
    params = EXAMPLE_PARAMS.get(name, {})
    assert run_query(name, params, REPO) == run_query(name, params, REPO, all_graphs=True)


def test_a_free_text_filter_meets_curated_resources_only() -> None:
    curated = _subjects(run_query(FREE_TEXT, root=REPO))
    everything = _subjects(run_query(FREE_TEXT, root=REPO, all_graphs=True))
    assert KG + "almaty" in curated
    assert not any(s.startswith(KGX) for s in curated)  # no candidate, no candidate passage
    assert KG + "seed-l02-quote" not in curated  # an evidence sentence
    assert KG + "seed-l02-quote" in everything
    assert any(s.startswith(KGX) for s in everything)


def test_graph_reaches_the_evidence_and_the_candidates() -> None:
    query = f"""SELECT DISTINCT ?s WHERE {{
      GRAPH ?g {{ ?s ?p ?text FILTER (isLiteral(?text)
        && CONTAINS(LCASE(STR(?text)), "алматы")) }}
      FILTER (STRSTARTS(STR(?g), "{EVIDENCE_GRAPHS}") || STRSTARTS(STR(?g), "{CANDIDATE_GRAPHS}"))
    }}"""
    found = _subjects(run_query(query, root=REPO))
    assert KG + "seed-l02-quote" in found and any(s.startswith(KGX) for s in found)
    assert KG + "almaty" not in found  # its labels are curated


def test_candidates_and_statements_are_not_in_the_default_graph() -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?class VALUES ?class { %s } }"
    for kind in ("sdgkg:Candidate", "rdf:Statement", "oa:TextQuoteSelector"):
        assert run_query(count % kind, root=REPO).rows[0][0].value == "0"  # type: ignore[union-attr]
        everything = run_query(count % kind, root=REPO, all_graphs=True)
        assert int(everything.rows[0][0].value) > 0  # type: ignore[union-attr]


def test_search_finds_evidence_sentences_but_never_candidates() -> None:
    result = run_query("search", {"text": "Экономикалық және әлеуметтік"}, REPO)
    found = {row[result.variables.index("found")].value for row in result.rows}  # type: ignore[union-attr]
    resources = {row[0].value for row in result.rows}  # type: ignore[union-attr]
    assert "evidence" in found
    assert not any(r.startswith(KGX) for r in resources)


def test_the_named_queries_name_the_evidence_graphs_of_the_rule() -> None:
    for name in NAMES:
        text = resolve_query(name, REPO).text
        for prefix in re.findall(r'STRSTARTS\(STR\(\?\w+Graph\), "([^"]+)"\)', text):
            assert prefix == EVIDENCE_GRAPHS, name


def test_the_cli_reads_everything_with_all_graphs() -> None:
    runner = CliRunner()
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a sdgkg:Candidate }"
    curated = runner.invoke(app, ["--root", str(REPO), "query", query, "-f", "csv"])
    everything = runner.invoke(
        app, ["--root", str(REPO), "query", query, "-f", "csv", "--all-graphs"]
    )
    assert curated.exit_code == everything.exit_code == 0, everything.output
    assert curated.stdout.splitlines() == ["n", "0"]
    assert int(everything.stdout.splitlines()[1]) > 0


def test_all_graphs_is_refused_with_an_endpoint() -> None:
    with pytest.raises(QueryError, match="embedded graph only"):
        run_query(
            "pillars", root=REPO, engine=RemoteEngine("http://127.0.0.1:9/q"), all_graphs=True
        )
    result = CliRunner().invoke(
        app,
        [
            "--root",
            str(REPO),
            "query",
            "pillars",
            "--all-graphs",
            "--endpoint",
            "http://127.0.0.1:9/q",
        ],
    )
    assert result.exit_code == 2 and result.stderr.startswith("Error: --all-graphs")


# -- the server reads the same default graph ----------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    peer, url = start_sdgkg_serve(tmp_path_factory.mktemp("serve") / "serve.log")
    try:
        yield url.rstrip("/")
    finally:
        peer.stop()


def _count(server: str, query: str, **dataset: str) -> int:
    params = {"query": query, **{k.replace("_", "-"): v for k, v in dataset.items()}}
    status, _, body = call(server, path="/sparql?" + urllib.parse.urlencode(params))
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_the_endpoint_reads_the_curated_default_graph(server: str) -> None:
    candidates = "SELECT (COUNT(*) AS ?n) WHERE { ?s a sdgkg:Candidate }"
    in_graphs = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a sdgkg:Candidate } }"
    assert _count(server, candidates) == 0
    assert _count(server, in_graphs) > 0
    extracted = sorted(g for g in graph_names(REPO) if graph_kind(g) == "candidates")[0]
    assert _count(server, candidates, default_graph_uri=extracted) > 0


def test_the_service_description_and_void_say_what_the_default_graph_holds(server: str) -> None:
    description = Graph().parse(data=call(server, path="/sparql")[2], format="turtle")
    assert (None, SD.feature, SD.UnionDefaultGraph) not in description
    void = Graph().parse(data=call(server, path="/.well-known/void")[2], format="turtle")
    dataset = URIRef(server + "/.well-known/void#dataset")
    for kind in ("evidence", "candidates"):
        subset = URIRef(f"{server}/.well-known/void#{kind}")
        assert (dataset, VOID.subset, subset) in void
        assert int(void.value(subset, VOID.triples)) > 0  # type: ignore[arg-type]


def test_the_persistent_index_has_the_same_default_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The on-disk store big graphs are read from keeps a copy of the curated graphs in its
    # default graph; read through the engine it answers as the files parsed in memory do.
    monkeypatch.setenv("SDGKG_CACHE_DIR", str(tmp_path))
    index, memory = open_index(REPO), load_graph(REPO)
    for all_graphs in (False, True):
        on_disk = EmbeddedEngine(index, all_graphs=all_graphs, curated_copy=True)
        in_memory = EmbeddedEngine(memory, all_graphs=all_graphs)
        for name in ("pillars", "people-and-roles", "evidence", "source-summary"):
            query = resolve_query(name, REPO)
            assert run_query(query, engine=on_disk) == run_query(query, engine=in_memory)
        for query in (FREE_TEXT, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
            assert sorted(on_disk.query(query).rows, key=repr) == sorted(
                in_memory.query(query).rows, key=repr
            )
