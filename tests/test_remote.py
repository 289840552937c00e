"""`query --endpoint` and `push` against a real Oxigraph server started on a free port."""

from __future__ import annotations

import http.server
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sdgkg import QueryError, export_graph, list_queries, load_graph, resolve_query, run_query
from sdgkg.cli import app
from sdgkg.errors import InputError
from sdgkg.rdfio.terms import Term
from sdgkg.store.engine import QueryResult
from sdgkg.store.graph import dump_graphs
from sdgkg.store.remote import (
    PUSH_GRAPH,
    RemoteEngine,
    bind_values,
    push_graph,
    push_graphs,
    with_prefixes,
)
from tests.conftest import REPO
from tests.peers import Peer, free_port
from tests.tools import require_tool

NAMES = [q.name for q in list_queries(REPO)]
# Values for required parameters, and the queries that answer nothing on a complete graph.
EXAMPLE_PARAMS = {"search": {"text": "Алматыда"}}
EMPTY_ON_THE_REAL_GRAPH = {"label-coverage"}


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on a free port holding the pushed graph, both in PUSH_GRAPH and in
    its default graph; yields its base URL."""
    oxigraph = require_tool("oxigraph", wanted_by=__name__)
    folder = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    peer = Peer(
        [oxigraph, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        folder / "server.log",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        peer.wait_for(base + "/query?query=ASK%7B%7D")
        push_graph(base + "/store", export_graph("nt", REPO))
        push_graph(base + "/store", export_graph("nt", REPO), "default")
        yield base
    finally:
        peer.stop()


@pytest.fixture(scope="module")
def union_oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server whose default graph is the union of its named graphs, holding each
    file in its own named graph as `sdgkg push` sends them; yields its base URL."""
    oxigraph = require_tool("oxigraph", wanted_by=__name__)
    folder = tmp_path_factory.mktemp("oxigraph-union")
    port = free_port()
    command = [oxigraph, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"]
    peer = Peer([*command, "--union-default-graph"], folder / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        peer.wait_for(base + "/query?query=ASK%7B%7D")
        push_graphs(base + "/store", dump_graphs(REPO))
        yield base
    finally:
        peer.stop()


@pytest.fixture(scope="module")
def embedded() -> object:
    from sdgkg.store.engine import EmbeddedEngine

    return EmbeddedEngine(load_graph(REPO))


def _same(result: QueryResult, text: str = "") -> tuple[object, ...]:
    # Row order is only fixed up to ties of ORDER BY, and SPARQL leaves the order of the
    # values GROUP_CONCAT joins to the engine: compare rows sorted, concatenations as sets.
    joined = re.findall(r"GROUP_CONCAT\(.*?SEPARATOR=\"([^\"]*)\"\).*? AS \?(\w+)", text)
    rows = [list(row) for row in result.rows]
    for separator, name in joined:
        column = result.variables.index(name)
        for row in rows:
            term = row[column]
            if term is not None:
                parts = separator.join(sorted(term.value.split(separator)))
                row[column] = Term(term.kind, parts, term.datatype, term.language)
    rows_key = sorted((tuple(row) for row in rows), key=repr)
    return (result.kind, result.variables, rows_key, result.boolean, sorted(result.triples))


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_gives_the_embedded_rows(
    name: str, union_oxigraph: str, embedded: object
) -> None:
    # The server's default graph holds evidence and candidates too; the embedded one does not.
    remote = RemoteEngine(union_oxigraph + "/query")
    params = EXAMPLE_PARAMS.get(name, {})
    expected = run_query(name, params, root=REPO, engine=embedded)  # type: ignore[arg-type]
    got = run_query(name, params, root=REPO, engine=remote)
    text = resolve_query(name, REPO).text
    assert _same(got, text) == _same(expected, text)
    if not name.startswith("checks/") and name not in EMPTY_ON_THE_REAL_GRAPH:
        assert got.rows, "a named query should answer something on the real graph"


def test_parameters_bind_like_the_embedded_engine(union_oxigraph: str, embedded: object) -> None:
    remote = RemoteEngine(union_oxigraph + "/query")
    for name, params in [
        ("pillars", {"lang": "kk"}),
        ("centre-names", {"lang": "ru"}),
        ("parent-chain", {"unit": "kg:un-desa"}),
        ("evidence", {"subject": "kg:centre", "predicate": "org:subOrganizationOf"}),
    ]:
        expected = run_query(name, params, REPO, embedded)  # type: ignore[arg-type]
        text = resolve_query(name, REPO).text
        assert _same(run_query(name, params, REPO, remote), text) == _same(expected, text)
        assert expected.rows


def test_default_graph_without_graph_option(oxigraph: str) -> None:
    # The fixture also pushed to the default graph, which queries read without --graph.
    result = run_query("pillars", root=REPO, engine=RemoteEngine(oxigraph + "/query"))
    assert len(result.rows) == 3


def test_cli_output_is_the_same_bytes(oxigraph: str) -> None:
    runner = CliRunner()
    for args in (
        ["pillars", "-f", "json"],
        ["pillars", "-p", "lang=ru", "-f", "table"],
        ["centre-profile", "-f", "xml"],
        ["countries-served", "-f", "csv"],
        ["people-and-roles", "-f", "tsv"],
        ["ASK { kg:centre a sdgkg:RegionalCentre }", "-f", "json"],
        ["ASK { kg:centre a sdgkg:Pillar }", "-f", "csv"],
        ["CONSTRUCT { kg:centre ?p ?o } WHERE { kg:centre ?p ?o }", "-f", "turtle"],
        ["CONSTRUCT { ?s ?p kg:centre } WHERE { ?s ?p kg:centre }", "-f", "nt"],
        ["DESCRIBE kg:almaty", "-f", "jsonld"],
    ):
        # The pushed graph holds everything, as the embedded graph does read with --all-graphs.
        local = runner.invoke(app, ["--root", str(REPO), "query", *args, "--all-graphs"])
        remote = runner.invoke(
            app,
            [
                "--root",
                str(REPO),
                "query",
                *args,
                "--endpoint",
                oxigraph + "/query",
                "--graph",
                PUSH_GRAPH,
            ],
        )
        assert local.exit_code == remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout


def test_a_hostile_parameter_stays_a_literal(oxigraph: str) -> None:
    remote = RemoteEngine(oxigraph + "/query", default_graph=PUSH_GRAPH)
    nasty = 'x" } } ; DROP ALL # \\ \n'
    query = "SELECT ?name ?q WHERE { ?s ?p ?name FILTER (STR(?name) = ?q) }"
    assert remote.query(query, {"q": Term.literal(nasty)}).rows == ()
    text = bind_values(query, {"q": Term.literal(nasty)})
    assert 'VALUES (?q) { ("x\\" } } ; DROP ALL # \\\\ \\n") }' in text


def test_push_replaces_the_graph(oxigraph: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    remote = RemoteEngine(oxigraph + "/query", default_graph=PUSH_GRAPH)
    before = remote.query(count).rows
    report = push_graph(oxigraph + "/store", export_graph("nt", REPO))
    assert remote.query(count).rows == before  # replaced, not added twice
    assert before[0][0] == Term.literal(
        str(report.triples), "http://www.w3.org/2001/XMLSchema#integer"
    )


def test_push_cli(oxigraph: str) -> None:
    result = CliRunner().invoke(
        app, ["--root", str(REPO), "push", "--endpoint", oxigraph + "/store", "--graph", PUSH_GRAPH]
    )
    assert result.exit_code == 0, result.output
    assert f"to <{PUSH_GRAPH}> at {oxigraph}/store" in result.stderr


def test_push_cli_sends_each_file_to_its_named_graph(union_oxigraph: str) -> None:
    result = CliRunner().invoke(
        app, ["--root", str(REPO), "push", "--endpoint", union_oxigraph + "/store"]
    )
    assert result.exit_code == 0, result.output
    graphs = dump_graphs(REPO)
    triples = sum(data.count(b"\n") for data in graphs.values())
    assert result.stderr == (
        f"Pushed {triples} triples to {len(graphs)} named graphs, one per file, "
        f"at {union_oxigraph}/store\n"
    )
    listed = RemoteEngine(union_oxigraph + "/query").query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert {row[0].value for row in listed.rows if row[0]} == set(graphs)


def test_errors_are_one_line(oxigraph: str, tmp_path: Path) -> None:
    runner = CliRunner()
    nobody = f"http://127.0.0.1:{free_port()}"
    cases = [
        (
            ["query", "pillars", "--endpoint", nobody + "/query"],
            f"Error: cannot reach {nobody}/query",
        ),
        (["push", "--endpoint", nobody + "/store"], f"Error: cannot reach {nobody}/store"),
        (
            ["push", "--endpoint", oxigraph + "/nowhere"],
            f"Error: {oxigraph}/nowhere refused the graph: HTTP 404",
        ),
        (
            ["push", "--endpoint", "ftp://example.org/"],
            "Error: 'ftp://example.org/' is not an http(s) URL",
        ),
        (
            ["push", "--endpoint", oxigraph + "/store", "--graph", "not an iri"],
            "Error: 'not an iri' is not an absolute IRI",
        ),
        (
            ["query", "SELECT ?x WHERE {", "--endpoint", oxigraph + "/query"],
            f"Error: {oxigraph}/query refused the query",
        ),
        (
            ["query", "pillars", "--graph", PUSH_GRAPH],
            "Error: --graph only applies with --endpoint",
        ),
    ]
    for args, line in cases:
        result = runner.invoke(app, ["--root", str(REPO), *args])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(line), result.stderr
        assert "Traceback" not in result.output


def test_binding_an_unselected_variable_is_refused_as_embedded() -> None:
    with pytest.raises(QueryError, match=r"cannot bind \?lang: the query does not select it"):
        bind_values(
            "SELECT ?s WHERE { ?s ?p ?o FILTER (LANG(?o) = ?lang) }", {"lang": Term.literal("en")}
        )
    with pytest.raises(QueryError, match="cannot bind"):
        bind_values("ASK { ?s ?p ?lang }", {"lang": Term.literal("en")})
    with pytest.raises(QueryError, match="cannot bind the iri"):
        bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": Term.iri("http://a> } DROP ALL")})


def test_prefixes_are_declared_once() -> None:
    text = with_prefixes("PREFIX kg: <https://example.org/>\nSELECT * WHERE { kg:a ?p ?o }")
    assert text.count("PREFIX kg:") == 1 and "PREFIX skos: <" in text


def test_bad_url_is_an_input_error() -> None:
    with pytest.raises(InputError):
        RemoteEngine("localhost:7878")


def test_gsp_endpoint_really_holds_the_graph(oxigraph: str) -> None:
    request = urllib.request.Request(
        f"{oxigraph}/store?graph={urllib.request.quote(PUSH_GRAPH, safe='')}",
        headers={"Accept": "application/n-triples"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert b"<https://w3id.org/sdgkg/id/centre>" in response.read()


def test_union_default_graph_server_needs_no_graph_option(union_oxigraph: str) -> None:
    # The README's way: the server reads all named graphs as its default graph.
    engine = RemoteEngine(union_oxigraph + "/query")
    result = run_query("countries-served", root=REPO, engine=engine)
    assert result == run_query("countries-served", root=REPO)


def test_an_empty_default_graph_without_graph_is_pointed_out(tmp_path: Path) -> None:
    # A server that keeps the pushed graph in its named graph and reads an empty default graph:
    # 0 rows and exit 0 as before, and a warning on stderr saying to name the graph.
    oxigraph = require_tool("oxigraph", wanted_by=__name__)
    port = free_port()
    db = str(tmp_path / "db")
    peer = Peer(
        [oxigraph, "serve", "--location", db, "--bind", f"127.0.0.1:{port}"], tmp_path / "log"
    )
    base = f"http://127.0.0.1:{port}"
    runner = CliRunner()
    try:
        peer.wait_for(base + "/query?query=ASK%7B%7D")
        push_graph(base + "/store", export_graph("nt", REPO))
        alone = runner.invoke(
            app, ["--root", str(REPO), "query", "pillars", "--endpoint", base + "/query"]
        )
        assert alone.exit_code == 0 and alone.stdout.splitlines() == ["position,pillar,name"]
        assert alone.stderr.startswith(f"Warning: the default graph of {base}/query is empty;")
        assert "--graph IRI" in alone.stderr
        named = runner.invoke(
            app,
            [
                "--root",
                str(REPO),
                "query",
                "pillars",
                "--endpoint",
                base + "/query",
                "--graph",
                PUSH_GRAPH,
            ],
        )
        assert named.exit_code == 0 and named.stderr == "" and len(named.stdout.splitlines()) == 4
    finally:
        peer.stop()


def test_the_readme_push_example_counts_the_triples_push_sends() -> None:
    shown = re.search(
        r"Pushed (\d+) triples to (\d+) named graphs",
        (REPO / "README.md").read_text(encoding="utf-8"),
    )
    graphs = dump_graphs(REPO)
    assert shown and int(shown.group(2)) == len(graphs)
    assert int(shown.group(1)) == sum(data.count(b"\n") for data in graphs.values())


class _RefusesBeforeReading(http.server.BaseHTTPRequestHandler):
    """A graph store that asks for Digest credentials and refuses a write at once, closing the
    connection without reading the body, as Virtuoso does; it records what it was sent."""

    seen: list[tuple[str, str | None]] = []

    def _refuse(self) -> None:
        self.seen.append((self.command, self.headers.get("Authorization")))
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Digest realm="SPARQL", nonce="n1", qop="auth"')
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    do_HEAD = do_PUT = _refuse

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("password", [None, "wrong"])
def test_a_refusal_before_the_body_is_read_is_reported_as_the_servers_401(
    password: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if password:
        monkeypatch.setenv("SDGKG_USER", "curator")
        monkeypatch.setenv("SDGKG_PASSWORD", password)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RefusesBeforeReading)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _RefusesBeforeReading.seen = []
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/store"
        with pytest.raises(InputError, match="HTTP 401"):
            push_graph(endpoint, b"<urn:s> <urn:p> <urn:o> .\n" * 200_000, "urn:g")
    finally:
        server.shutdown()
        server.server_close()
    methods = [method for method, _ in _RefusesBeforeReading.seen]
    assert "PUT" not in methods  # the big body is never sent to a server that refuses it
    assert methods == (["HEAD", "HEAD"] if password else ["HEAD"])
    assert (_RefusesBeforeReading.seen[-1][1] or "").startswith("Digest " if password else "")
