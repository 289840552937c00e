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

from sdgkg.namespaces import PREFIXES, compact
from sdgkg.rdfio.terms import Term, from_oxigraph, to_triple
from sdgkg.server.pages import Labels, local_path, with_lang
from sdgkg.server.templating import render_page
from sdgkg.store.engine import EmbeddedEngine

RDF_TYPE = PREFIXES["rdf"] + "type"
_LABELS = {PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label"}
# Incoming links from the reified statements are shown as evidence, not as links.
_REIFICATION = {PREFIXES["rdf"] + "subject", PREFIXES["rdf"] + "object"}
# The picture shows links between resources: not types, labels or where a fact was found.
_HIDDEN_LINKS = {RDF_TYPE, *_LABELS, PREFIXES["prov"] + "wasDerivedFrom"}
_MOST_NODES = 60  # a class with thousands of members would be a hairball, not a picture

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
        node = Term.iri(self.iri)
        for predicate, obj in self.outgoing:
            yield to_triple(node, predicate, obj)
        for subject, predicate in self.incoming:
            yield to_triple(subject, predicate, node)


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
    result = EmbeddedEngine(store, all_graphs=True).query(_EVIDENCE, {"s": Term.iri(node.value)})
    for row in result.rows:
        terms = dict(zip(result.variables, row, strict=True))
        predicate, obj, source = terms["p"], terms["o"], terms["source"]
        if predicate is None or obj is None or source is None:  # the query binds all three
            continue
        item = Evidence(terms["exact"], source, terms["start"], terms["end"], terms["by"])
        renderings = found.setdefault((predicate, obj), {}).setdefault(item, [])
        if terms["translation"] is not None:
            renderings.append(terms["translation"])
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
    title = labels.tagged(iri) or (iri, "")
    types = [o for p, o in description.outgoing if p.value == RDF_TYPE]
    facts = [
        (p, o) for p, o in description.outgoing if p.value != RDF_TYPE and p.value not in _LABELS
    ]
    return render_page(
        "resource.html",
        title=title[0],
        title_lang=title[1],
        iri=iri,
        path=local_path(iri) or "",
        types=types,
        facts=facts,
        evidence=description.evidence,
        incoming=description.incoming,
        graph=neighbourhood(description, labels),
        labels=labels,
    )


def neighbourhood(description: Description, labels: Labels) -> dict[str, list[dict[str, str]]]:
    """The resource and the resources it links to and from, as nodes and edges for the
    picture: each node labelled in the page's language and linked to its page."""
    centre = description.iri
    nodes = {centre: _graph_node(centre, labels, "centre")}
    edges: dict[tuple[str, str, str], dict[str, str]] = {}
    links: list[tuple[str | Term, Term, str | Term]] = [
        (centre, p, o) for p, o in description.outgoing if p.value not in _HIDDEN_LINKS
    ]
    links += [(s, p, centre) for s, p in description.incoming]
    for source, predicate, target in links:
        ends = [e.value if isinstance(e, Term) else e for e in (source, target)]
        if not all(isinstance(e, str) for e in ends) or _is_literal(source, target):
            continue
        other = ends[1] if ends[0] == centre else ends[0]
        if other not in nodes and len(nodes) > _MOST_NODES:
            continue
        nodes.setdefault(other, _graph_node(other, labels, "neighbour"))
        key = (ends[0], predicate.value, ends[1])
        label = labels.of(predicate.value) or compact(predicate.value)
        edges[key] = {"source": ends[0], "target": ends[1], "label": label}
    return {"nodes": list(nodes.values()), "edges": list(edges.values())}


def _is_literal(*terms: object) -> bool:
    return any(isinstance(t, Term) and t.kind != "iri" for t in terms)


def _graph_node(iri: str, labels: Labels, role: str) -> dict[str, str]:
    found = labels.tagged(iri)
    path = local_path(iri)
    return {
        "id": iri,
        "label": found[0] if found else compact(iri),
        "lang": found[1] if found else "",
        "href": with_lang(path, labels.lang) if path else iri,
        "role": role,
    }
