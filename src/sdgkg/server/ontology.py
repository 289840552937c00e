"""The ontology page: the project's classes and properties with their labels in kk/en/ru,
comments, super-classes, domains and ranges."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from sdgkg.server.pages import Labels
from sdgkg.server.templating import render_page
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
    """The ontology as a page: classes, then properties, each with its labels and relations."""
    return render_page(
        "ontology.html",
        title="Ontology",
        classes=[t for t in terms if t.is_class],
        properties=[t for t in terms if not t.is_class],
        labels=labels,
    )
