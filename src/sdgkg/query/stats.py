"""Counts that describe the graph: size, classes, labels per kind and language, statements and
evidence coverage.

Every count is one pass of grouped joins over the graph, never a sub-query per row (a
`FILTER EXISTS` per fact made `stats` quadratic: 56 s at 100k triples), so the time grows with
the size of the graph. The queries run under the query time limit, one after the other, with
progress on a terminal.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sdgkg.errors import QueryTimeout
from sdgkg.rdfio.terms import Term
from sdgkg.safety.limits import QueryLimits, call_with_timeout
from sdgkg.store.datasets import EVIDENCE_GRAPHS
from sdgkg.store.engine import EmbeddedEngine, Engine, QueryResult

_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
_CLASSES = """SELECT ?class (COUNT(DISTINCT ?entity) AS ?n)
WHERE { ?entity a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class"""
_LABELS = """SELECT ?kind ?lang (COUNT(*) AS ?n) WHERE {
  SELECT DISTINCT ?s ?kind ?label WHERE {
    VALUES ?kind { skos:prefLabel skos:altLabel rdfs:label } ?s ?kind ?label }
} GROUP BY ?kind (LANG(?label) AS ?lang) ORDER BY ?kind ?lang"""
_STATEMENTS = """SELECT ?class (COUNT(DISTINCT ?statement) AS ?n) WHERE {
  VALUES ?class { rdf:Statement sdgkg:Candidate } ?statement a ?class } GROUP BY ?class"""
# A curated fact: a triple of the curated graphs (the default graph) about one of the graph's own
# resources, other than its types, labels and alignments, and not part of the evidence machinery
# itself (as in the checks/ queries).
_ABOUT_KG = "FILTER (STRSTARTS(STR(?s), STR(kg:)))"
_FACT_PREDICATE = """FILTER (?p NOT IN (rdf:type, skos:prefLabel, skos:altLabel, skos:exactMatch,
      skos:inScheme, rdfs:seeAlso))"""
_INFRASTRUCTURE = """{
      VALUES ?infrastructure { rdf:Statement oa:SpecificResource oa:TextPositionSelector
        oa:TextQuoteSelector schema:CreativeWork schema:NewsArticle }
      ?s a ?infrastructure .
    }"""
_FACT = f"""
    {_ABOUT_KG}
    {_FACT_PREDICATE}
    FILTER NOT EXISTS {_INFRASTRUCTURE}"""
# The facts counted per subject, so that the subject's IRI is read once, not once per triple,
# and the evidence machinery taken out by one anti-join (a `FILTER NOT EXISTS` per triple made
# this count 8 s of the 13 s of `stats` at 1M triples in the index).
_FACTS = f"""SELECT (SUM(?n) AS ?facts) WHERE {{
  {{ SELECT ?s (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
      ?s ?p ?o
      {_FACT_PREDICATE}
  }} }} GROUP BY ?s }}
  {_ABOUT_KG}
  MINUS {_INFRASTRUCTURE}
}}"""
# Evidence is a curated rdf:Statement with a source, in the evidence graphs; an extracted
# sdgkg:Candidate (never typed rdf:Statement) does not count. One join of the statements with
# the facts they restate.
_EVIDENCED = f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
    GRAPH ?g {{ ?statement a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ;
      rdf:object ?o ; prov:wasDerivedFrom ?source . }}
    FILTER (STRSTARTS(STR(?g), "{EVIDENCE_GRAPHS}"))
    ?s ?p ?o .{_FACT}}} }}"""

RDF_STATEMENT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"
CANDIDATE = "https://w3id.org/sdgkg/ontology#Candidate"


@dataclass(frozen=True)
class GraphStats:
    triples: int
    classes: tuple[tuple[str, int], ...]  # (class IRI, distinct instances), most used first
    labels: tuple[tuple[str, str, int], ...]  # (label property IRI, language or "", labels)
    facts: int  # curated facts (see _FACT)
    facts_with_evidence: int  # those a curated rdf:Statement links to a passage or source
    curated_statements: int  # rdf:Statement: evidence for curated facts
    candidate_statements: int  # sdgkg:Candidate: extracted, waiting for a curator

    @property
    def evidence_share(self) -> float:
        return self.facts_with_evidence / self.facts if self.facts else 0.0

    @property
    def labels_by_language(self) -> tuple[tuple[str, int], ...]:
        """Preferred labels per language (one per entity and language in a complete graph)."""
        return tuple((lang, n) for kind, lang, n in self.labels if kind == PREF_LABEL)


PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def graph_stats(
    store: object,
    engine: Engine | None = None,
    limits: QueryLimits | None = None,
    on_step: Callable[[str], None] | None = None,
    curated_copy: bool = False,
) -> GraphStats:
    """Compute the stats of a loaded Store (or of any engine's graph). `limits.timeout` bounds
    the whole computation; `on_step` hears what is being counted (for progress);
    `curated_copy`: the Store is the index (see sdgkg.store.datasets)."""
    # Size, classes, labels and statements count the whole dataset, candidates and evidence
    # included, each apart; curated facts are those of the curated graphs (the default graph).
    curated = engine or EmbeddedEngine(store, curated_copy=curated_copy)  # type: ignore[arg-type]
    engine = engine or EmbeddedEngine(store, all_graphs=True, curated_copy=curated_copy)  # type: ignore[arg-type]
    timeout = (limits or QueryLimits(None, None)).timeout
    deadline = time.monotonic() + timeout if timeout else None

    def run(what: str, sparql: str, reader: Engine = engine) -> QueryResult:
        if on_step:
            on_step(what)
        left = max(deadline - time.monotonic(), 0.001) if deadline else None
        try:
            return call_with_timeout(lambda: reader.query(sparql), left)
        except QueryTimeout as exc:  # name the whole limit, not what was left of it
            message = f"stats stopped after the {timeout:g} s time limit"
            raise QueryTimeout(message, exc.hint) from None

    triples = _int(run("counting triples", _TRIPLES).rows[0][0])
    classes = _pairs(run("counting entities by class", _CLASSES))
    labels = tuple(
        (_text(row[0]), _text(row[1]), _int(row[2])) for row in run("counting labels", _LABELS).rows
    )
    statements = dict(_pairs(run("counting statements", _STATEMENTS)))
    facts = _int(run("counting curated facts", _FACTS, curated).rows[0][0])
    evidenced = _int(run("counting facts with evidence", _EVIDENCED, curated).rows[0][0])
    return GraphStats(
        triples=triples,
        classes=classes,
        labels=labels,
        facts=facts,
        facts_with_evidence=evidenced,
        curated_statements=statements.get(RDF_STATEMENT, 0),
        candidate_statements=statements.get(CANDIDATE, 0),
    )


def _pairs(result: QueryResult) -> tuple[tuple[str, int], ...]:
    return tuple((_text(row[0]), _int(row[1])) for row in result.rows)


def _text(term: Term | None) -> str:
    return term.value if term else ""


def _int(term: Term | None) -> int:
    return int(term.value) if term else 0


def render_text(stats: GraphStats) -> str:
    """A short report for people."""
    lines = [f"Triples: {stats.triples}", "", "Entities by class:"]
    lines += [f"  {n:>6}  {Term.iri(iri).display()}" for iri, n in stats.classes]
    lines += ["", "Labels by kind and language:"]
    lines += [
        f"  {n:>6}  {Term.iri(kind).display()} {lang or '(no language)'}"
        for kind, lang, n in stats.labels
    ]
    share = f"{stats.evidence_share:.0%}"
    lines += [
        "",
        f"Curated statements (rdf:Statement): {stats.curated_statements}",
        f"Candidate statements (sdgkg:Candidate, not curated): {stats.candidate_statements}",
        f"Curated facts with evidence: {stats.facts_with_evidence} of {stats.facts} ({share})",
    ]
    return "\n".join(lines) + "\n"


def render_json(stats: GraphStats) -> str:
    """The stats as one JSON object."""
    data = asdict(stats)
    data["classes"] = dict(stats.classes)
    labels: dict[str, dict[str, int]] = {}
    for kind, lang, n in stats.labels:
        labels.setdefault(Term.iri(kind).display(), {})[lang] = n
    data["labels"] = labels
    data["labels_by_language"] = dict(stats.labels_by_language)
    data["evidence_share"] = round(stats.evidence_share, 4)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
