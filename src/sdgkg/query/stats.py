"""Counts that describe the graph: size, classes, labels per language, evidence coverage."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sdgkg.rdfio.terms import Term
from sdgkg.store.engine import EmbeddedEngine, Engine

_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
_CLASSES = """SELECT ?class (COUNT(DISTINCT ?entity) AS ?n)
WHERE { ?entity a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class"""
_LABELS = """SELECT ?lang (COUNT(*) AS ?n) WHERE {
  SELECT DISTINCT ?s ?p ?label WHERE {
    VALUES ?p { skos:prefLabel skos:altLabel rdfs:label } ?s ?p ?label }
} GROUP BY (LANG(?label) AS ?lang) ORDER BY ?lang"""
# A curated fact: a triple about one of the graph's own resources, other than its types, labels
# and alignments, and not part of the evidence machinery itself (as in the checks/ queries).
# Evidence is a curated rdf:Statement; an extracted sdgkg:Candidate does not count.
_EVIDENCE = """SELECT (COUNT(*) AS ?facts) (SUM(?evidenced) AS ?n) WHERE {
  SELECT DISTINCT ?s ?p ?o (IF(EXISTS {
      ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
        prov:wasDerivedFrom ?source
    }, 1, 0) AS ?evidenced)
  WHERE {
    ?s ?p ?o .
    FILTER (STRSTARTS(STR(?s), STR(kg:)))
    FILTER (?p NOT IN (rdf:type, skos:prefLabel, skos:altLabel, skos:exactMatch, skos:inScheme,
      rdfs:seeAlso))
    FILTER NOT EXISTS {
      VALUES ?infrastructure { rdf:Statement oa:SpecificResource oa:TextPositionSelector
        oa:TextQuoteSelector schema:CreativeWork schema:NewsArticle }
      ?s a ?infrastructure .
    }
  }
}"""


@dataclass(frozen=True)
class GraphStats:
    triples: int
    classes: tuple[tuple[str, int], ...]  # (class IRI, distinct instances), most used first
    labels_by_language: tuple[tuple[str, int], ...]  # ("" for labels without a language)
    facts: int  # curated facts (see _EVIDENCE)
    facts_with_evidence: int  # those a reified statement links to a passage or source

    @property
    def evidence_share(self) -> float:
        return self.facts_with_evidence / self.facts if self.facts else 0.0


def graph_stats(store: object, engine: Engine | None = None) -> GraphStats:
    """Compute the stats of a loaded Store (or of any engine's graph)."""
    engine = engine or EmbeddedEngine(store)  # type: ignore[arg-type]
    classes = _pairs(engine, _CLASSES)
    evidence = engine.query(_EVIDENCE).rows[0]
    return GraphStats(
        triples=_int(engine.query(_TRIPLES).rows[0][0]),
        classes=classes,
        labels_by_language=_pairs(engine, _LABELS),
        facts=_int(evidence[0]),
        facts_with_evidence=_int(evidence[1]),
    )


def _pairs(engine: Engine, sparql: str) -> tuple[tuple[str, int], ...]:
    rows = engine.query(sparql).rows
    return tuple((row[0].value if row[0] else "", _int(row[1])) for row in rows)


def _int(term: Term | None) -> int:
    return int(term.value) if term else 0


def render_text(stats: GraphStats) -> str:
    """A short report for people."""
    lines = [f"Triples: {stats.triples}", "", "Entities by class:"]
    lines += [f"  {n:>6}  {Term.iri(iri).display()}" for iri, n in stats.classes]
    lines += ["", "Labels by language (skos:prefLabel, skos:altLabel, rdfs:label):"]
    lines += [f"  {n:>6}  {lang or '(none)'}" for lang, n in stats.labels_by_language]
    share = f"{stats.evidence_share:.0%}"
    lines += [
        "",
        f"Curated facts with evidence: {stats.facts_with_evidence} of {stats.facts} ({share})",
    ]
    return "\n".join(lines) + "\n"


def render_json(stats: GraphStats) -> str:
    """The stats as one JSON object."""
    data = asdict(stats)
    data["classes"] = dict(stats.classes)
    data["labels_by_language"] = dict(stats.labels_by_language)
    data["evidence_share"] = round(stats.evidence_share, 4)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
