"""`sdgkg serve` as its users' own tools meet it: SPARQLWrapper and rdflib's SPARQLStore with
their default settings, the Service Description, VoID, the ontology by content negotiation,
CORS, and HTTP caching (Vary, ETag, Last-Modified, 304) and gzip."""

from __future__ import annotations

import gzip
import json
import urllib.parse
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import SPARQLWrapper

from tests.peers import start_sdgkg_serve
from tests.test_serve import call

KG = Namespace("https://w3id.org/sdgkg/id/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
ORG = Namespace("http://www.w3.org/ns/org#")
PREFIXES = "PREFIX kg: <https://w3id.org/sdgkg/id/>\nPREFIX org: <http://www.w3.org/ns/org#>\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    peer, url = start_sdgkg_serve(log, "--workers", "2")
    try:
        yield url.rstrip("/")
    finally:
        peer.stop()


@pytest.fixture(scope="module")
def cors_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve-cors") / "serve.log"
    peer, url = start_sdgkg_serve(log, "--workers", "2", "--cors")
    try:
        yield url.rstrip("/")
    finally:
        peer.stop()


# -- SPARQLWrapper with nothing but a query (its default: XML, RDF/XML) ------------------------


def plain(server: str, query: str) -> object:
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(PREFIXES + query)
    return client.queryAndConvert()


def test_sparqlwrapper_defaults_select(server: str) -> None:
    document = plain(server, "SELECT ?o WHERE { kg:centre org:subOrganizationOf ?o }")
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[attr-defined]
    assert uris == [str(KG["un-desa"])]


def test_sparqlwrapper_defaults_ask(server: str) -> None:
    document = plain(server, "ASK { kg:centre org:subOrganizationOf kg:un-desa }")
    answer = document.getElementsByTagName("boolean")[0].firstChild.data  # type: ignore[attr-defined]
    assert answer == "true"


def test_sparqlwrapper_defaults_construct(server: str) -> None:
    graph = plain(server, "CONSTRUCT { kg:centre ?p ?o } WHERE { kg:centre ?p ?o }")
    assert isinstance(graph, Graph)
    assert (KG.centre, ORG.subOrganizationOf, KG["un-desa"]) in graph
    assert len(set(graph.objects(KG.centre, SKOS.prefLabel))) == 3


def test_sparqlwrapper_defaults_describe(server: str) -> None:
    graph = plain(server, "DESCRIBE kg:almaty")
    assert isinstance(graph, Graph)
    assert Literal("Almaty", lang="en") in set(graph.objects(KG.almaty, SKOS.prefLabel))


# -- rdflib's SPARQLStore, defaults -------------------------------------------------------------


@pytest.fixture
def remote(server: str) -> Graph:
    return Graph(store=SPARQLStore(server + "/sparql"))


def test_sparqlstore_select(remote: Graph) -> None:
    rows = list(remote.query(PREFIXES + "SELECT ?o WHERE { kg:centre org:subOrganizationOf ?o }"))
    assert [row[0] for row in rows] == [KG["un-desa"]]  # type: ignore[index]


def test_sparqlstore_ask(remote: Graph) -> None:
    assert remote.query(PREFIXES + "ASK { kg:centre org:subOrganizationOf kg:un-desa }").askAnswer
    assert not remote.query(
        PREFIXES + "ASK { kg:centre org:subOrganizationOf kg:almaty }"
    ).askAnswer


def test_sparqlstore_construct_and_describe(remote: Graph) -> None:
    built = remote.query(PREFIXES + "CONSTRUCT { kg:centre ?p ?o } WHERE { kg:centre ?p ?o }")
    assert (KG.centre, ORG.subOrganizationOf, KG["un-desa"]) in built.graph  # type: ignore[operator]
    described = remote.query(PREFIXES + "DESCRIBE kg:almaty")
    assert (KG.almaty, SKOS.prefLabel, Literal("Almaty", lang="en")) in described.graph  # type: ignore[operator]
    assert (KG.centre, None, None) in remote  # triples() also goes through the endpoint


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format"),
    [
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("application/trig", "application/trig", "trig"),
    ],
)
def test_graph_formats_of_oxigraph_too(
    server: str, accept: str, media: str, rdflib_format: str
) -> None:
    query = urllib.parse.urlencode(
        {"query": "CONSTRUCT { kg:centre ?p ?o } WHERE { kg:centre ?p ?o }"}
    )
    status, headers, body = call(server, path="/sparql?" + query, headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(media)
    assert headers["vary"].startswith("Accept")
    parsed = Graph().parse(data=body, format=rdflib_format)
    assert (KG.centre, ORG.subOrganizationOf, KG["un-desa"]) in parsed


# -- documents about the service ---------------------------------------------------------------


def test_service_description_at_sparql_without_a_query(server: str) -> None:
    status, headers, body = call(server, path="/sparql")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert headers["vary"].startswith("Accept")
    graph = Graph().parse(data=body, format="turtle")
    endpoint = URIRef(server + "/sparql")
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    names = set(graph.objects(None, SD.name))
    assert URIRef("https://w3id.org/sdgkg/graph/kg/centre.ttl") in names
    rdfxml = call(server, path="/sparql", headers={"Accept": "application/rdf+xml"})
    assert len(Graph().parse(data=rdfxml[2], format="xml")) == len(graph)
    page = call(server, path="/sparql", headers={"Accept": "text/html"})
    assert page[0] == 200 and page[1]["content-type"].startswith("text/html")


def test_void_is_served_and_linked_from_home(server: str) -> None:
    status, headers, body = call(server, path="/.well-known/void")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    dataset = URIRef(server + "/.well-known/void#dataset")
    assert (dataset, VOID.sparqlEndpoint, URIRef(server + "/sparql")) in graph
    triples = int(graph.value(dataset, VOID.triples))  # type: ignore[arg-type]
    count = call(
        server,
        path="/sparql?query="
        + urllib.parse.quote("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"),
    )
    assert triples == int(json.loads(count[2])["results"]["bindings"][0]["n"]["value"])
    home = call(server, path="/")[2].decode("utf-8")
    assert 'href="/.well-known/void"' in home


@pytest.mark.parametrize(
    ("path", "accept", "media", "rdflib_format"),
    [
        ("/ontology", "text/turtle", "text/turtle", "turtle"),
        ("/ontology", "application/ld+json", "application/ld+json", "json-ld"),
        ("/ontology", "application/rdf+xml", "application/rdf+xml", "xml"),
        ("/ontology.ttl", "text/html", "text/turtle", "turtle"),
        ("/ontology.jsonld", "", "application/ld+json", "json-ld"),
        ("/ontology.nt", "", "application/n-triples", "nt"),
        ("/ontology.rdf", "", "application/rdf+xml", "xml"),
    ],
)
def test_ontology_by_accept_and_extension(
    server: str, path: str, accept: str, media: str, rdflib_format: str
) -> None:
    status, headers, body = call(server, path=path, headers={"Accept": accept} if accept else {})
    assert status == 200 and headers["content-type"].startswith(media)
    assert ("Accept" in headers.get("vary", "").split(", ")) == (path == "/ontology")
    graph = Graph().parse(data=body, format=rdflib_format)
    term = URIRef("https://w3id.org/sdgkg/ontology#RegionalCentre")
    assert (term, None, None) in graph and len(graph) > 100


def test_ontology_page_for_browsers(server: str) -> None:
    status, headers, _ = call(server, path="/ontology", headers={"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert call(server, path="/ontology.pdf")[0] == 404


# -- HTTP caching and compression --------------------------------------------------------------


def test_etag_and_last_modified_give_304(server: str) -> None:
    path = "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { kg:centre a ?t }"})
    status, headers, body = call(server, path=path)
    assert status == 200 and headers["etag"].startswith('"') and headers["last-modified"]
    again = call(server, path=path, headers={"If-None-Match": headers["etag"]})
    assert again[0] == 304 and again[2] == b"" and again[1]["etag"] == headers["etag"]
    since = call(server, path=path, headers={"If-Modified-Since": headers["last-modified"]})
    assert since[0] == 304
    other = call(server, path=path, headers={"If-None-Match": '"something-else"'})
    assert other[0] == 200 and other[2] == body
    page = call(server, path="/id/centre")
    assert call(server, path="/id/centre", headers={"If-None-Match": page[1]["etag"]})[0] == 304


def test_large_answers_are_gzipped_when_allowed(server: str) -> None:
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"})
    accept = {"Accept": "text/csv"}
    plain_answer = call(server, path="/sparql?" + query, headers=accept)
    zipped = call(server, path="/sparql?" + query, headers={**accept, "Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain_answer[1]
    assert zipped[1]["content-encoding"] == "gzip"
    assert zipped[1]["vary"] == plain_answer[1]["vary"] == "Accept, Accept-Encoding"
    assert gzip.decompress(zipped[2]) == plain_answer[2]
    assert len(zipped[2]) < len(plain_answer[2]) / 3
    assert zipped[1]["etag"] != plain_answer[1]["etag"]
    refused = call(
        server, path="/sparql?" + query, headers={**accept, "Accept-Encoding": "gzip;q=0"}
    )
    assert "content-encoding" not in refused[1]
    small = call(server, path="/sparql?query=ASK%7B%7D", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small[1]


def test_vary_accept_on_negotiated_pages(server: str) -> None:
    assert call(server, path="/id/centre")[1]["vary"].startswith("Accept")
    assert "Accept" not in call(server, path="/id/centre.ttl")[1].get("vary", "").split(", ")


# -- CORS ------------------------------------------------------------------------------------


def test_cors_is_off_by_default(server: str) -> None:
    status, headers, _ = call(server, "OPTIONS", "/sparql", headers={"Origin": "http://a.example"})
    assert status == 405 and "access-control-allow-origin" not in headers
    assert "access-control-allow-origin" not in call(server, path="/sparql?query=ASK%7B%7D")[1]


def test_cors_preflight_and_headers(cors_server: str) -> None:
    asked = {
        "Origin": "http://a.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    status, headers, _ = call(cors_server, "OPTIONS", "/sparql", headers=asked)
    assert status == 204
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    assert headers["access-control-allow-headers"] == "content-type"
    answer = call(
        cors_server, path="/sparql?query=ASK%7B%7D", headers={"Origin": "http://a.example"}
    )
    assert answer[0] == 200 and answer[1]["access-control-allow-origin"] == "*"
    refused = call(cors_server, "OPTIONS", "/sparql", headers={**asked, "Host": "evil.example"})
    assert refused[0] == 403
