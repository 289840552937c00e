"""Every input path refuses what could read the disk, reach the network or hang, with one
clear `Error: <file>:<line>: ...` line, exit code 2 and no file changed."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from sdgkg.safety import network as netguard
from sdgkg.safety.network import NetworkRefused, allow_url, offline

PREFIXES = (
    "@prefix kg: <https://w3id.org/sdgkg/id/> .\n"
    "@prefix schema: <https://schema.org/> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
RDF_XML = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'

# name -> (file name, content, the error line expected on stderr)
BAD_INPUTS = {
    "iri-with-space": (
        "a.ttl",
        "<https://w3id.org/sdgkg/id/a b> <http://p> 1 .\n",
        "Error: a.ttl:1:1: Invalid IRI code point ' '",
    ),
    "iri-with-quote": ("a.ttl", PREFIXES + 'kg:a schema:url <https://x/"y> .\n', "Error: a.ttl:5:"),
    "iri-with-gt": ("a.ttl", PREFIXES + "kg:a schema:url <https://x/>y> .\n", "Error: a.ttl:5:"),
    "unknown-prefix": (
        "a.ttl",
        PREFIXES + "kg:a foo:bar kg:b .\n",
        "Error: a.ttl:5:6: The prefix foo: has not been declared",
    ),
    "relative-iri": (
        "a.ttl",
        "<centre> <http://p> <http://o> .\n",
        "Error: a.ttl:1:1: No scheme found in an absolute IRI",
    ),
    "ill-typed-integer": (
        "a.ttl",
        PREFIXES + '\nkg:a schema:position "four"^^xsd:integer .\n',
        'Error: a.ttl:6: "four" is not a valid xsd:integer',
    ),
    "ill-typed-date": (
        "a.ttl",
        PREFIXES + 'kg:a schema:endTime "2025-02-31"^^xsd:date .\n',
        'Error: a.ttl:5: "2025-02-31" is not a valid xsd:date',
    ),
    "language-tag": (
        "a.ttl",
        PREFIXES + 'kg:a skos:prefLabel "Zentrum"@de .\n',
        "Error: a.ttl:5: language tag 'de' is not one of kk, en, ru",
    ),
    "jsonld-remote-context": (
        "a.jsonld",
        '{\n "@context": "https://schema.org/",\n "@id": "https://x/a"\n}\n',
        'Error: a.jsonld:2: JSON-LD context "https://schema.org/" is refused',
    ),
    "jsonld-file-context": (
        "a.jsonld",
        '{"@context": ["file:///etc/passwd"], "@id": "https://x/a"}\n',
        'Error: a.jsonld:1: JSON-LD context "file:///etc/passwd" is refused',
    ),
    "jsonld-import": (
        "a.jsonld",
        '{"@context": {"@import": "https://x/ctx"}, "@id": "https://x/a"}\n',
        'Error: a.jsonld:1: JSON-LD context "https://x/ctx" is refused',
    ),
    "jsonld-scoped-context": (
        "a.jsonld",
        '{"@context": {"t": {"@id": "https://x/t", "@context": "https://x/c"}}, "@id": "x"}\n',
        'Error: a.jsonld:1: JSON-LD context "https://x/c" is refused',
    ),
    "jsonld-relative-id": (
        "a.jsonld",
        '{"@context": {"skos": "http://www.w3.org/2004/02/skos/core#"},\n'
        ' "@id": "centre", "skos:altLabel": "x"}\n',
        'Error: a.jsonld:2: JSON-LD @id "centre" is not an absolute IRI',
    ),
    "jsonld-iri-with-space": (
        "a.jsonld",
        '{"@id": "https://w3id.org/sdgkg/id/a b", "http://x/p": "x"}\n',
        'Error: a.jsonld:1: JSON-LD @id "https://w3id.org/sdgkg/id/a b" is not an absolute IRI',
    ),
    "jsonld-undefined-term": (
        "a.jsonld",
        '{"@id": "https://w3id.org/sdgkg/id/centre",\n "name": "x"}\n',
        'Error: a.jsonld:2: JSON-LD key "name" is not a term of the context',
    ),
    "jsonld-deep": (
        "a.jsonld",
        "[" * 100_000 + "]" * 100_000,
        "Error: a.jsonld: JSON nested too deeply",
    ),
    "rdfxml-deep": (
        "a.rdf",
        RDF_XML.replace("/>", ">\n<rdf:Description rdf:about='https://x/a'>")
        + "<rdf:value rdf:parseType='Resource'>" * 5000,
        "Error: a.rdf:3: RDF/XML nested deeper than 1000 elements",
    ),
    "rdfxml-entity": (
        "a.rdf",
        '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n' + RDF_XML,
        "Error: a.rdf:2: RDF/XML with a DOCTYPE declaration is refused",
    ),
    "rdfxml-external-entity": (
        "a.rdf",
        '<!ENTITY x SYSTEM "file:///etc/passwd">\n' + RDF_XML,
        "Error: a.rdf:1: RDF/XML with a ENTITY declaration is refused",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_one_error_line(
    case: tuple[str, str, str], sdgkg: Callable[..., Result], root: Path, tmp_path: Path
) -> None:
    name, content, expected = case
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = snapshot(root)
    result = sdgkg("validate", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0].startswith(expected.replace("a.", f"{tmp_path}/a.", 1))
    assert "Traceback" not in result.output
    assert snapshot(root) == before


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes, by path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# Queries: refused before evaluation, with the reason.
@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", "FROM <http://ex"),
        ("LOAD <file:///etc/passwd>", "LOAD is an update"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE is an update"),
    ],
)
def test_query_refuses(sparql: str, expected: str, sdgkg: Callable[..., Result]) -> None:
    result = sdgkg("query", sparql)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and expected in result.stderr


def test_from_one_of_the_graphs_own_files_is_allowed(sdgkg: Callable[..., Result]) -> None:
    own = "https://w3id.org/sdgkg/graph/kg/centre.ttl"
    result = sdgkg("query", f"ASK FROM <{own}> WHERE {{ ?s ?p ?o }}", "--format", "json")
    assert result.exit_code == 0, result.output


def test_deeply_nested_query_is_an_error_not_a_crash(sdgkg: Callable[..., Result]) -> None:
    # pyoxigraph's parser recurses: 20,000 levels overflow its stack and kill the process.
    result = sdgkg("query", "SELECT * WHERE " + "{" * 20_000 + "}" * 20_000)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: query nested deeper than 64 levels")


def test_row_limit(sdgkg: Callable[..., Result]) -> None:
    cartesian = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result = sdgkg("query", cartesian, "--max-rows", "100")
    assert result.exit_code == 2
    assert "Error: query returned more than 100 rows (the row limit)" in result.stderr


def test_row_limit_from_the_environment(
    sdgkg: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDGKG_MAX_ROWS", "3")
    result = sdgkg("query", "SELECT * WHERE { ?s ?p ?o }")
    assert "more than 3 rows" in result.stderr


# The fixture's default graph (its curated files) has about 12 triples: eight patterns make
# 12^8 rows to count.
_JOIN = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r . ?s ?t ?u . ?v ?w ?x"
SLOW = {
    "cartesian-count": f"SELECT (COUNT(*) AS ?n) WHERE {{ {_JOIN} }}",
    "cartesian-order": f"SELECT * WHERE {{ {_JOIN} }} ORDER BY ?c ?f ?i ?l ?o ?r LIMIT 1",
    "regex": f"SELECT * WHERE {{ {_JOIN} "
    "FILTER REGEX(CONCAT(STR(?c), STR(?f), STR(?i), STR(?l), STR(?o), STR(?r), "
    '"aaaaaaaa"), "(a+)+(b+)+$") }',
}


@pytest.mark.parametrize("sparql", SLOW.values(), ids=SLOW.keys())
def test_time_limit_stops_the_process(sparql: str, root: Path) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "sdgkg", "--root", str(root), "query", sparql, "--timeout", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: query stopped after the 1 s time limit")
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 15


# The network backstop.
@pytest.fixture
def listener() -> socket.socket:
    server = socket.create_server(("127.0.0.1", 0))
    yield server
    server.close()


def test_offline_refuses_connections(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    with pytest.raises(NetworkRefused), offline():
        socket.create_connection(("127.0.0.1", port), timeout=2)
    with pytest.raises(NetworkRefused), offline():
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310
    with pytest.raises(NetworkRefused), offline():
        socket.getaddrinfo("example.org", 80)
    with pytest.raises(NetworkRefused), offline(), socket.socket(type=socket.SOCK_DGRAM) as udp:
        udp.sendto(b"x", ("127.0.0.1", port))


def test_offline_fails_even_when_the_refusal_is_swallowed(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    # contextlib.suppress: as a library that catches everything would
    with pytest.raises(NetworkRefused), offline(), contextlib.suppress(Exception):
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_offline_names_the_refusal_a_library_turned_into_another_error(
    listener: socket.socket,
) -> None:
    def library_call() -> None:
        try:
            socket.create_connection(listener.getsockname(), timeout=2)
        except Exception as exc:
            raise RuntimeError("could not load the document") from exc

    with pytest.raises(NetworkRefused, match="network access refused"), offline():
        library_call()


def test_allow_url_opens_one_named_host(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    with offline():
        allow_url(f"http://127.0.0.1:{port}/sparql")
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        with pytest.raises(NetworkRefused):
            socket.getaddrinfo("example.org", 80)
        assert netguard._policies[-1].attempts  # the refused one is still recorded
        netguard._policies[-1].attempts.clear()


def test_a_server_may_look_up_its_own_loopback_name() -> None:
    with offline():
        socket.getaddrinfo("127.0.0.1", 80)
        socket.getfqdn("127.0.0.1")  # what http.server does when it binds
        with pytest.raises(NetworkRefused):
            socket.create_connection(("localhost", 9), timeout=2)
        netguard._policies[-1].attempts.clear()


def test_outside_offline_the_network_is_untouched(listener: socket.socket) -> None:
    socket.create_connection(listener.getsockname(), timeout=2).close()


def test_every_command_runs_offline(
    sdgkg: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, listener: socket.socket
) -> None:
    from sdgkg.query import stats

    def calls_out(*args: object, **kwargs: object) -> None:
        socket.create_connection(listener.getsockname(), timeout=2)

    monkeypatch.setattr(stats, "graph_stats", calls_out)
    result = sdgkg("stats")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: network access refused (socket.")


def test_shapes_owl_imports_are_not_followed(root: Path, sdgkg: Callable[..., Result]) -> None:
    # pySHACL would fetch owl:imports of the shapes graph; the fetch is refused offline, so
    # a conforming result here shows that nothing was fetched.
    (root / "shapes" / "imports.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://w3id.org/sdgkg/shapes> owl:imports <http://127.0.0.1:9/shapes.ttl> .\n",
        encoding="utf-8",
    )
    result = sdgkg("validate")
    assert result.exit_code in (0, 1), result.output
    assert "network" not in result.output


def test_shapes_relative_iris_resolve_against_the_project(root: Path) -> None:
    from sdgkg.validation.shacl import shapes_graph

    (root / "shapes" / "relative.ttl").write_text(
        '<#note> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n', encoding="utf-8"
    )
    subjects = {str(s) for s in shapes_graph(root).subjects()}
    assert "https://w3id.org/sdgkg/graph/shapes/relative.ttl#note" in subjects
    assert not any(s.startswith("file:") for s in subjects)


@pytest.mark.parametrize(("fmt", "suffix"), [("jsonld", ".jsonld"), ("xml", ".rdf"), ("nt", ".nt")])
def test_the_projects_own_exports_are_accepted_as_input(
    fmt: str, suffix: str, sdgkg: Callable[..., Result], tmp_path: Path
) -> None:
    # The screens refuse what is dangerous, not ordinary documents with contexts and maps.
    exported = tmp_path / f"graph{suffix}"
    assert sdgkg("export", "--format", fmt, "--output", str(exported)).exit_code == 0
    result = sdgkg("validate", str(exported))
    assert result.exit_code in (0, 1), result.output
    assert not result.stderr


SHAPE_PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "@prefix sdgkgsh: <https://w3id.org/sdgkg/shapes#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
)


def validate_with_shape(root: Path, sdgkg: Callable[..., Result], body: str) -> Result:
    """`sdgkg validate` with one more node shape, sdgkgsh:Extra, whose body is `body`."""
    text = SHAPE_PREFIXES + "sdgkgsh:Extra a sh:NodeShape ;\n" + body
    (root / "shapes" / "extra.ttl").write_text(text, encoding="utf-8")
    return sdgkg("validate")


def test_shacl_advanced_features_are_off(root: Path, sdgkg: Callable[..., Result]) -> None:
    # A SHACL-AF target (sh:SPARQLTarget) would select the centre and find it lacks 5 labels;
    # with advanced features off the shape targets nothing.
    shape = (
        '    sh:target [ a sh:SPARQLTarget ; sh:select """SELECT ?this WHERE {\n'
        '        ?this a <https://w3id.org/sdgkg/ontology#RegionalCentre> }""" ] ;\n'
        "    sh:property [ sh:path skos:prefLabel ; sh:minCount 5 ] .\n"
    )
    result = validate_with_shape(root, sdgkg, shape)
    assert result.exit_code == 0, result.output


def test_a_shapes_query_with_service_is_an_error_not_a_traceback(
    root: Path, sdgkg: Callable[..., Result]
) -> None:
    shape = (
        "    sh:targetNode <https://w3id.org/sdgkg/id/centre> ;\n"
        '    sh:sparql [ sh:select """SELECT $this WHERE {\n'
        '        SERVICE <http://127.0.0.1:9/sparql> { $this ?p ?o } }""" ] .\n'
    )
    result = validate_with_shape(root, sdgkg, shape)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: SHACL validation failed:")
    assert "SERVICE" in result.stderr
