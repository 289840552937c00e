"""The project's prefixes, in one ordered mapping, and helpers to expand and compact IRIs."""

from __future__ import annotations

import re

PREFIXES: dict[str, str] = {
    "sdgkg": "https://w3id.org/sdgkg/ontology#",
    "kg": "https://w3id.org/sdgkg/id/",
    "sdgkgsh": "https://w3id.org/sdgkg/shapes#",
    # What `sdgkg extract` writes: apart from kg:, so candidates never collide with curated IRIs.
    "kgx": "https://w3id.org/sdgkg/extracted/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
    "sdg": "http://metadata.un.org/sdg/",
    "geo": "http://metadata.un.org/sdg/codes/geoArea/",
    "vann": "http://purl.org/vocab/vann/",
}

GRAPH_BASE = "https://w3id.org/sdgkg/graph/"

# A local name that Turtle accepts unescaped (a safe subset of PN_LOCAL).
_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_PREFIXED = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):(.*)$")


def expand(name: str) -> str | None:
    """Return the IRI for a prefixed name such as `kg:centre`, or None if it is not one."""
    match = _PREFIXED.match(name)
    if not match or match.group(1) not in PREFIXES:
        return None
    return PREFIXES[match.group(1)] + match.group(2)


def compact(iri: str) -> str:
    """Return `prefix:local` for an IRI in a project namespace, else `<iri>`."""
    # Longest namespace first, so `geo:` wins over its parent `sdg:`.
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local == "" or _LOCAL.match(local):
                return f"{prefix}:{local}"
    return f"<{iri}>"
