"""Fuzzing: random and mutated Turtle, JSON-LD, RDF/XML and SPARQL into validate, add and
query. Whatever comes in, the exit code is 0, 1 or 2, there is never a traceback, and kg/
changes only when an add succeeded."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sdgkg import cli
from sdgkg.errors import SdgkgError

from .conftest import FIXTURES
from .test_safety import snapshot

SEEDS = {
    ".ttl": (
        "@prefix kg: <https://w3id.org/sdgkg/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'kg:centre skos:altLabel "Almaty SDG centre"@en ;\n'
        '    skos:note "2025-08-06"^^xsd:date, ( 1 2.5 ) , [ skos:notation "x" ] .\n'
    ),
    ".jsonld": (
        '{"@context": {"skos": "http://www.w3.org/2004/02/skos/core#"},\n'
        ' "@id": "https://w3id.org/sdgkg/id/centre",\n'
        ' "skos:altLabel": {"@value": "Almaty SDG centre", "@language": "en"}}\n'
    ),
    ".rdf": (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:skos="http://www.w3.org/2004/02/skos/core#">\n'
        ' <rdf:Description rdf:about="https://w3id.org/sdgkg/id/centre">\n'
        '  <skos:altLabel xml:lang="en">Almaty SDG centre</skos:altLabel>\n'
        " </rdf:Description>\n</rdf:RDF>\n"
    ),
}
QUERIES = [
    "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label FILTER (LANG(?label) = 'en') }",
    "ASK { kg:centre ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } } GROUP BY ?s",
    'SELECT * WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "^A.*y$", "i") }',
]
# Pieces that matter to the parsers and to the screen.
PIECES = [
    "<",
    ">",
    '"',
    "'",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "@",
    "^^",
    ":",
    ";",
    ".",
    ",",
    "\\",
    "#",
    "\n",
    " ",
    "\x00",
    "\u00e9",
    "SERVICE <http://127.0.0.1:9/> ",
    "FROM <file:///etc/passwd> ",
    "LOAD ",
    "INSERT DATA ",
    "<!DOCTYPE r [<!ENTITY a 'b'>]>",
    '"@context": "http://x/",',
    "@prefix : <rel> .",
    "_:b",
    "?x",
    '"""',
    "xsd:integer",
    "@de",
    "1e999",
    "-0",
]


def mutated(seed: str) -> st.SearchStrategy[str]:
    edits = st.lists(
        st.tuples(st.integers(0, len(seed)), st.integers(0, 6), st.sampled_from(PIECES)),
        max_size=6,
    )

    def apply(changes: list[tuple[int, int, str]]) -> str:
        text = seed
        for at, cut, piece in changes:
            at = min(at, len(text))
            text = text[:at] + piece + text[at + cut :]
        return text

    return st.one_of(edits.map(apply), st.text(max_size=200))


@pytest.fixture(scope="module")
def data_root() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sdgkg-fuzz-") as scratch:
        target = Path(scratch) / "root"
        shutil.copytree(FIXTURES / "root", target)
        yield target


def invoke(root: Path, *args: str) -> int:
    result = CliRunner().invoke(cli.app, ["--root", str(root), *args])
    assert result.exit_code in (0, 1, 2), result.output
    # Only the CLI's own exits: any other exception would have been a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    return result.exit_code


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_documents_into_validate_and_add(suffix: str, data_root: Path) -> None:
    @FUZZ
    @given(text=mutated(SEEDS[suffix]), dry_run=st.booleans())
    def check(text: str, dry_run: bool) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / f"new{suffix}"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            before = snapshot(data_root)
            invoke(data_root, "validate", str(path))
            assert snapshot(data_root) == before
            args = ["add", str(path), *(["--dry-run"] if dry_run else [])]
            added = invoke(data_root, *args) == 0 and not dry_run
            if not added:
                assert snapshot(data_root) == before
            else:  # put the fixture back for the next example
                for name, data in before.items():
                    (data_root / name).write_bytes(data)

    check()


def test_queries(data_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A timed-out query ends the process (see sdgkg.safety.limits); in-process, end the command.
    def stop(exc: SdgkgError) -> None:
        raise exc

    monkeypatch.setattr(cli, "_stop_now", stop)

    @FUZZ
    @given(text=st.sampled_from(QUERIES).flatmap(mutated))
    def check(text: str) -> None:
        before = snapshot(data_root)
        invoke(data_root, "query", text, "--timeout", "5", "--max-rows", "1000")
        assert snapshot(data_root) == before

    check()
