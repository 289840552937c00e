from __future__ import annotations

import json

from sdgkg import graph_stats, load_graph


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
    assert dict(stats.labels_by_language) == {"en": 4, "kk": 2, "ru": 1}
    # kg:centre schema:location kg:almaty is the one curated fact; labels do not count.
    assert (stats.facts, stats.facts_with_evidence) == (1, 1)
    assert stats.evidence_share == 1.0


def test_a_fact_without_evidence_lowers_the_coverage(root):
    (root / "kg" / "extra.ttl").write_text(
        "<https://w3id.org/sdgkg/id/almaty> <https://schema.org/containedInPlace> "
        "<https://w3id.org/sdgkg/id/kazakhstan> .\n"
    )
    stats = graph_stats(load_graph(root))
    assert (stats.facts, stats.facts_with_evidence) == (2, 1)
    assert stats.evidence_share == 0.5


def test_duplicate_triples_across_files_count_once(root):
    (root / "kg" / "copy.ttl").write_text((root / "kg" / "centre.ttl").read_text())
    assert graph_stats(load_graph(root)).triples == 21


def test_stats_cli_text_and_json(sdgkg):
    text = sdgkg("stats").stdout
    assert text.startswith("Triples: 21\n")
    assert "       1  sdgkg:RegionalCentre" in text
    assert text.endswith("Curated facts with evidence: 1 of 1 (100%)\n")
    data = json.loads(sdgkg("stats", "--format", "json").stdout)
    assert data["triples"] == 21
    assert data["labels_by_language"] == {"en": 4, "kk": 2, "ru": 1}
    assert data["evidence_share"] == 1.0
