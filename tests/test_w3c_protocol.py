"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only endpoint, run against the
real service over the suite's own data.

Every query test and every bad-request test applies; the positive update tests do not (the
service refuses updates; the bad-update tests still check that it answers them with 4xx).
"""

from __future__ import annotations

import http.client
import json
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace
from rdflib.collection import Collection

from tests.peers import Peer

SUITE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "w3c-tests"
    / "sparql"
    / "sparql11"
    / "protocol"
)
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

pytestmark = pytest.mark.skipif(
    not (SUITE / "manifest.ttl").is_file(),
    reason="the W3C test suites are not beside this checkout (../shared/w3c-tests/)",
)


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: tuple[str, ...]  # "2xx", "3xx", "4xx"
    boolean: bool | None
    form: str | None  # "boolean", "tabular", "RDF"


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    steps: tuple[Step, ...]

    @property
    def applies(self) -> bool:
        # A positive update test needs a writable store; this endpoint is read-only.
        return not self.name.startswith("update_")


def _manifest() -> list[ProtocolTest]:
    if not (SUITE / "manifest.ttl").is_file():
        return []
    graph = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(manifest, MF.entries))
    return [_test(graph, entry) for entry in entries]


def _test(graph: Graph, entry: object) -> ProtocolTest:
    action = graph.value(entry, MF.action)
    requests = Collection(graph, graph.value(action, HT.requests))
    name = str(entry).rsplit("#", 1)[-1]
    return ProtocolTest(
        name, str(graph.value(entry, MF.name)), tuple(_step(graph, r) for r in requests)
    )


def _step(graph: Graph, request: object) -> Step:
    headers = {}
    listed = graph.value(request, HT.headers)
    for header in Collection(graph, listed) if listed is not None else []:
        headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body_node = graph.value(request, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
    response = graph.value(request, HT.resp)
    statuses = tuple(
        sorted(
            str(s).rsplit("StatusCode", 1)[-1] for s in graph.objects(response, MF.expectedStatus)
        )
    )
    boolean = graph.value(response, MF.expectedBoolean)
    form = graph.value(response, MF.expectedFormat)
    return Step(
        str(graph.value(request, HT.methodName)),
        str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
        headers,
        body,
        statuses,
        None if boolean is None else boolean.toPython(),
        None if form is None else str(form),
    )


TESTS = _manifest()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    log = tmp_path_factory.mktemp("w3c") / "server.log"
    script = Path(__file__).with_name("protocol_server.py")
    root = Path(__file__).resolve().parents[1]
    peer = Peer([sys.executable, str(script), str(SUITE)], log, env=_env(root))
    url = urllib.parse.urlsplit(peer.announced_url())
    try:
        yield str(url.hostname), int(url.port or 80)
    finally:
        peer.stop()


def _env(root: Path) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }


RESULTS: dict[str, bool] = {}


def _check(step: Step, status: int, content_type: str, body: bytes) -> str | None:
    """Why the response fails the step, or None."""
    if f"{status // 100}xx" not in step.statuses:
        return f"status {status}, expected {'/'.join(step.statuses)}"
    media = content_type.split(";")[0].strip()
    formats = {
        "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
        "tabular": {
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        },
        "RDF": {"text/turtle", "application/n-triples", "application/rdf+xml"},
    }
    if step.form and media not in formats[step.form]:
        return f"format {media} is not {step.form}"
    if step.boolean is not None:
        answer = (
            json.loads(body)["boolean"] if "json" in media else b"<boolean>true</boolean>" in body
        )
        if answer is not step.boolean:
            return f"answered {answer}, expected {step.boolean}"
    return None


@pytest.mark.parametrize("test", [t for t in TESTS if t.applies], ids=lambda t: t.name)
def test_protocol(test: ProtocolTest, endpoint: tuple[str, int]) -> None:
    RESULTS[test.name] = False
    for step in test.steps:
        connection = http.client.HTTPConnection(*endpoint, timeout=30)
        headers = {"Accept": "application/sparql-results+json, text/turtle;q=0.9", **step.headers}
        connection.request(step.method, step.path, body=step.body, headers=headers)
        response = connection.getresponse()
        problem = _check(
            step, response.status, response.getheader("Content-Type", ""), response.read()
        )
        connection.close()
        assert problem is None, f"{test.title}: {problem}"
    RESULTS[test.name] = True


def test_zz_pass_count_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    applicable = [t for t in TESTS if t.applies]
    passed = sum(RESULTS.values())
    with capsys.disabled():
        print(
            f"\nW3C SPARQL 1.1 Protocol: {passed} of {len(applicable)} applicable tests passed "
            f"({len(TESTS) - len(applicable)} update tests do not apply to a read-only endpoint)"
        )
    assert len(TESTS) == 34 and len(applicable) == 27
    if len(RESULTS) == len(applicable):
        assert passed == len(applicable)
