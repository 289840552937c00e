"""The ontology page: the project's classes and properties with their labels in kk/en/ru,
comments, super-classes, domains and ranges."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from sdgkg.namespaces import PREFIXES
from sdgkg.server.pages import Labels, esc, iri_html, labels_rows, layout
from sdgkg.store.engine import EmbeddedEngine

_TERMS = """
SELECT ?term ?kind ?comment
  (GROUP_CONCAT(DISTINCT STR(?super); SEPARATOR=" ") AS ?supers)
  (GROUP_CONCAT(DISTINCT STR(?domain); SEPARATOR=" ") AS ?domains)
  (GROUP_CONCAT(DISTINCT STR(?range); SEPARATOR=" ") AS ?ranges)
WHERE {
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty rdf:Property }
  ?term a ?kind .
  FILTER (STRSTARTS(STR(?term), STR(sdgkg:)))
  OPTIONAL { ?term rdfs:comment ?comment FILTER (LANGMATCHES(LANG(?comment), "en")) }
  OPTIONAL { ?term rdfs:subClassOf|rdfs:subPropertyOf ?super }
  OPTIONAL { ?term rdfs:domain ?domain }
  OPTIONAL { ?term rdfs:range ?range }
}
GROUP BY ?term ?kind ?comment
ORDER BY ?kind ?term"""


@dataclass(frozen=True)
class OntologyTerm:
    iri: str
    is_class: bool
    comment: str
    supers: tuple[str, ...]
    domains: tuple[str, ...]
    ranges: tuple[str, ...]


def ontology_terms(store: ox.Store) -> list[OntologyTerm]:
    """The classes and properties of the `sdgkg:` namespace, classes first."""
    found = []
    result = EmbeddedEngine(store).query(_TERMS)
    for row in result.rows:
        values = {
            name: "" if term is None else term.value
            for name, term in zip(result.variables, row, strict=True)
        }
        found.append(
            OntologyTerm(
                values["term"],
                values["kind"].endswith("#Class"),
                values["comment"],
                tuple(values["supers"].split()),
                tuple(values["domains"].split()),
                tuple(values["ranges"].split()),
            )
        )
    return sorted(found, key=lambda t: (not t.is_class, t.iri))


def ontology_page(terms: list[OntologyTerm], labels: Labels) -> bytes:
    classes = [t for t in terms if t.is_class]
    properties = [t for t in terms if not t.is_class]
    body = (
        "<h1>The sdgkg ontology</h1>"
        f"<p>Namespace <code>{esc(PREFIXES['sdgkg'])}</code>: the terms this graph needs that "
        "W3C ORG, PROV-O, SKOS, Dublin Core, schema.org and Web Annotation do not provide. "
        'As Turtle: <a href="/ontology.ttl">ontology.ttl</a>.</p>'
        f"<h2>Classes ({len(classes)})</h2>{''.join(_term(t, labels) for t in classes)}"
        f"<h2>Properties ({len(properties)})</h2>{''.join(_term(t, labels) for t in properties)}"
    )
    return layout("Ontology", body, labels)


def _term(term: OntologyTerm, labels: Labels) -> str:
    local = term.iri[len(PREFIXES["sdgkg"]) :]
    label_rows = labels_rows(term.iri, labels)
    relations = [
        ("Subclass of" if term.is_class else "Subproperty of", term.supers),
        ("Domain", term.domains),
        ("Range", term.ranges),
    ]
    facts = "".join(
        f"<tr><th>{name}</th><td>{', '.join(iri_html(i, labels) for i in iris)}</td></tr>"
        for name, iris in relations
        if iris
    )
    return (
        f'<section class="term" id="{esc(local)}"><h3><code>sdgkg:{esc(local)}</code></h3>'
        f'<p>{esc(term.comment)}</p><table class="labels">{label_rows}{facts}</table></section>'
    )
