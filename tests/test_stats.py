from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from sdgkg import graph_stats, load_graph
from sdgkg.query.stats import CANDIDATE, PREF_LABEL, RDF_STATEMENT
from sdgkg.safety.limits import QueryLimits, QueryTimeout

REPO = Path(__file__).resolve().parent.parent
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_stats_on_the_fixture(root):
    stats = graph_stats(load_graph(root))
    assert stats.triples == 21
    assert dict(stats.classes) == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement": 2,
        "http://www.w3.org/2002/07/owl#Class": 1,
        "http://www.w3.org/2002/07/owl#Ontology": 1,
        "https://schema.org/City": 1,
        "https://w3id.org/sdgkg/ontology#RegionalCentre": 1,
    }
    # Preferred and alternative labels are counted apart, per language.
    assert set(stats.labels) == {
        (PREF_LABEL, "en", 2),
        (PREF_LABEL, "kk", 2),
        (PREF_LABEL, "ru", 1),
        (SKOS + "altLabel", "en", 1),
        (RDFS_LABEL, "en", 1),
    }
    assert dict(stats.labels_by_language) == {"en": 2, "kk": 2, "ru": 1}
    # kg:centre schema:location kg:almaty is the one curated fact; labels do not count.
    assert (stats.facts, stats.facts_with_evidence) == (1, 1)
    assert (stats.curated_statements, stats.candidate_statements) == (2, 0)
    assert stats.evidence_share == 1.0


def test_a_fact_without_evidence_lowers_the_coverage(root):
    (root / "kg" / "extra.ttl").write_text(
        "<https://w3id.org/sdgkg/id/almaty> <https://schema.org/containedInPlace> "
        "<https://w3id.org/sdgkg/id/kazakhstan> .\n"
    )
    stats = graph_stats(load_graph(root))
    assert (stats.facts, stats.facts_with_evidence) == (2, 1)
    assert stats.evidence_share == 0.5


def test_a_candidate_is_not_evidence_and_is_counted_apart(root):
    (root / "kg" / "extra.ttl").write_text(
        "@prefix kg: <https://w3id.org/sdgkg/id/> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "kg:almaty schema:containedInPlace kg:kazakhstan .\n"
        "<https://w3id.org/sdgkg/extracted/c1> a <https://w3id.org/sdgkg/ontology#Candidate> ;\n"
        "  rdf:subject kg:almaty ; rdf:predicate schema:containedInPlace ;\n"
        "  rdf:object kg:kazakhstan ; prov:wasDerivedFrom kg:somewhere .\n"
    )
    stats = graph_stats(load_graph(root))
    assert (stats.facts, stats.facts_with_evidence) == (2, 1)
    assert (stats.curated_statements, stats.candidate_statements) == (2, 1)


def test_duplicate_triples_across_files_count_once(root):
    (root / "kg" / "copy.ttl").write_text((root / "kg" / "centre.ttl").read_text())
    assert graph_stats(load_graph(root)).triples == 21


def test_stats_cli_text_and_json(sdgkg):
    text = sdgkg("stats").stdout
    assert text.startswith("Triples: 21\n")
    assert "       1  sdgkg:RegionalCentre" in text
    assert "       2  skos:prefLabel kk\n" in text and "       1  skos:altLabel en\n" in text
    assert "Candidate statements (sdgkg:Candidate, not curated): 0\n" in text
    assert text.endswith("Curated facts with evidence: 1 of 1 (100%)\n")
    data = json.loads(sdgkg("stats", "--format", "json").stdout)
    assert data["triples"] == 21
    assert data["labels"]["skos:prefLabel"] == {"en": 2, "kk": 2, "ru": 1}
    assert data["labels"]["skos:altLabel"] == {"en": 1}
    assert data["labels_by_language"] == {"en": 2, "kk": 2, "ru": 1}
    assert data["evidence_share"] == 1.0


# Generated graphs (bench/generate.py): copies of the real graph with renamed resources.
if (REPO / "bench" / "generate.py").is_file():
    sys.path.insert(0, str(REPO / "bench"))
    import generate  # type: ignore[import-not-found]
else:
    generate = None


def brute_force(store: ox.Store) -> dict[str, object]:
    """The same counts, by walking every quad in Python (no SPARQL)."""
    triples = {(q.subject, q.predicate, q.object) for q in store}
    typed: dict[object, set[str]] = {}
    for s, p, o in triples:
        if p.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            typed.setdefault(s, set()).add(o.value)
    labels = Counter(
        (p.value, o.language or "")
        for s, p, o in triples
        if p.value in (PREF_LABEL, SKOS + "altLabel", RDFS_LABEL)
    )
    infrastructure = {
        RDF_STATEMENT,
        "http://www.w3.org/ns/oa#SpecificResource",
        "http://www.w3.org/ns/oa#TextPositionSelector",
        "http://www.w3.org/ns/oa#TextQuoteSelector",
        "https://schema.org/CreativeWork",
        "https://schema.org/NewsArticle",
    }
    skipped = {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        PREF_LABEL,
        SKOS + "altLabel",
        SKOS + "exactMatch",
        SKOS + "inScheme",
        "http://www.w3.org/2000/01/rdf-schema#seeAlso",
    }
    facts = {
        (s, p, o)
        for s, p, o in triples
        if isinstance(s, ox.NamedNode)
        and s.value.startswith("https://w3id.org/sdgkg/id/")
        and p.value not in skipped
        and not typed.get(s, set()) & infrastructure
    }
    by_statement: dict[object, dict[str, object]] = {}
    for s, p, o in triples:
        by_statement.setdefault(s, {})[p.value] = o
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    evidenced = {
        (parts[rdf + "subject"], parts[rdf + "predicate"], parts[rdf + "object"])
        for s, parts in by_statement.items()
        if RDF_STATEMENT in typed.get(s, set())
        and "http://www.w3.org/ns/prov#wasDerivedFrom" in parts
    } & facts
    return {
        "triples": len(triples),
        "labels": labels,
        "facts": len(facts),
        "evidenced": len(evidenced),
        "statements": sum(RDF_STATEMENT in t for t in typed.values()),
        "candidates": sum(CANDIDATE in t for t in typed.values()),
    }


@pytest.mark.skipif(generate is None, reason="bench/ is not in this installation")
@pytest.mark.parametrize("size", ["5k", "30k"])
def test_stats_of_generated_graphs_match_a_count_in_python(size, tmp_path):
    root = tmp_path / "graph"
    written = generate.generate(generate.parse_size(size), root)
    store = load_graph(root)
    stats = graph_stats(store)
    expected = brute_force(store)
    assert stats.triples == expected["triples"] == written
    assert Counter({(k, lang): n for k, lang, n in stats.labels}) == expected["labels"]
    assert (stats.facts, stats.facts_with_evidence) == (expected["facts"], expected["evidenced"])
    assert stats.curated_statements == expected["statements"]
    assert stats.candidate_statements == expected["candidates"] > 0


@pytest.mark.skipif(generate is None, reason="bench/ is not in this installation")
def test_stats_time_grows_linearly(tmp_path):
    # 56 s at 100k before (a FILTER EXISTS per fact); now a few joins: 10x the graph must not
    # take 30x the time (generous against noise on a shared machine).
    seconds = {}
    for size in ("10k", "100k"):
        generate.generate(generate.parse_size(size), tmp_path / size)
        store = load_graph(tmp_path / size)
        started = time.perf_counter()
        graph_stats(store)
        seconds[size] = time.perf_counter() - started
    assert seconds["100k"] < max(30 * seconds["10k"], 5.0), seconds


@pytest.mark.skipif(generate is None, reason="bench/ is not in this installation")
def test_stats_stops_at_the_time_limit(tmp_path, monkeypatch):
    generate.generate(30_000, tmp_path / "graph")
    store = load_graph(tmp_path / "graph")  # about 0.1 s of counting
    with pytest.raises(QueryTimeout):
        graph_stats(store, limits=QueryLimits(timeout=0.01, max_rows=None))
    monkeypatch.setenv("SDGKG_QUERY_TIMEOUT", "0.01")
    done = subprocess.run(
        [sys.executable, "-m", "sdgkg", "--root", str(tmp_path / "graph"), "stats"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("Error: stats stopped after the 0.01 s time limit\n")
