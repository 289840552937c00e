"""The curated data itself: evidence offsets, canonical Turtle, labels, alignments."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from sdgkg import load_graph, run_query
from sdgkg.rdfio.turtle import write_turtle
from sdgkg.store.paths import graph_files

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "kazinform-2025-08-06-un-sdg-centre-almaty.kk.txt"
# The identifiers verified for this project (a copy of the project reference list).
REFERENCE_IDS = Path(__file__).parent / "data" / "verified-identifiers.csv"


def select(sparql: str) -> list[tuple[str, ...]]:
    # The data checks read every file, evidence and candidates included.
    rows = run_query(sparql, all_graphs=True).rows
    return [tuple(t.value if t else "" for t in row) for row in rows]


def test_every_passage_quotes_its_source_at_its_offsets() -> None:
    # Each passage against the kept text of its own source (a source kept without its text
    # has only its quotes, checked against a copy by whoever holds one).
    passages = select(
        """SELECT ?file ?start ?end ?exact WHERE {
             ?passage oa:hasSource ?source ; oa:hasSelector ?p, ?q .
             ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact .
             OPTIONAL { ?source sdgkg:sourceFile ?file } }"""
    )
    assert len(passages) >= 30
    texts = {file: (ROOT / file).read_text(encoding="utf-8") for file, *_ in passages if file}
    assert SEED.relative_to(ROOT).as_posix() in texts
    for file, start, end, exact in passages:
        if file:
            assert texts[file][int(start) : int(end)] == exact


def test_sources_record_their_files_and_checksums() -> None:
    kept = select("SELECT ?file ?sha WHERE { ?doc sdgkg:sourceFile ?file ; sdgkg:sha256 ?sha }")
    assert (
        SEED.relative_to(ROOT).as_posix(),
        hashlib.sha256(SEED.read_bytes()).hexdigest(),
    ) in kept
    for file, digest in kept:
        assert hashlib.sha256((ROOT / file).read_bytes()).hexdigest() == digest


# The ontology is laid out by hand, with comments; the curated graph is canonical.
CURATED = [path for path in graph_files(ROOT) if path.is_relative_to(ROOT / "kg")]


@pytest.mark.parametrize("path", CURATED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_curated_turtle_is_in_canonical_form(path: Path) -> None:
    triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    assert write_turtle(triples) == path.read_text(encoding="utf-8")


def test_every_entity_has_one_label_in_each_language() -> None:
    missing = select(
        """SELECT ?entity ?lang WHERE {
             ?entity a ?class .
             FILTER (STRSTARTS(STR(?entity), STR(kg:)))
             FILTER NOT EXISTS { VALUES ?class { rdf:Statement oa:SpecificResource
               oa:TextPositionSelector oa:TextQuoteSelector sdgkg:Translation } }
             VALUES ?lang { "kk" "en" "ru" }
             FILTER NOT EXISTS { ?entity skos:prefLabel ?l FILTER (LANG(?l) = ?lang) }
           }"""
    )
    assert missing == []


def test_wikidata_alignments_are_verified_identifiers() -> None:
    with REFERENCE_IDS.open(encoding="utf-8") as handle:
        verified = {
            row["wikidata"] for row in csv.DictReader(handle) if row["status"] == "verified"
        }
    used = select(
        "SELECT DISTINCT ?q WHERE { ?s skos:exactMatch ?q FILTER STRSTARTS(STR(?q), STR(wd:)) }"
    )
    assert {q.rsplit("/", 1)[1] for (q,) in used} <= verified


def test_the_graph_loads_from_every_file() -> None:
    store = load_graph(ROOT)
    assert len(store) > 1000
