"""`sdgkg serve` as a real process: SPARQLWrapper as its client, the protocol's error codes,
the limits, the Linked Data pages and the ontology page."""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from sdgkg import ResultFormat, load_graph, render, run_query
from sdgkg.server.http import ServerConfig, allowed_host_values
from sdgkg.server.protocol import negotiate
from sdgkg.server.workers import default_workers
from sdgkg.store.remote import RemoteEngine
from tests.conftest import REPO
from tests.peers import free_port, start_sdgkg_serve

KG = "https://w3id.org/sdgkg/id/"
GROUP: dict[str, int] = {}
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    peer, url = start_sdgkg_serve(log, "--timeout", "1.5", "--max-rows", "500", "--workers", "2")
    GROUP["pgid"] = peer.process.pid
    try:
        yield url.rstrip("/")
    finally:
        peer.stop()


def call(
    url: str,
    method: str = "GET",
    path: str = "/",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def client(server: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


# -- SPARQLWrapper as a client ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["pillars", "functions", "evidence", "centre-names"])
def test_sparqlwrapper_json_select_gives_the_embedded_rows(server: str, name: str) -> None:
    # RemoteEngine is SPARQLWrapper asking for SPARQL JSON results.
    got = run_query(
        name, {"lang": "kk"} if name != "evidence" else None, REPO, RemoteEngine(server + "/sparql")
    )
    expected = run_query(name, {"lang": "kk"} if name != "evidence" else None, REPO)
    assert got == expected and got.rows


def test_sparqlwrapper_xml_select(server: str) -> None:
    query = "SELECT ?name WHERE { kg:centre skos:prefLabel ?name } ORDER BY ?name"
    document = client(server, query, XML).queryAndConvert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert len(literals) == 3 and any(name.startswith("United Nations") for name in literals)


def test_sparqlwrapper_csv_select(server: str) -> None:
    query = "SELECT ?place WHERE { kg:central-asia schema:containsPlace ?place } ORDER BY ?place"
    body = client(server, query, CSV).queryAndConvert()
    expected = render(run_query(query, root=REPO), ResultFormat.CSV)
    assert body == expected
    assert body.decode("utf-8").splitlines()[0] == "place" and len(body.splitlines()) == 6


def test_sparqlwrapper_ask(server: str) -> None:
    yes = client(server, "ASK { kg:centre org:subOrganizationOf kg:un-desa }", JSON)
    no = client(server, "ASK { kg:centre org:subOrganizationOf kg:almaty }", JSON)
    assert yes.queryAndConvert()["boolean"] is True  # type: ignore[index]
    assert no.queryAndConvert()["boolean"] is False  # type: ignore[index]


def test_sparqlwrapper_construct(server: str) -> None:
    query = "CONSTRUCT { kg:centre ?p ?o } WHERE { kg:centre ?p ?o }"
    graph = client(server, query, TURTLE).queryAndConvert()
    from rdflib import Graph, URIRef

    parsed = Graph().parse(data=graph, format="turtle")  # type: ignore[arg-type]
    store = load_graph(REPO)
    expected = {q.triple for q in store.quads_for_pattern(None, None, None)}
    centre = {t for t in expected if t.subject.value == KG + "centre"}
    assert len(parsed) == len(centre)
    assert (URIRef(KG + "centre"), None, URIRef(KG + "un-desa")) in parsed


def test_post_form_and_direct_give_the_same_answer(server: str) -> None:
    query = "SELECT ?o WHERE { kg:centre org:subOrganizationOf ?o }"
    accept = {"Accept": "application/sparql-results+json"}
    form = call(
        server,
        "POST",
        "/sparql",
        urllib.parse.urlencode({"query": query}).encode(),
        {**accept, "Content-Type": "application/x-www-form-urlencoded"},
    )
    direct = call(
        server,
        "POST",
        "/sparql",
        query.encode(),
        {**accept, "Content-Type": "application/sparql-query"},
    )
    assert form[0] == direct[0] == 200
    assert json.loads(form[2]) == json.loads(direct[2])
    assert json.loads(form[2])["results"]["bindings"][0]["o"]["value"] == KG + "un-desa"


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/html", "text/html"),
        ("text/plain;q=0.5, text/csv", "text/csv"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_content_negotiation(server: str, accept: str, media: str) -> None:
    path = "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { kg:centre a ?t }"})
    status, headers, _ = call(server, path=path, headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(media)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("*/*", "text/turtle"),
    ],
)
def test_graph_content_negotiation(server: str, accept: str, media: str) -> None:
    path = "/sparql?" + urllib.parse.urlencode({"query": "DESCRIBE kg:almaty"})
    status, headers, body = call(server, path=path, headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(media)
    assert b"almaty" in body


# -- protocol errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "message"),
    [
        ("GET", "/sparql?query=SELECT%20%2A%20WHERE%20%7B", None, {}, 400, "invalid SPARQL"),
        (
            "POST",
            "/sparql",
            b"default-graph-uri=x",
            {"Content-Type": "application/x-www-form-urlencoded"},
            400,
            "no query given",
        ),
        ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400, "exactly one query"),
        ("PUT", "/sparql?query=ASK%7B%7D", b"", {}, 405, "PUT is not allowed"),
        ("DELETE", "/sparql", None, {}, 405, "DELETE is not allowed"),
        ("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}, 415, "text/plain"),
        ("POST", "/sparql", b"ASK {}", {}, 415, "no Content-Type"),
        (
            "POST",
            "/sparql",
            "ASK {}".encode("utf-16"),
            {"Content-Type": "application/sparql-query; charset=UTF-16"},
            415,
            "UTF-8",
        ),
        ("GET", "/sparql?query=ASK%7B%7D", None, {"Accept": "image/png"}, 406, "no acceptable"),
        ("GET", "/sparql?update=CLEAR%20ALL", None, {}, 403, "read-only"),
        (
            "POST",
            "/sparql",
            b"CLEAR ALL",
            {"Content-Type": "application/sparql-update"},
            403,
            "read-only",
        ),
        (
            "POST",
            "/sparql",
            b"update=DROP%20ALL",
            {"Content-Type": "application/x-www-form-urlencoded"},
            403,
            "read-only",
        ),
        ("GET", "/sparql?query=INSERT%20DATA%20%7B%7D", None, {}, 400, "INSERT is an update"),
        (
            "GET",
            "/sparql?query=LOAD%20%3Chttp%3A%2F%2Fexample.org%2F%3E",
            None,
            {},
            400,
            "LOAD is an update",
        ),
        (
            "GET",
            "/sparql?query=" + urllib.parse.quote("SELECT * { SERVICE <http://127.0.0.1:9/> {} }"),
            None,
            {},
            400,
            "SERVICE is refused",
        ),
        (
            "GET",
            "/sparql?query=" + urllib.parse.quote("SELECT * FROM <file:///etc/passwd> {}"),
            None,
            {},
            400,
            "only the graph's own named graphs",
        ),
        ("POST", "/", b"x", {"Content-Type": "text/plain"}, 405, "POST is not allowed"),
        ("GET", "/nowhere", None, {}, 404, "nothing at /nowhere"),
        ("GET", "/id/no-such-thing", None, {}, 404, "has nothing about"),
        ("GET", "/queries/no-such-query", None, {}, 404, "no named query"),
        ("GET", "/queries/pillars?lang=not%20a%20tag", None, {}, 400, "not a language tag"),
    ],
)
def test_protocol_errors(
    server: str,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
    message: str,
) -> None:
    got, response_headers, text = call(server, method, path, body, headers)
    assert got == status, text
    assert message in text.decode("utf-8")
    if status == 405:
        assert response_headers["allow"] == "GET, POST"


def test_body_over_the_cap_is_413(server: str) -> None:
    # The server answers from the headers, before reading (or waiting for) the body.
    parts = urllib.parse.urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("POST", "/sparql")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str((1 << 20) + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and b"larger than 1048576 bytes" in response.read()
    connection.close()


def test_chunked_body_needs_a_length(server: str) -> None:
    headers = {"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"}
    status, _, text = call(server, "POST", "/sparql", b"6\r\nASK {}\r\n0\r\n\r\n", headers)
    assert status == 411 and b"Content-Length" in text


def test_relative_iris_resolve_in_the_resource_namespace(server: str) -> None:
    query = urllib.parse.urlencode({"query": "ASK { <centre> org:subOrganizationOf <un-desa> }"})
    status, _, body = call(server, path="/sparql?" + query)
    assert status == 200 and json.loads(body)["boolean"] is True


def test_unknown_host_is_refused(server: str) -> None:
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example.
    status, _, text = call(server, path="/", headers={"Host": "evil.example"})
    assert status == 403 and b"host 'evil.example' is not served here" in text
    port = urllib.parse.urlsplit(server).port
    assert call(server, path="/", headers={"Host": f"localhost:{port}"})[0] == 200


def test_allowed_host_values() -> None:
    allowed = allowed_host_values("127.0.0.1", 8000, ["kg.example.org"])
    assert {"127.0.0.1:8000", "localhost:8000", "[::1]:8000", "kg.example.org"} <= allowed
    assert "localhost:8001" not in allowed and "evil.example:8000" not in allowed


def test_errors_are_pages_for_browsers(server: str) -> None:
    status, headers, body = call(server, path="/id/nothing", headers={"Accept": "text/html"})
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert b"<h1>Error 404</h1>" in body


# -- limits ---------------------------------------------------------------------------------


def _group_processes() -> set[int]:
    """The server's processes: itself, the zygote and the workers (one process group)."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[2]) == GROUP["pgid"]:  # zombies count too
            found.add(int(entry.name))
    return found


def test_a_query_past_the_time_limit_is_stopped(server: str) -> None:
    before = _group_processes()
    assert len(before) == 4  # server, zygote, two workers
    started = time.monotonic()
    status, _, text = call(server, path="/sparql?" + urllib.parse.urlencode({"query": SLOW}))
    assert status == 503, text
    assert b"ran longer than 1.5 s" in text
    assert time.monotonic() - started < 10
    # The worker that ran it was killed (the work really stopped) and a fresh one replaced it.
    deadline = time.monotonic() + 5  # SIGKILL is delivered, and the exit reaped, shortly after
    while len(after := _group_processes()) != 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(after) == 4 and len(before - after) == 1
    # The killed worker was replaced: the next query answers at once.
    started = time.monotonic()
    assert call(server, path="/sparql?query=ASK%7B%7D")[0] == 200
    assert time.monotonic() - started < 1.0


def test_the_default_is_two_workers_per_cpu_within_bounds() -> None:
    assert [default_workers(cpus) for cpus in (1, 2, 3, 8, 64)] == [2, 4, 6, 16, 16]
    assert default_workers() == default_workers(len(os.sched_getaffinity(0)))
    assert ServerConfig().workers == default_workers()


def test_a_result_past_the_row_limit_is_refused(server: str) -> None:
    query = "SELECT * WHERE { ?s ?p ?o }"
    status, _, text = call(server, path="/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 422
    assert b"more than 500 rows" in text and b"LIMIT" in text
    limited = urllib.parse.urlencode({"query": query + " LIMIT 500"})
    assert call(server, path="/sparql?" + limited)[0] == 200


# -- pages ----------------------------------------------------------------------------------


def test_home_page_lists_every_named_query_and_needs_no_cdn(server: str) -> None:
    status, _, body = call(server, path="/", headers={"Accept": "text/html"})
    page = body.decode("utf-8")
    assert status == 200
    for path in sorted((REPO / "queries").glob("*.rq")):
        assert f'action="/queries/{path.stem}"' in page
    assert '<form class="sparql" method="get" action="/sparql">' in page
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not url.startswith(("http:", "https:", "//")) or "w3id.org" not in url
    assert "<script" not in page  # the home page works without JavaScript
    assert re.findall(r'<link [^>]*href="([^"]+)"', page) == [
        "/static/style.css",
        "/.well-known/void",
    ]
    assert call(server, path="/static/style.css")[0] == 200


def test_named_query_page_and_download(server: str) -> None:
    status, _, body = call(server, path="/queries/pillars?lang=ru")
    assert status == 200 and "Устойчивый экономический рост" in body.decode("utf-8")
    status, headers, body = call(server, path="/queries/pillars?lang=kk&format=csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"] == 'attachment; filename="pillars.csv"'
    assert body.decode("utf-8").splitlines()[0] == "position,pillar,name"


def test_centre_page_shows_labels_links_and_evidence(server: str) -> None:
    status, headers, body = call(server, path="/id/centre", headers={"Accept": "text/html"})
    page = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    for label in (
        "United Nations Regional Centre for the Sustainable Development Goals",
        "Біріккен Ұлттар Ұйымының Орталық Азия",
        "Региональный центр ООН по Целям устойчивого развития",
    ):
        assert label in page
    assert 'href="/id/un-desa"' in page  # outgoing link
    assert 'href="/id/host-agreement"' in page  # incoming link
    assert 'href="/ontology#RegionalCentre"' in page  # its type
    sentence = "Ол БҰҰ Экономикалық және әлеуметтік мәселелер департаментінің құрылымына енеді."
    assert sentence in page and "(characters 1217–1296)" in page


@pytest.mark.parametrize(
    ("path", "accept", "media"),
    [
        ("/id/centre", "text/turtle", "text/turtle"),
        ("/id/centre.ttl", "text/html", "text/turtle"),
        ("/id/centre", "application/ld+json", "application/ld+json"),
        ("/id/centre.jsonld", "", "application/ld+json"),
        ("/id/centre.html", "text/turtle", "text/html"),
    ],
)
def test_resources_by_accept_header_and_extension(
    server: str, path: str, accept: str, media: str
) -> None:
    status, headers, body = call(server, path=path, headers={"Accept": accept} if accept else {})
    assert status == 200 and headers["content-type"].startswith(media)
    assert b"un-desa" in body


def test_every_resource_dereferences(server: str) -> None:
    store = load_graph(REPO)
    subjects = {q.subject.value for q in store if q.subject.value.startswith(KG)}
    assert len(subjects) > 100
    parts = urllib.parse.urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for iri in sorted(subjects):
        connection.request(
            "GET", "/id/" + urllib.parse.quote(iri[len(KG) :]), headers={"Accept": "text/turtle"}
        )
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, iri
        parsed = ox.parse(body, format=ox.RdfFormat.TURTLE)
        assert any(t.subject.value == iri for t in parsed), iri
    connection.close()


def test_ontology_page_documents_every_term(server: str) -> None:
    status, _, body = call(server, path="/ontology")
    page = body.decode("utf-8")
    assert status == 200
    for term in ("RegionalCentre", "Pillar", "hasPillar", "servesRegion", "involves"):
        assert f'id="{term}"' in page
    assert "Өңірлік орталық" in page and "Региональный центр" in page
    assert call(server, path="/ontology.ttl")[1]["content-type"].startswith("text/turtle")


def test_negotiate_prefers_quality_then_offer() -> None:
    offer = ("json", "xml", "html")
    assert negotiate("", offer) == "json"
    assert negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", offer) == "html"
    assert negotiate("application/xml", offer) == "xml"
    assert negotiate("image/png", offer) is None


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "sdgkg", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in result.stderr


def test_language_switch_on_a_query_without_lang(server: str) -> None:
    # ?lang= sets the page language; it binds only queries that declare a lang parameter.
    status, _, body = call(server, path="/queries/source-summary?lang=kk")
    assert status == 200 and "Kazinform" in body.decode("utf-8")
    status, _, body = call(server, path="/?lang=ru")
    assert status == 200 and '<option value="ru" selected>' in body.decode("utf-8")


def test_language_switch_keeps_the_query(server: str) -> None:
    query = urllib.parse.urlencode(
        {"query": "SELECT ?x WHERE { kg:centre org:subOrganizationOf ?x }"}
    )
    status, _, body = call(server, path=f"/sparql?{query}&lang=ru", headers={"Accept": "text/html"})
    page = body.decode("utf-8")
    assert status == 200 and "Департамент" in page  # link labels in Russian
    assert f'href="?{query}&amp;lang=kk"' in page
