"""Linked Data: what the graph says about one resource, as an HTML page, Turtle or JSON-LD.

The page shows the resource's labels in kk/en/ru, its types, its outgoing and incoming links
(each a link to the other resource's page), and under each fact the evidence the graph keeps
for it (the reified rdf:Statement, its passage's quoted sentence or its outside source).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice

import pyoxigraph as ox

from sdgkg.namespaces import PREFIXES
from sdgkg.server.pages import (
    Labels,
    esc,
    iri_html,
    labels_rows,
    layout,
    local_path,
    term_html,
)
from sdgkg.terms import Term, from_oxigraph, to_oxigraph

RDF_TYPE = PREFIXES["rdf"] + "type"
_LABELS = {PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label"}
# Incoming links from the reified statements are shown as evidence, not as links.
_REIFICATION = {PREFIXES["rdf"] + "subject", PREFIXES["rdf"] + "object"}

_EVIDENCE = """
SELECT ?s ?p ?o ?exact ?source ?start ?end ?by ?translation WHERE {
  # Curated evidence: a candidate of `sdgkg extract` (sdgkg:Candidate) is not an rdf:Statement.
  ?fact a rdf:Statement ;
    rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?ev .
  OPTIONAL { ?ev oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?exact . }
  OPTIONAL {
    ?ev oa:hasSelector ?r . ?r a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  }
  OPTIONAL { ?ev oa:hasSource ?document . }
  BIND (COALESCE(?document, ?ev) AS ?source)
  OPTIONAL { ?fact prov:wasAttributedTo ?by . }
  # The curators' translations of the sentence, shown beside it in the page's language.
  OPTIONAL { ?rendering a sdgkg:Translation ; prov:wasDerivedFrom ?q ; rdf:value ?translation . }
}"""


@dataclass(frozen=True)
class Evidence:
    sentence: Term | None
    source: Term
    start: Term | None
    end: Term | None
    attributed_to: Term | None
    translations: tuple[Term, ...] = ()  # the sentence in other languages, marked as such


@dataclass(frozen=True)
class Description:
    iri: str
    outgoing: tuple[tuple[Term, Term], ...]  # (predicate, object)
    incoming: tuple[tuple[Term, Term], ...]  # (subject, predicate)
    evidence: dict[tuple[Term, Term], tuple[Evidence, ...]]

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    def triples(self) -> Iterator[ox.Triple]:
        """The resource's own triples (outgoing and incoming), for Turtle and JSON-LD."""
        node = ox.NamedNode(self.iri)
        for predicate, obj in self.outgoing:
            yield ox.Triple(node, ox.NamedNode(predicate.value), to_oxigraph(obj))
        for subject, predicate in self.incoming:
            yield ox.Triple(to_oxigraph(subject), ox.NamedNode(predicate.value), node)


def describe(store: ox.Store, iri: str, limit: int = 10_000) -> Description:
    """What the union of the graph's named graphs says from and to `iri`: at most `limit`
    links each way (a class with a million members must not fill the page or the memory)."""
    node = ox.NamedNode(iri)
    found = store.quads_for_pattern(node, None, None)
    outgoing = _distinct(islice(((q.predicate, q.object) for q in found), limit))
    found = store.quads_for_pattern(None, None, node)
    pairs = ((q.subject, q.predicate) for q in found if q.predicate.value not in _REIFICATION)
    incoming = _distinct(islice(pairs, limit))
    return Description(iri, outgoing, incoming, _evidence(store, node))


def _distinct(pairs: Iterable[tuple[object, object]]) -> tuple[tuple[Term, Term], ...]:
    found = dict.fromkeys((from_oxigraph(a), from_oxigraph(b)) for a, b in pairs)
    return tuple(sorted(found))


def _evidence(store: ox.Store, node: ox.NamedNode) -> dict[tuple[Term, Term], tuple[Evidence, ...]]:
    found: dict[tuple[Term, Term], dict[Evidence, list[Term]]] = {}
    solutions = store.query(
        _EVIDENCE,
        prefixes=PREFIXES,
        use_default_graph_as_union=True,
        substitutions={ox.Variable("s"): node},
    )
    for row in solutions:  # type: ignore[union-attr]
        terms = {
            name: None if row[name] is None else from_oxigraph(row[name])
            for name in ("p", "o", "exact", "source", "start", "end", "by")
        }
        key = (terms["p"], terms["o"])
        item = Evidence(terms["exact"], terms["source"], terms["start"], terms["end"], terms["by"])  # type: ignore[arg-type]
        renderings = found.setdefault(key, {}).setdefault(item, [])  # type: ignore[arg-type]
        if row["translation"] is not None:
            renderings.append(from_oxigraph(row["translation"]))
    return {
        key: tuple(
            sorted(
                (
                    replace(e, translations=tuple(sorted(set(t), key=repr)))
                    for e, t in items.items()
                ),
                key=repr,
            )
        )
        for key, items in found.items()
    }


def resource_page(description: Description, labels: Labels) -> bytes:
    """The HTML page of one resource."""
    iri = description.iri
    title = labels.of(iri) or iri
    types = [o for p, o in description.outgoing if p.value == RDF_TYPE]
    facts = [(p, o) for p, o in description.outgoing if p.value != RDF_TYPE]
    body = (
        f"<h1>{esc(title)}</h1>"
        f'<p class="iri"><code>{esc(iri)}</code> · also as '
        f'<a href="{esc(_suffixed(iri, ".ttl"))}">Turtle</a> and '
        f'<a href="{esc(_suffixed(iri, ".jsonld"))}">JSON-LD</a></p>'
        + _labels_table(iri, labels)
        + _types(types, labels)
        + _facts(facts, description.evidence, labels)
        + _incoming(description.incoming, labels)
    )
    return layout(title, body, labels)


def _suffixed(iri: str, suffix: str) -> str:
    return (local_path(iri) or "") + suffix


def _labels_table(iri: str, labels: Labels) -> str:
    return f'<h2>Labels</h2><table class="labels">{labels_rows(iri, labels)}</table>'


def _types(types: list[Term], labels: Labels) -> str:
    if not types:
        return ""
    items = ", ".join(term_html(t, labels) for t in types)
    return f'<p class="types">Type: {items}</p>'


def _facts(
    facts: list[tuple[Term, Term]],
    evidence: dict[tuple[Term, Term], tuple[Evidence, ...]],
    labels: Labels,
) -> str:
    rows = []
    for predicate, obj in facts:
        if predicate.value in _LABELS:
            continue  # already in the labels table
        proof = "".join(_evidence_html(e, labels) for e in evidence.get((predicate, obj), ()))
        rows.append(
            f"<tr><th>{iri_html(predicate.value, labels)}</th>"
            f"<td>{term_html(obj, labels)}{proof}</td></tr>"
        )
    return f'<h2>Facts</h2><table class="facts">{"".join(rows)}</table>'


def _evidence_html(evidence: Evidence, labels: Labels) -> str:
    source = iri_html(evidence.source.value, labels) if evidence.source.kind == "iri" else ""
    said = ""
    if evidence.attributed_to is not None:
        said = f", as said by {term_html(evidence.attributed_to, labels)}"
    if evidence.sentence is None:
        return f'<div class="evidence">Source: {source}{said}</div>'
    where = ""
    if evidence.start is not None and evidence.end is not None:
        where = f" (characters {esc(evidence.start.value)}–{esc(evidence.end.value)})"
    return (
        f'<blockquote class="evidence">{term_html(evidence.sentence, labels)}'
        f"{_translation_html(evidence, labels)}"
        f"<cite>{source}{where}{said}</cite></blockquote>"
    )


def _translation_html(evidence: Evidence, labels: Labels) -> str:
    """The sentence in the page's language, beside the original and marked as a translation."""
    if evidence.sentence is None or evidence.sentence.language == labels.lang:
        return ""
    chosen = [t for t in evidence.translations if t.language == labels.lang]
    if not chosen:
        return ""
    return (
        f'<p class="translation" lang="{esc(labels.lang)}">{esc(chosen[0].value)} '
        f"<small>(translation)</small></p>"
    )


def _incoming(incoming: tuple[tuple[Term, Term], ...], labels: Labels) -> str:
    if not incoming:
        return ""
    rows = "".join(
        f"<tr><td>{term_html(s, labels)}</td><th>{iri_html(p.value, labels)}</th><td>this</td></tr>"
        for s, p in incoming
    )
    return f'<h2>Links to this resource</h2><table class="incoming">{rows}</table>'
