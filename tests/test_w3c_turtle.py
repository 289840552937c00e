"""The W3C RDF 1.1 Turtle test suite as a peer: every negative syntax test is refused by `add`
and `validate` with the graph left byte-identical; every positive test round-trips through the
project's canonical writer to the same graph. Library calls, plus a sample through the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from sdgkg import add_facts, validate
from sdgkg.errors import InputError
from sdgkg.rdfio.turtle import write_turtle

from .test_safety import snapshot

SUITE = (
    Path(__file__).resolve().parents[2] / "shared" / "w3c-tests" / "rdf" / "rdf11" / "rdf-turtle"
)
BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

pytestmark = pytest.mark.skipif(
    not (SUITE / "manifest.ttl").is_file(),
    reason="the W3C test suites are not beside this checkout (../shared/w3c-tests/)",
)


def manifest_entries(kind: str) -> list[tuple[str, Path, Path | None]]:
    """(name, action file, result file) of every test of one rdft: type in the manifest."""
    graph = ox.Store()
    graph.load(path=str(SUITE / "manifest.ttl"), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    found = []
    for quad in graph.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(RDFT + kind)):
        test = quad.subject

        def value(name: str, test: ox.NamedNode = test) -> Path | None:
            hits = list(graph.quads_for_pattern(test, ox.NamedNode(MF + name), None))
            return SUITE / hits[0].object.value.removeprefix(BASE) if hits else None

        action = value("action")
        assert action is not None
        found.append((test.value.rsplit("#", 1)[-1], action, value("result")))
    return sorted(found, key=lambda item: item[0])


def canonical(triples: Iterable[ox.Triple]) -> set[ox.Quad]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def parse(path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=fmt, base_iri=BASE + path.name)]


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    with capsys.disabled():
        print(f"\n{line}")


def test_every_negative_syntax_test_is_refused_by_add_and_validate(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = manifest_entries("TestTurtleNegativeSyntax")
    assert len(cases) >= 90  # a filter that empties the suite must not pass silently
    before = snapshot(root)
    refused = []
    for name, action, _ in cases:
        with pytest.raises(InputError) as by_add:
            add_facts([action], root)
        with pytest.raises(InputError) as by_validate:
            validate(root, [action])
        for caught in (by_add, by_validate):
            assert caught.value.message.startswith(str(action)), name  # names the file
        refused.append(name)
    assert snapshot(root) == before
    report(
        capsys,
        f"W3C Turtle negative syntax: {len(refused)}/{len(cases)} refused by add and validate",
    )


def test_every_positive_test_round_trips_through_the_writer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    evals = manifest_entries("TestTurtleEval")
    syntax = manifest_entries("TestTurtlePositiveSyntax")
    assert len(evals) >= 140 and len(syntax) >= 70
    passed = 0
    for name, action, result in evals + syntax:
        read = parse(action)
        if result is not None:  # the parse itself matches the expected N-Triples
            assert canonical(read) == canonical(parse(result, ox.RdfFormat.N_TRIPLES)), name
        text = write_turtle(read)
        back = [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
        assert canonical(back) == canonical(read), name
        assert write_turtle(back) == text, name  # and the writer is deterministic
        passed += 1
    report(
        capsys,
        f"W3C Turtle positive: {passed}/{len(evals) + len(syntax)} round-trip "
        f"({len(evals)} eval, {len(syntax)} syntax)",
    )


@pytest.mark.parametrize("command", ["validate", "add"])
def test_a_sample_through_the_cli(command: str, root: Path) -> None:
    before = snapshot(root)
    for name, action, _ in manifest_entries("TestTurtleNegativeSyntax")[::20]:
        done = subprocess.run(
            [sys.executable, "-m", "sdgkg", "--root", str(root), command, str(action)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, name
        assert done.stderr.startswith(f"Error: {action}"), name
        assert "Traceback" not in done.stderr
    assert snapshot(root) == before
