"""The project's prefixes, in one ordered mapping, and helpers to expand and compact IRIs."""

from __future__ import annotations

import re
from functools import lru_cache

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

# Namespaces and terms the code names itself, written once.
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
SH = PREFIXES["sh"]
SCHEMA = PREFIXES["schema"]
KG = PREFIXES["kg"]
KGX = PREFIXES["kgx"]
SDGKG = PREFIXES["sdgkg"]
OA = PREFIXES["oa"]
PROV = PREFIXES["prov"]
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
RDF_TYPE = RDF + "type"
RDF_LANG_STRING = RDF + "langString"
XSD_STRING = XSD + "string"
# The languages every entity is labelled in.
LANGUAGES = ("kk", "en", "ru")
# A well-formed language tag (BCP 47's shape: letters, then subtags of letters and digits).
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")

# A local name that Turtle accepts unescaped (a safe subset of PN_LOCAL).
_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_PREFIXED = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):(.*)$")


def expand(name: str) -> str | None:
    """Return the IRI for a prefixed name such as `kg:centre`, or None if it is not one."""
    match = _PREFIXED.match(name)
    if not match or match.group(1) not in PREFIXES:
        return None
    return PREFIXES[match.group(1)] + match.group(2)


# Every namespace ends in "/" or "#", which no local name holds: so the one namespace an IRI
# can be compacted with is all of it up to its last "/" or "#" (`geo:`, never its parent `sdg:`).
_BY_NAMESPACE = {namespace: prefix for prefix, namespace in PREFIXES.items()}


@lru_cache(maxsize=1 << 20)  # exports compact the same IRIs again and again
def compact(iri: str) -> str:
    """Return `prefix:local` for an IRI in a project namespace, else `<iri>`."""
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix, local = _BY_NAMESPACE.get(iri[:cut]), iri[cut:]
    if prefix is not None and (local == "" or _LOCAL.match(local)):
        return f"{prefix}:{local}"
    return f"<{iri}>"
